"""Explicit moves of a lead: recycle it to nurture, disqualify it (sales), or move it
to a funnel stage (a repair, services/stale_stages.py).

The engine decides what a move means (``engine.lifecycle.recycle`` / ``disqualify``:
a reason and an actor, recorded as a transition); this writes it: the lifecycle
columns of the contact's qualification, the ledger, and a ``stage.changed`` message in
the outbox, all in the caller's transaction. Call it after re-qualifying the contact,
so the move starts from its current state.

A customer is neither recycled nor disqualified by sales finishing with a lead: a deal
won elsewhere (a CRM's export imported while sales held the lead) makes the contact a
customer, and closing, rejecting or losing another deal afterwards ends sales' work
without sending the customer to marketing's nurture programmes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.definition.model import Definition, StageKind
from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.engine.lifecycle import LifecycleError, LifecycleStep, disqualify, move, recycle
from leadflow.services.definitions import active_definition
from leadflow.services.outbox import STAGE_CHANGED, enqueue
from leadflow.store.driver import driver_for
from leadflow.store.models import Qualification
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import HandoffStatements

__all__ = ["disqualify_lead", "move_lead", "recycle_lead", "stands_as_customer"]

_Move = Callable[[LifecycleState, str, str, datetime], LifecycleStep]


def recycle_lead(
    session: Session, contact_id: int, reason: str, actor: str, now: datetime
) -> Transition | None:
    """Back to nurture (None when it is there already)."""
    return _move(session, contact_id, recycle, reason, actor, now)


def disqualify_lead(
    session: Session, contact_id: int, reason: str, actor: str, now: datetime
) -> Transition | None:
    """Out of the funnel (None when it is disqualified already)."""
    return _move(session, contact_id, disqualify, reason, actor, now)


def move_lead(
    session: Session, contact_id: int, stage: str, reason: str, actor: str, now: datetime
) -> Transition | None:
    """To a funnel stage, in either direction (None when it is there already)."""

    def to_stage(state: LifecycleState, why: str, who: str, at: datetime) -> LifecycleStep:
        return move(state, stage, why, who, at)

    return _move(session, contact_id, to_stage, reason, actor, now)


def stands_as_customer(session: Session, contact_id: int) -> bool:
    """The contact's stored stage is a customer stage of the active definition."""
    stage = session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )
    return _is_customer(active_definition(session).definition, stage)


def _move(
    session: Session, contact_id: int, move: _Move, reason: str, actor: str, now: datetime
) -> Transition | None:
    session.flush()
    driver = driver_for(session.connection())
    store = RealtimeStore(driver)
    person = store.load_person(contact_id)
    active = active_definition(session)
    if _is_customer(active.definition, person.lifecycle.stage):
        return None
    try:
        step = move(person.lifecycle, reason, actor, now)
    except LifecycleError:  # already there: nothing to record
        return None
    transition = step.transition
    if transition is None:
        return None
    HandoffStatements(driver).save_lifecycle(contact_id, step.state, now)
    store.add_transition(contact_id, transition, active.version_id, None)
    enqueue(driver, STAGE_CHANGED, {"contact_id": contact_id, **transition.to_dict()}, now)
    return transition


def _is_customer(definition: Definition, stage: str | None) -> bool:
    return any(s.id == stage and s.kind is StageKind.CUSTOMER for s in definition.stages)
