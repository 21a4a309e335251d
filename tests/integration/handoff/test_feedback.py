"""Accept and reject: the lead's stage follows sales' answer, and rejections are data."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from leadflow.batch.history import read_history
from leadflow.batch.store import read_store
from leadflow.services.cadence import close_lead
from leadflow.services.feedback import accept, reject
from leadflow.services.outbox import SLA_BREACHED
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.store.models import (
    Assignment,
    OutboxMessage,
    Qualification,
    Rejection,
    SlaBreach,
    StageTransition,
)
from tests.integration.handoff.conftest import START, Desk


@pytest.fixture
def staffed(desk: Desk) -> Desk:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    desk.rep("piet", "benelux")
    return desk


def _row(ids: object, contact_id: int) -> int:
    return int(np.flatnonzero(np.asarray(ids) == contact_id)[0])


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _stage(desk: Desk, contact_id: int) -> str | None:
    return desk.session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )


def test_accepting_makes_the_lead_sales_accepted_and_starts_the_cadence(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()
    desk.later(hours=1)

    answered = accept(desk.session, contact_id, rep=None, clock=desk.clock)

    ((handoff, work),) = desk.handoffs(contact_id)
    assert (handoff.status, handoff.answered_at) == ("accepted", desk.clock.now())
    assert answered.stage == _stage(desk, contact_id) == "sql"
    assert not answered.late
    assert work.accepted_at == desk.clock.now()
    assert work.next_channel == "call"
    assert work.next_attempt_due_at == desk.clock.now()  # day 1, within working hours
    # 15 business days from Monday 2 March: Friday 20 March, 17:00 in Amsterdam.
    assert work.cadence_ends_at == START.replace(day=20, hour=16)
    assert desk.session.scalars(select(SlaBreach)).all() == []


def test_a_late_answer_records_the_breach_once_and_announces_it(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()
    desk.later(days=1)  # Tuesday 10:00 in Amsterdam: 8 business hours after the hand-off

    answered = accept(desk.session, contact_id, rep="eva", clock=desk.clock)

    (breach,) = desk.session.scalars(select(SlaBreach)).all()
    assert answered.late
    assert (breach.kind, breach.due_at) == ("accept", START + timedelta(hours=4))
    assert breach.contact_id == contact_id
    (message,) = desk.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == SLA_BREACHED)
    ).all()
    assert message.payload["handoff_id"] == breach.handoff_id
    assert message.payload["kind"] == "accept"


def test_not_ready_recycles_the_lead_and_the_rejection_is_kept(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()

    answered = reject(
        desk.session, contact_id, code="not_ready", note="next year", rep=None, clock=desk.clock
    )

    assert answered.stage == _stage(desk, contact_id) == "nurture"
    (rejection,) = desk.session.scalars(select(Rejection)).all()
    assert (rejection.code, rejection.action, rejection.note) == (
        "not_ready",
        "recycle",
        "next year",
    )
    ((handoff, work),) = desk.handoffs(contact_id)
    assert (handoff.status, handoff.reason) == ("rejected", "not_ready: next year")
    assert (work.outcome, work.closed_by) == ("rejected", handoff.owner)
    last = desk.session.scalars(
        select(StageTransition)
        .where(StageTransition.contact_id == contact_id)
        .order_by(StageTransition.id.desc())
    ).first()
    assert last is not None
    assert (last.to_stage, last.actor) == ("nurture", handoff.owner)
    assert last.reason == "rejected by sales: not_ready: next year"


def test_spam_disqualifies(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()

    reject(desk.session, contact_id, code="spam", note=None, rep=None, clock=desk.clock)

    assert _stage(desk, contact_id) == "disqualified"


def test_a_recycled_lead_is_handed_off_again_only_when_it_asks_again(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()
    reject(desk.session, contact_id, code="not_ready", note=None, rep=None, clock=desk.clock)

    desk.later(days=2)
    desk.event(contact_id, "page_view", url="https://x.example/pricing")
    assert len(desk.handoffs(contact_id)) == 1
    desk.event(contact_id, "quote_request")

    _, second = desk.handoffs(contact_id)
    assert second[0].status == "open"
    assert second[0].at == desk.clock.now()
    assert _stage(desk, contact_id) != "nurture"


def test_a_lead_handed_off_again_after_a_rejection_is_sales_ready_in_every_path(
    staffed: Desk,
) -> None:
    """The rejection answered the first hand-off; the second waits for its own answer,
    so the lead stands in the sales stage again (it stayed at mql until accepted)."""
    desk = staffed
    contact_id = desk.lead()
    rejected_at = desk.later(hours=1)
    reject(desk.session, contact_id, code="not_ready", note=None, rep=None, clock=desk.clock)
    desk.later(days=2)
    desk.event(contact_id, "quote_request")  # asks again: handed off again
    assert len(desk.handoffs(contact_id)) == 2

    connection = desk.session.connection()
    now = desk.clock.now()
    row = _row(read_store(connection, as_of=now).contacts.ids, contact_id)
    history = read_history(connection, as_of=now)

    assert _stage(desk, contact_id) == "sql"  # the real-time path
    assert read_store(connection, as_of=now).contacts.accepted[row] == -1  # the batch path
    assert history.contacts_at(_us(now)).accepted[row] == -1  # history: unanswered now
    assert history.contacts_at(_us(rejected_at + timedelta(hours=1))).accepted[row] == 0
    assert read_store(connection, as_of=rejected_at + timedelta(days=1)).contacts.accepted[row] == 0


def test_asking_again_while_sales_holds_the_lead_is_no_new_hand_off_after_rejecting(
    staffed: Desk,
) -> None:
    desk = staffed
    contact_id = desk.lead()
    desk.later(hours=1)
    desk.event(contact_id, "quote_request")  # asks again while the hand-off is open
    desk.later(hours=1)

    answered = reject(
        desk.session, contact_id, code="not_ready", note=None, rep=None, clock=desk.clock
    )

    ((handoff, work),) = desk.handoffs(contact_id)
    assert handoff.status == "rejected"
    assert work.closed_at is not None
    assert answered.stage == _stage(desk, contact_id) == "nurture"
    # Only an action after the rejection asks for sales again.
    desk.later(days=1)
    desk.event(contact_id, "demo_request")
    _, (second, _) = desk.handoffs(contact_id)
    assert second.status == "open"


def test_asking_again_while_accepted_is_no_new_hand_off_after_closing(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    desk.later(hours=2)
    desk.event(contact_id, "demo_request")
    desk.later(hours=2)

    close_lead(desk.session, contact_id, reason="unresponsive", rep=None, clock=desk.clock)

    ((handoff, _),) = desk.handoffs(contact_id)
    assert handoff.status == "accepted"
    assert _stage(desk, contact_id) == "nurture"


@pytest.mark.parametrize(
    ("code", "note", "message"),
    [
        ("rude", None, "unknown reject reason 'rude' (reasons: bad_fit, no_budget"),
        ("other", None, "reject reason 'other' needs a note"),
        ("other", "  ", "reject reason 'other' needs a note"),
    ],
)
def test_a_reason_must_come_from_the_definition(
    staffed: Desk, code: str, note: str | None, message: str
) -> None:
    contact_id = staffed.lead()

    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(")):
        reject(staffed.session, contact_id, code=code, note=note, rep=None, clock=staffed.clock)


def test_answers_need_an_open_hand_off(staffed: Desk) -> None:
    desk = staffed
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)

    with pytest.raises(ConflictError, match="was accepted already"):
        reject(desk.session, contact_id, code="spam", note=None, rep=None, clock=desk.clock)
    with pytest.raises(NotFoundError, match="no hand-off in sales' hands"):
        accept(desk.session, desk.contact(), rep=None, clock=desk.clock)
    with pytest.raises(NotFoundError, match="no contact with id 999999"):
        accept(desk.session, 999999, rep=None, clock=desk.clock)
    with pytest.raises(NotFoundError, match="no rep with key 'nobody'"):
        accept(desk.session, desk.lead(), rep="nobody", clock=desk.clock)


def test_a_rep_claims_an_unassigned_lead_by_accepting_it(desk: Desk) -> None:
    contact_id = desk.lead()  # nobody on the team yet
    desk.team("benelux")
    desk.rep("eva", "benelux")

    with pytest.raises(ConflictError, match="unassigned"):
        accept(desk.session, contact_id, rep=None, clock=desk.clock)
    accept(desk.session, contact_id, rep="eva", clock=desk.clock)

    ((handoff, work),) = desk.handoffs(contact_id)
    assert handoff.owner == "eva"
    claim = desk.session.get(Assignment, work.assignment_id)
    assert claim is not None
    assert claim.rule == "claimed"
    assert claim.touch_due_at == START.replace(day=3)  # 8 business hours from 10:00 Monday
