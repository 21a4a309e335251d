"""Sales-ready leads that wait for a hand-off, and handing them off.

The real-time path hands a lead off in the transaction that makes it sales-ready (an
event, an import, a sales fact). A set-based ``rescore``, typically after a new
definition version, writes verdicts without handing anybody off: a hand-off routes,
starts an SLA clock and puts a lead in a rep's queue, which a bulk recomputation should
not do behind the team's back. The leads it made sales-ready then wait until their next
event. ``hand_off_pending`` is the deliberate step: each sales-ready lead without a live
hand-off is re-qualified as its next event would (``requalify_contacts``), so the very
rules of the real-time path decide whether a hand-off is due (a lead sales sent back
returns only after a new sales action) and route it. ``dry_run`` rolls everything back
and only says who would go to whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.services.definitions import active_definition
from leadflow.services.requalify import requalify_contacts
from leadflow.store.driver import driver_for
from leadflow.store.models import Contact, Qualification
from leadflow.store.models.handoffs import Assignment
from leadflow.store.models.reps import Rep
from leadflow.store.realtime_handoff import HandoffStatements

__all__ = ["PendingHandoff", "hand_off_pending"]


@dataclass(frozen=True, slots=True)
class PendingHandoff:
    contact_id: int
    email: str | None
    rep: str | None  # the rep it went (or would go) to; None: unassigned
    rule: str  # the routing rule that chose the rep


def hand_off_pending(session: Session, clock: Clock, *, dry_run: bool) -> list[PendingHandoff]:
    """Hand off every sales-ready lead that holds no live hand-off and is due one.

    Commits, unless ``dry_run``: then nothing stays and the answer says what would be.
    """
    active = active_definition(session)
    statements = HandoffStatements(driver_for(session.connection()))
    handed: list[PendingHandoff] = []
    for contact_id in _sales_ready(session):
        before = statements.latest_handoff(contact_id)
        if before is not None and before.live:
            continue  # sales holds it already
        requalify_contacts(session, [contact_id], clock=clock, active=active)
        after = statements.latest_handoff(contact_id)
        if after is not None and after != before:
            handed.append(_assigned(session, contact_id))
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return handed


def _sales_ready(session: Session) -> list[int]:
    query = (
        select(Qualification.contact_id)
        .join(Contact, Contact.id == Qualification.contact_id)
        .where(Qualification.sales_ready.is_(True), Contact.merged_into_id.is_(None))
        .order_by(Qualification.contact_id)
    )
    return list(session.scalars(query))


def _assigned(session: Session, contact_id: int) -> PendingHandoff:
    row = session.execute(
        select(Contact.email, Rep.key, Assignment.rule)
        .select_from(Assignment)
        .join(Contact, Contact.id == Assignment.contact_id)
        .outerjoin(Rep, Rep.id == Assignment.rep_id)
        .where(Assignment.contact_id == contact_id)
        .order_by(Assignment.id.desc())
        .limit(1)
    ).one()
    return PendingHandoff(contact_id, row.email, row.key, row.rule)
