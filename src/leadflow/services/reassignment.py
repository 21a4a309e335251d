"""Giving a lead sales holds to another rep: after a breached answer, or because its
owner left.

    reroute        route one live hand-off again, its owner excluded; the new owner's
                   SLA clock starts now (None: nobody else is available)
    deactivate_rep the rep leaves routing, and every lead they hold is re-routed so it
                   does not wait, unseen, for someone who is gone; a lead nobody else is
                   available for stays with them and is reported, for the next sweep
                   (with ``reassign_on_breach``) or a colleague acting with ``--rep``

An accepted lead keeps its answer, attempts and cadence (counted in its new owner's
calendar from then on); the open deal it became goes to the new owner as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadflow.services.definitions import active_definition
from leadflow.services.facts import facts_of
from leadflow.services.handoff import HandedOff, reassign
from leadflow.services.reps import get_rep
from leadflow.services.sales_work import Work
from leadflow.store.driver import driver_for
from leadflow.store.models import (
    Assignment,
    Handoff,
    HandoffWork,
    Opportunity,
    OpportunityDetail,
    Rep,
)
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import HandoffStatements

__all__ = ["Deactivated", "deactivate_rep", "reroute"]


@dataclass(frozen=True)
class Deactivated:
    """What deactivating a rep did with the leads they held."""

    rep: Rep
    moved: dict[int, str] = field(default_factory=dict)  # contact id -> new owner
    kept: list[int] = field(default_factory=list)  # contact ids nobody else could take


def reroute(
    session: Session, work: Work, *, reason: str, now: datetime, only_open: bool = False
) -> HandedOff | None:
    """Give ``work`` to another available rep than its current one (the caller commits).

    None when nobody else is available, or when, by the time the contact's lock was
    taken, the hand-off was closed, moved already, or (``only_open``) answered: a rep
    who answered a moment ago keeps the lead they answered."""
    session.flush()
    driver = driver_for(session.connection())
    store = RealtimeStore(driver)
    contact_id = work.handoff.contact_id
    current = work.item.rep_id
    store.lock_contact(contact_id)  # the real-time path's order: the contact, then the pool
    session.refresh(work.handoff)
    session.refresh(work.item)
    item, handoff = work.item, work.handoff
    if item.closed_at is not None or item.rep_id != current or current is None:
        return None
    if only_open and handoff.status != "open":
        return None
    definition = active_definition(session).definition
    moved = reassign(
        HandoffStatements(driver),
        handoff_id=handoff.id,
        contact_id=contact_id,
        facts=facts_of(store, store.load_person(contact_id)),
        exclude=frozenset({current}),
        reason=reason,
        definition=definition,
        now=now,
    )
    session.expire(item)
    session.expire(handoff)
    if moved is not None and moved.routed.rep is not None:
        # The deal opened from this hand-off; the CRM's deals keep the CRM's owner.
        own = select(OpportunityDetail.opportunity_id).where(
            OpportunityDetail.handoff_id == handoff.id
        )
        session.execute(
            update(Opportunity)
            .where(Opportunity.id.in_(own), Opportunity.status == "open")
            .values(owner=moved.routed.rep.key)
        )
    return moved


def deactivate_rep(session: Session, key: str, now: datetime) -> Deactivated:
    """The rep leaves: never routed to again, and the leads they hold are re-routed."""
    rep = get_rep(session, key)
    rep.active = False
    rep.updated_at = now
    session.flush()  # routing must not pick the leaver
    done = Deactivated(rep)
    for work in _held(session, rep.id):
        moved = reroute(session, work, reason=f"re-assigned: {key} was deactivated", now=now)
        contact_id = work.handoff.contact_id
        if moved is None or moved.routed.rep is None:
            done.kept.append(contact_id)
        else:
            done.moved[contact_id] = moved.routed.rep.key
    session.commit()
    return done


def _held(session: Session, rep_id: int) -> list[Work]:
    rows = session.execute(
        select(Handoff, HandoffWork, Assignment)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .outerjoin(Assignment, Assignment.id == HandoffWork.assignment_id)
        .where(HandoffWork.rep_id == rep_id, HandoffWork.closed_at.is_(None))
        .order_by(Handoff.id)
    ).tuples()
    return [Work(handoff, item, assignment) for handoff, item, assignment in rows]
