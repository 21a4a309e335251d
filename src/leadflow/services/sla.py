"""The SLA sweep: record every breach as of now, re-assign if the definition says so,
and end cadences whose last business day has passed.

Breaches are recorded at two moments: when a late answer or first touch arrives
(services/feedback.py, services/cadence.py) and here, for the ones still waiting, so a
rep who never answers shows up too. Each is recorded once per assignment and kind, and
announced as ``handoff.sla_breached`` through the outbox in the same transaction.

With ``sla.reassign_on_breach``, a hand-off whose answer is overdue goes to another
available rep (routing again, its current owner excluded), whose own SLA clock starts
at the re-assignment. Run it often (``leadflow handoff check-sla`` from cron, or the
API's ``POST /handoff/check-sla``): a breach is recorded when the sweep sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.services.cadence import end_cadence
from leadflow.services.definitions import active_definition
from leadflow.services.reassignment import reroute
from leadflow.services.sales_work import ACCEPT, FIRST_TOUCH, Work, record_breach_if_late
from leadflow.store.models import Assignment, Handoff, HandoffWork, SlaBreach

__all__ = ["Sweep", "check_sla"]


@dataclass
class Sweep:
    """What one sweep did."""

    breaches: list[SlaBreach] = field(default_factory=list)
    reassigned: int = 0
    cadences_ended: int = 0


def check_sla(session: Session, clock: Clock) -> Sweep:
    now = clock.now()
    sweep = Sweep()
    for work in _overdue(session, now):
        for kind in (ACCEPT, FIRST_TOUCH):
            if kind == ACCEPT and work.handoff.status != "open":
                continue
            if kind == FIRST_TOUCH and work.item.first_touch_at is not None:
                continue
            breach = record_breach_if_late(session, work, kind, now)
            if breach is not None:
                sweep.breaches.append(breach)
                if kind == ACCEPT and _reassign(session, work, breach, now):
                    sweep.reassigned += 1
    for work in _expired_cadences(session, now):
        end_cadence(session, work, now)
        sweep.cadences_ended += 1
    session.commit()
    return sweep


def _overdue(session: Session, now: datetime) -> list[Work]:
    """Live hand-offs whose current assignment has a due moment already past."""
    rows = session.execute(
        select(Handoff, HandoffWork, Assignment)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .join(Assignment, Assignment.id == HandoffWork.assignment_id)
        .where(
            HandoffWork.closed_at.is_(None),
            ((Handoff.status == "open") & (Assignment.accept_due_at < now))
            | (HandoffWork.first_touch_at.is_(None) & (Assignment.touch_due_at < now)),
        )
        .order_by(Handoff.id)
    ).tuples()
    return [Work(handoff, item, assignment) for handoff, item, assignment in rows]


def _expired_cadences(session: Session, now: datetime) -> list[Work]:
    rows = session.execute(
        select(Handoff, HandoffWork)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .where(
            HandoffWork.closed_at.is_(None),
            Handoff.status == "accepted",
            HandoffWork.connected.is_(False),
            HandoffWork.cadence_ends_at < now,
        )
        .order_by(Handoff.id)
    ).tuples()
    return [Work(handoff, item, None) for handoff, item in rows]


def _reassign(session: Session, work: Work, breach: SlaBreach, now: datetime) -> bool:
    """Give an unanswered hand-off to someone else; False when nobody else is available
    (or the rep answered while the sweep ran)."""
    definition = active_definition(session).definition
    if not definition.handoff.sla.reassign_on_breach or work.item.rep_id is None:
        return False
    reason = f"re-assigned: accept SLA breached (due {breach.due_at.isoformat()})"
    if reroute(session, work, reason=reason, now=now, only_open=True) is None:
        return False
    breach.reassigned = True
    return True
