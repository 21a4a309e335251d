"""Leads that change hands while sales holds them: a rep who leaves, two people merged
while both were handed off, two reps answering the same lead at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.services.cadence import log_attempt
from leadflow.services.feedback import accept
from leadflow.services.identity import merge_contacts, unmerge
from leadflow.services.queue import queue
from leadflow.services.reassignment import deactivate_rep
from leadflow.services.refusals import ConflictError
from leadflow.store.models import Assignment, Contact, Handoff, HandoffWork
from tests.integration.handoff.conftest import Desk


@pytest.fixture
def benelux(desk: Desk) -> Desk:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    desk.rep("piet", "benelux")
    return desk


def test_deactivating_a_rep_re_routes_the_leads_they_hold(benelux: Desk) -> None:
    desk = benelux
    leads = [desk.lead() for _ in range(4)]  # round robin: eva, piet, eva, piet
    evas = [c for c in leads if desk.handoffs(c)[0][0].owner == "eva"]
    accept(desk.session, evas[0], rep=None, clock=desk.clock)
    log_attempt(
        desk.session, evas[0], channel="call", outcome="no_answer", rep=None, clock=desk.clock
    )
    desk.later(hours=1)

    done = deactivate_rep(desk.session, "eva", desk.clock.now())

    assert done.moved == dict.fromkeys(evas, "piet")
    assert done.kept == []
    for contact_id in evas:
        ((handoff, work),) = desk.handoffs(contact_id)
        assignment = desk.session.get_one(Assignment, work.assignment_id)
        assert (handoff.owner, assignment.rule) == ("piet", "Benelux territory")
        assert assignment.reason == "re-assigned: eva was deactivated"
        assert assignment.at == desk.clock.now()  # piet's SLA clock starts now
        assert desk.session.get_one(Contact, contact_id).owner == "piet"
    accepted, _ = desk.handoffs(evas[0])[0]
    assert accepted.status == "accepted"  # the answer and the attempts stay
    assert desk.handoffs(evas[0])[0][1].attempts == 1
    assert queue(desk.session, desk.clock.now(), rep="eva") == []


def test_a_leavers_lead_nobody_else_can_take_stays_and_is_reported(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    done = deactivate_rep(desk.session, "eva", desk.clock.now())

    assert (done.moved, done.kept) == ({}, [contact_id])
    assert desk.handoffs(contact_id)[0][0].owner == "eva"


def test_merging_two_handed_off_people_leaves_one_hand_off(benelux: Desk) -> None:
    desk = benelux
    first, second = desk.lead(), desk.lead()  # eva's, then piet's
    desk.later(minutes=10)
    accept(desk.session, second, rep=None, clock=desk.clock)  # piet answered his
    connection = desk.session.connection()

    merge_id = merge_contacts(connection, first, second, now=desk.clock.now())
    desk.session.expire_all()  # the merge wrote through the connection

    rows = desk.handoffs(first)
    assert [(h.owner, h.status, w.outcome) for h, w in rows] == [
        ("eva", "open", "merged"),
        ("piet", "accepted", None),
    ]
    assert all(w.contact_id == first for _, w in rows)  # the work items moved too
    (item,) = queue(desk.session, desk.clock.now())
    assert (item.contact_id, item.rep) == (first, "piet")
    assert desk.session.get_one(Contact, first).owner == "piet"
    # The lead's actions reach the hand-off that goes on.
    state = log_attempt(
        desk.session, first, channel="call", outcome="no_answer", rep=None, clock=desk.clock
    )
    assert (state.contact_id, state.rep) == (first, "piet")

    unmerge(desk.session.connection(), merge_id, now=desk.clock.now())
    desk.session.expire_all()

    assert [(h.owner, w.outcome, w.contact_id) for h, w in desk.handoffs(first)] == [
        ("eva", None, first)
    ]
    assert [(h.owner, w.contact_id) for h, w in desk.handoffs(second)] == [("piet", second)]


def test_two_reps_claiming_one_lead_at_once_on_postgresql(engine: Engine, backend: str) -> None:
    """The second answer waits for the first and is refused: one claim, one owner."""
    if backend != "postgresql":
        pytest.skip("SQLite writers hold the whole database (BEGIN IMMEDIATE) already")
    with Session(engine, expire_on_commit=False) as session:
        desk = Desk(session)
        desk.activate(preset_text("waterfall").replace("fallback: any_rep", "fallback: unassigned"))
        desk.team("benelux")
        desk.rep("eva", "benelux")
        desk.rep("piet", "benelux")
        contact_id = desk.lead("US")  # no rule matches: unassigned, for the first to claim
        clock = desk.clock
    # The first claim's transaction stays open (its commit releases a savepoint only).
    holding = engine.connect()
    outer = holding.begin()
    first = Session(bind=holding, join_transaction_mode="create_savepoint")
    accept(first, contact_id, rep="eva", clock=clock)
    failures: list[BaseException] = []

    def second_claim() -> None:
        with Session(engine) as other:
            try:
                accept(other, contact_id, rep="piet", clock=clock)
            except BaseException as error:  # reported by the test's thread
                failures.append(error)

    thread = threading.Thread(target=second_claim)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting for the first claim to commit
    outer.commit()
    first.close()
    holding.close()
    thread.join(timeout=60)

    (refused,) = failures
    assert isinstance(refused, ConflictError), refused
    with Session(engine) as session:
        handoff = session.scalars(select(Handoff).where(Handoff.contact_id == contact_id)).one()
        claims = session.scalars(
            select(Assignment.rule).where(Assignment.handoff_id == handoff.id)
        ).all()
        work = session.get_one(HandoffWork, handoff.id)
        assert (handoff.owner, handoff.status) == ("eva", "accepted")
        assert claims.count("claimed") == 1
        assert work.rep_id is not None
