"""Who the funnel is about: accounts, contacts, anonymous visitors, consent (the current
state and its history) and merges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base, Timestamped, is_set

__all__ = [
    "Account",
    "AccountExternalId",
    "Consent",
    "ConsentDecision",
    "Contact",
    "Merge",
    "Visitor",
]


class Account(Timestamped, Base):
    """A company. Contacts share its firmographics (industry, size, revenue, country)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(255), unique=True)
    industry: Mapped[str | None] = mapped_column(String(200))
    employees: Mapped[int | None] = mapped_column()
    revenue: Mapped[float | None] = mapped_column()
    country: Mapped[str | None] = mapped_column(String(2))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AccountExternalId(Base):
    """An account's id in one CRM (migration 0017): a company HubSpot knows as 1234 and
    Salesforce as 0015g00000AbCdEAAV is one account with two rows here.

    ``system`` names the CRM (``hubspot``, ``salesforce``, ``mautic``, ``odoo`` ... as a
    contact's record id is namespaced; ``generic`` for ids of no known system), so a
    numeric HubSpot id cannot meet another system's same number. One id per system and
    account; an id belongs to one account of its system.
    """

    __tablename__ = "account_ids"
    __table_args__ = (UniqueConstraint("account_id", "system"),)

    system: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class Contact(Timestamped, Base):
    """One person. Common attributes are columns (filterable); the rest is ``attributes``.

    ``email`` is stored normalised, so equality is identity: one person, one contact.
    A contact merged into another keeps its row with ``merged_into_id`` set until the
    merge is undone (see ``Merge``).
    """

    __tablename__ = "contacts"
    # An erased person's id is never given to someone else (migration 0013): it lives on
    # in webhook receivers and API clients. PostgreSQL's sequences behave so already.
    # Only merged contacts are in merged_into_id's index (migration 0018): deleting a
    # contact looks for the contacts merged into it, which without it read the table.
    __table_args__ = (
        Index(
            None,
            "merged_into_id",
            sqlite_where=is_set("merged_into_id"),
            postgresql_where=is_set("merged_into_id"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    # The record's id in the CRM it was imported from (HubSpot, Salesforce, Mautic ...).
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(300))
    seniority: Mapped[str | None] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    company: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    source_channel: Mapped[str | None] = mapped_column(String(100))
    source_medium: Mapped[str | None] = mapped_column(String(100))
    source_campaign: Mapped[str | None] = mapped_column(String(300))
    # A purchased origin (MSRL) stays visible forever, whatever happens later.
    purchased: Mapped[bool] = mapped_column(default=False)
    vendor: Mapped[str | None] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(20), default="known")
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )


class Visitor(Base):
    """A browser or device seen before it gave contact details; linked once it does."""

    __tablename__ = "visitors"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    first_seen_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    identified_at: Mapped[datetime | None] = mapped_column()


class Consent(Base):
    """The current consent of one contact on one channel, and what set it.

    status: granted | confirmed (double opt-in) | withdrawn | bounced. The event that
    changed it, when there is one, is kept as evidence.
    """

    __tablename__ = "consents"
    # event_id's index (migration 0018): deleting an event (an erasure deletes every one
    # of the person's) looks for the consent it set, which without it read the table.
    __table_args__ = (
        UniqueConstraint("contact_id", "channel"),
        Index(
            None, "event_id", sqlite_where=is_set("event_id"), postgresql_where=is_set("event_id")
        ),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))


class ConsentDecision(Base):
    """One consent decision of a contact on a channel, as it was made: append-only.

    ``consents`` holds the decision in force (what sending reads); this table holds every
    decision leadflow learned of, including older ones that arrived late and did not
    change the current state, so it can show when and how a person consented (GDPR art.
    7(1)) and what their consent was at any past moment. ``at`` is when the decision was
    made, ``recorded_at`` when leadflow learned it (None: carried over from ``consents``
    when the history began). ``source`` says where it came from (an event's source, a
    form, an import and its layout); ``evidence`` what leadflow has to show for it (the
    form, the import file and line, the event's list or campaign); ``event_id`` the
    event, while it is kept.
    """

    __tablename__ = "consent_history"
    __table_args__ = (
        Index(None, "contact_id", "channel", "at"),
        Index(
            None, "event_id", sqlite_where=is_set("event_id"), postgresql_where=is_set("event_id")
        ),  # as consents' (migration 0018)
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column()
    recorded_at: Mapped[datetime | None] = mapped_column()
    source: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str | None] = mapped_column(String(500))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))


class Merge(Base):
    """A merge of ``merged_id`` into ``survivor_id``, with what is needed to undo it.

    ``survivor_before`` holds the survivor's values that survivorship overwrote;
    ``merged_snapshot`` the merged contact as it was; ``repointed`` the ids of rows
    (events, transitions, ...) that moved to the survivor, per table.
    """

    __tablename__ = "merges"
    __table_args__ = (Index(None, "survivor_id"), Index(None, "merged_id"))

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    survivor_before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    merged_snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    repointed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    undone_at: Mapped[datetime | None] = mapped_column()
