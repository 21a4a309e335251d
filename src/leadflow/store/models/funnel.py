"""What happened and what qualification made of it: definitions, events, state, ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base

__all__ = ["BantFact", "DefinitionVersion", "Event", "Qualification", "StageTransition"]


class DefinitionVersion(Base):
    """One version of the workspace's definition, kept verbatim. At most one is active."""

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        # A partial unique index: many inactive versions, a single active one.
        Index(
            "uq_definition_versions_one_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    yaml: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column()
    activated_at: Mapped[datetime | None] = mapped_column()


class Event(Base):
    """A marketing event, appended once and never edited.

    ``(source, idempotency_key)`` is unique: the same event sent twice by the same
    source is stored once. Only the attribution (``contact_id``) may change, when an
    anonymous visitor identifies or two contacts are merged.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("source", "idempotency_key"),
        Index(None, "contact_id", "at"),
        # Only events with a visitor (migration 0006): one B-tree fewer per known event.
        Index(
            None,
            "visitor_id",
            "at",
            sqlite_where=text("visitor_id IS NOT NULL"),
            postgresql_where=text("visitor_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    visitor_id: Mapped[str | None] = mapped_column(ForeignKey("visitors.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column()
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column()


class Qualification(Base):
    """The current qualification of one contact, and the engine state that produced it.

    ``state`` is the engine's incremental state (JSON): folding one more event into it
    gives the same result as qualifying the whole history again, so recording an event
    never re-reads the contact's past.
    """

    __tablename__ = "qualifications"
    __table_args__ = (Index(None, "stage"),)

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str | None] = mapped_column(String(100))
    fit_score: Mapped[float] = mapped_column(default=0.0)
    fit_grade: Mapped[str] = mapped_column(String(1), default="D")
    engagement_score: Mapped[float] = mapped_column(default=0.0)
    temperature: Mapped[str] = mapped_column(String(20), default="unknown")
    lead_type: Mapped[str] = mapped_column(String(20), default="none")
    sales_ready: Mapped[bool] = mapped_column(default=False)
    # The active learned model's win probability it was qualified with (None: no model).
    prediction: Mapped[float | None] = mapped_column()
    definition_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="SET NULL")
    )
    # The engine's ActivitySummary (JSON), valid for the definition version above.
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    qualified_at: Mapped[datetime] = mapped_column()  # the moment the scores were computed
    # The lead's last activity: its latest event or sales activity (attempt, conversation,
    # deal opened or closed); when it has none, the moment it became known (its creation).
    # A rescore qualifies everyone at one moment and leaves this alone.
    last_activity_at: Mapped[datetime] = mapped_column()
    # The lifecycle (engine.lifecycle): when the stage was entered, the last funnel stage
    # before an off-ramp, why and when the lead was recycled or disqualified.
    stage_entered_at: Mapped[datetime | None] = mapped_column()
    stage_version: Mapped[str | None] = mapped_column(String(100))
    funnel_stage: Mapped[str | None] = mapped_column(String(100))
    recycled_at: Mapped[datetime | None] = mapped_column()
    recycled_reason: Mapped[str | None] = mapped_column(String(500))
    disqualified_at: Mapped[datetime | None] = mapped_column()
    disqualified_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column()


class StageTransition(Base):
    """The ledger: every stage change, so the funnel can be rebuilt at any past instant."""

    __tablename__ = "stage_transitions"
    # event_id: a duplicate event is answered with the moves the first one caused.
    __table_args__ = (Index(None, "contact_id", "at"), Index(None, "at"), Index(None, "event_id"))

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(100))
    to_stage: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column()
    rule: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    definition_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="SET NULL")
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))


class BantFact(Base):
    """One BANT criterion stated for a contact, with its evidence; the latest one counts."""

    __tablename__ = "bant_facts"
    __table_args__ = (Index(None, "contact_id", "criterion", "at"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(20))  # budget | authority | need | timing
    met: Mapped[bool | None] = mapped_column()
    evidence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(100))  # form, rep_note, import ...
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()
