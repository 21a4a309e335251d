"""Leads a stale sales action moved to the sales-ready stage before the gate judged its
age at the moment leadflow learned of it: found, listed, and moved back on request, the
move recorded in the stage ledger (services/stale_stages.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.engine.lifecycle import advance
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.refusals import ConflictError
from leadflow.services.stale_stages import REPAIR_ACTOR, find_stuck_leads, repair_stuck_leads
from leadflow.store.driver import driver_for
from leadflow.store.models import Handoff, Qualification, StageTransition
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import HandoffStatements
from tests.integration.handoff.conftest import START, Desk


def _late_demo(desk: Desk, contact_id: int, days_old: float) -> Recorded:
    """A demo request that happened ``days_old`` days before it reaches leadflow."""
    happened = desk.clock.now() - timedelta(days=days_old)
    incoming = IncomingEvent(
        "demo_request", happened, contact_id=contact_id, properties={}, source="test"
    )
    recorded = record_event(desk.session, incoming, clock=desk.clock, active=desk.active)
    assert isinstance(recorded, Recorded)
    return recorded


def _moved_as_before_the_fix(desk: Desk, contact_id: int, recorded: Recorded) -> None:
    """What the real-time path wrote before the gate took ``learned_at``: the move the
    verdict as of the event gives, recorded by the rule, caused by that event."""
    session = desk.session
    event_at = desk.clock.now() - timedelta(days=31)
    verdict = qualify_contact(session, contact_id, event_at, explain=False).qualification
    assert verdict.stage == "sql"
    store = RealtimeStore(driver_for(session.connection()))
    step = advance(store.load_person(contact_id).lifecycle, verdict, event_at)
    assert step.transition is not None
    HandoffStatements(store.driver).save_lifecycle(contact_id, step.state, desk.clock.now())
    assert desk.active is not None
    store.add_transition(contact_id, step.transition, desk.active.version_id, recorded.event_id)
    session.commit()


def _stage(desk: Desk, contact_id: int) -> str | None:
    return desk.session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )


def _moves(desk: Desk) -> int:
    return desk.session.scalar(select(func.count()).select_from(StageTransition)) or 0


def test_a_lead_a_stale_demo_request_moved_to_sql_is_listed_then_moved_back(desk: Desk) -> None:
    stuck, renewed = desk.contact("NL"), desk.contact("NL")
    desk.later(days=40)  # 11 April 2026
    _moved_as_before_the_fix(desk, stuck, _late_demo(desk, stuck, 31))
    # The same stale request, then a fresh one: in sql by right now.
    _moved_as_before_the_fix(desk, renewed, _late_demo(desk, renewed, 31))
    desk.later(hours=1)
    desk.event(renewed)  # no team, no rep: nobody holds it, it stands in sql
    assert (_stage(desk, stuck), _stage(desk, renewed)) == ("sql", "sql")
    before = _moves(desk)

    (listed,) = find_stuck_leads(desk.session, desk.clock.now())

    assert (listed.contact_id, listed.stage, listed.back_to) == (stuck, "sql", "mql")
    assert not listed.held_by_sales
    assert listed.why == (
        "entered sql on demo_request of 2026-03-11, 31.0 days old when leadflow learned of"
        " it on 2026-04-11 (> 30)"
    )
    assert (_stage(desk, stuck), _moves(desk)) == ("sql", before)  # listing writes nothing

    (repaired,) = repair_stuck_leads(desk.session, clock=desk.clock)

    assert repaired == listed
    assert (_stage(desk, stuck), _stage(desk, renewed)) == ("mql", "sql")
    last = desk.session.scalars(
        select(StageTransition)
        .where(StageTransition.contact_id == stuck)
        .order_by(StageTransition.id.desc())
    ).first()
    assert last is not None
    assert (last.from_stage, last.to_stage, last.actor, last.rule) == (
        "sql",
        "mql",
        REPAIR_ACTOR,
        None,
    )
    assert last.reason == f"repair: {listed.why}: back to mql, where the definition places it"
    stored = desk.session.get(Qualification, stuck)
    assert stored is not None
    assert stored.sales_ready is False
    assert find_stuck_leads(desk.session, desk.clock.now()) == []  # done once


def test_a_lead_sales_holds_is_listed_and_left_where_it_stands(desk: Desk) -> None:
    # Handed off before the hand-off, too, judged the action's age when it arrived:
    # whether it is a lead for sales is sales' answer (reject), not a repair's.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    held = desk.contact("NL")
    desk.later(days=40)
    recorded = _late_demo(desk, held, 31)
    _moved_as_before_the_fix(desk, held, recorded)
    desk.session.add(Handoff(contact_id=held, owner="eva", at=desk.clock.now(), status="open"))
    desk.session.commit()

    (listed,) = repair_stuck_leads(desk.session, clock=desk.clock)

    assert (listed.contact_id, listed.held_by_sales) == (held, True)
    assert _stage(desk, held) == "sql"


PRICING = """\
schema_version: 1
name: pricing
version: "1"
extends: waterfall
stages:
  - {id: lead, when: {field: identity, at_least: known}}
  - id: engaged
    requires: [lead]
    when: {event: page_view, where: {url: "*pricing*"}, min_count: 3, within_days: 14}
  - {id: sql, kind: sales, requires: [lead], when: {field: sales_ready, equals: true}}
"""


def test_a_late_history_reaches_a_marketing_stage_then_and_the_sales_stage_not_now(
    desk: Desk,
) -> None:
    # Three pricing visits within 14 days and a demo request, a year before leadflow
    # learns of them (an imported history, in time order). The visits met the engaged
    # stage's window when they happened: the lead reached it then, the ledger dated then,
    # as if leadflow had watched. The demo request was 30+ days old when it arrived: the
    # sql stage means "sales talks to it now", and nobody would (docs/engine.md).
    desk.activate(PRICING, "pricing.yaml")
    contact_id = desk.contact("NL")
    learned = desk.later(days=400)
    visits = [_start_plus(days) for days in (10, 12, 13)]
    for moment in visits:
        _record(desk, contact_id, "page_view", moment, url="https://x.example/pricing")
    _record(desk, contact_id, "demo_request", visits[-1] + timedelta(hours=1))

    moves = desk.session.scalars(
        select(StageTransition)
        .where(StageTransition.contact_id == contact_id)
        .order_by(StageTransition.id)
    ).all()
    assert [(move.to_stage, move.at) for move in moves[1:]] == [("engaged", visits[-1])]
    stored = desk.session.get(Qualification, contact_id)
    assert stored is not None
    assert (stored.stage, stored.sales_ready) == ("engaged", False)
    # Qualified now, the window no longer holds; the lead stays where it got (forward-only).
    now = qualify_contact(desk.session, contact_id, learned, explain=False).qualification
    assert now.stage == "lead"
    assert (
        find_stuck_leads(desk.session, learned) == []
    )  # no sales stage reached: nothing to repair


def _start_plus(days: float) -> datetime:
    return START + timedelta(days=days)


def _record(desk: Desk, contact_id: int, kind: str, at: datetime, **properties: object) -> None:
    incoming = IncomingEvent(kind, at, contact_id=contact_id, properties=properties, source="t")
    assert isinstance(record_event(desk.session, incoming, clock=desk.clock), Recorded)


def test_a_workspace_without_a_definition_has_nothing_to_judge_by(session: Session) -> None:
    with pytest.raises(ConflictError, match="no active definition"):
        find_stuck_leads(session, START)
