"""Sales contact: hand-offs, attempts, conversations and opportunities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base

__all__ = ["Conversation", "Handoff", "Opportunity", "SalesAttempt"]


class Handoff(Base):
    """A sales-ready lead handed to a rep; sales accepts or rejects it (with a reason)."""

    __tablename__ = "handoffs"
    __table_args__ = (Index(None, "contact_id", "at"), Index(None, "owner", "status"))

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    owner: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()  # the SLA for a first attempt
    status: Mapped[str] = mapped_column(String(20), default="open")
    answered_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(500))
    definition_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="SET NULL")
    )


class SalesAttempt(Base):
    """One try to reach a lead: channel call | email | linkedin | meeting, and its outcome.

    An attempt imported from a CRM's activities (``leadflow import activities``) keeps the
    CRM's activity id (``external_id``, namespaced: ``salesforce:00T...``), so importing
    the same file again records nothing twice."""

    __tablename__ = "sales_attempts"
    __table_args__ = (
        Index(None, "contact_id", "at"),
        Index(None, "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"))
    rep: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(300))


class Conversation(Base):
    """A two-way conversation with a named rep: interested | not_interested | no_decision.

    ``external_id`` as for attempts: the CRM activity it was imported from."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index(None, "contact_id", "at"),
        Index(None, "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    rep: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(300))


class Opportunity(Base):
    """A deal: open, then won or lost, with its amount.

    A deal opened in leadflow belongs to a contact. A deal imported from a CRM
    (``leadflow import deals``) carries the CRM's id (``external_id``, namespaced as
    contact ids are: ``hubspot:9182``) and may belong to a company only: ``contact_id``
    is then NULL and ``account_id`` names the company (an *account-level* deal).
    """

    __tablename__ = "opportunities"
    __table_args__ = (
        Index(None, "contact_id"),
        Index(None, "status"),
        Index(None, "external_id", unique=True),
        Index(None, "account_id"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | won | lost
    amount: Mapped[float | None] = mapped_column(Numeric(18, 2, asdecimal=False))
    currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    # The deal's id in the CRM it was imported from; None for deals opened in leadflow.
    external_id: Mapped[str | None] = mapped_column(String(300))
