"""What happens to a hand-off after it is made: who got it and by which rule, the work
on it (the rep's queue), SLA breaches, rejections, and the deal it became.

    Assignment          one per routing decision (the first, and each re-assignment),
                        with the rule that chose the rep and that assignment's SLA clock
    HandoffWork         the queue item of a hand-off: why it was handed off, attempts,
                        next attempt due, and how the work ended (under-worked or not)
    SlaBreach           an answer or first touch later than promised
    Rejection           a rejected hand-off's reason code and note (data for reports)
    OpportunityDetail   a deal's own stage, expected close, products, won reason
    OpportunityStageChange   every stage move of a deal

``handoffs.status`` keeps only sales' answer (open | accepted | rejected): qualification
reads it as ``sales.accepted``. How the work ended lives here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base
from leadflow.store.types import JsonDocument

__all__ = [
    "Assignment",
    "HandoffWork",
    "OpportunityDetail",
    "OpportunityStageChange",
    "Rejection",
    "SlaBreach",
]


class Assignment(Base):
    """A routing decision: the rep (None: nobody was available) and the rule that chose."""

    __tablename__ = "assignments"
    # contact_id's index (migration 0018): erasing a person finds their rows by it.
    __table_args__ = (
        Index(None, "handoff_id", "at"),
        Index(None, "rep_id", "at"),
        Index(None, "contact_id"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(200))  # the routing rule's name
    reason: Mapped[str] = mapped_column(String(500))  # hand-off, or why it was re-assigned
    at: Mapped[datetime] = mapped_column()
    accept_due_at: Mapped[datetime | None] = mapped_column()
    touch_due_at: Mapped[datetime | None] = mapped_column()


class HandoffWork(Base):
    """The rep's side of one hand-off: the queue item, from assignment to closing."""

    __tablename__ = "handoff_work"
    __table_args__ = (Index(None, "rep_id", "closed_at"), Index(None, "contact_id"))

    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    # The explanation of the qualification that handed the lead off: marketing's "why".
    why: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    trigger: Mapped[str | None] = mapped_column(String(100))  # the sales action, if any
    accepted_at: Mapped[datetime | None] = mapped_column()
    first_touch_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    connected: Mapped[bool] = mapped_column(default=False)
    next_attempt_due_at: Mapped[datetime | None] = mapped_column()
    next_channel: Mapped[str | None] = mapped_column(String(20))
    cadence_ends_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # rejected | recycled | disqualified | closed (a customer) | cadence_ended | won | lost
    # | merged
    outcome: Mapped[str | None] = mapped_column(String(20))
    close_reason: Mapped[str | None] = mapped_column(String(500))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    under_worked: Mapped[bool] = mapped_column(default=False)


class SlaBreach(Base):
    """A promise broken: an answer (``accept``) or first attempt (``first_touch``) due
    at ``due_at`` had not come by then. One per assignment and kind."""

    __tablename__ = "sla_breaches"
    __table_args__ = (
        UniqueConstraint("assignment_id", "kind"),
        Index(None, "rep_id", "at"),
        Index(None, "contact_id"),  # migration 0018: erasure finds the person's rows by it
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column()
    at: Mapped[datetime] = mapped_column()  # when leadflow recorded it
    reassigned: Mapped[bool] = mapped_column(default=False)


class Rejection(Base):
    """Sales sent a hand-off back: the reason code from the definition, and a note."""

    __tablename__ = "rejections"
    __table_args__ = (Index(None, "code", "at"), Index(None, "contact_id"))

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(100))
    # recycle | disqualify, or stays_customer: a customer's lead, neither happened
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column()
    definition_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="SET NULL")
    )


class OpportunityDetail(Base):
    """What a deal needs beyond ``opportunities``: its own stage, close date, products."""

    __tablename__ = "opportunity_details"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(100))  # a definition stage, closed_won, closed_lost
    expected_close: Mapped[date | None] = mapped_column()
    products: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    won_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column()


class OpportunityStageChange(Base):
    """One move of a deal through its stages."""

    __tablename__ = "opportunity_stage_changes"
    __table_args__ = (Index(None, "opportunity_id", "at"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(100))
    to_stage: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str | None] = mapped_column(String(200))
