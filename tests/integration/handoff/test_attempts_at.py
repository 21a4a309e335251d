"""Attempts and conversations logged after the fact (``at``): a CRM's call counts at the
moment it was made, for the first-touch SLA, the cadence and the under-worked flag.

The desk hands a lead off on Monday 2 March 2026 at 09:00 UTC (10:00 in Amsterdam);
accepted at once, its first touch is due 8 business hours later, Tuesday 09:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from leadflow.domain.clock import utc_text
from leadflow.services.cadence import close_lead, log_attempt, log_conversation
from leadflow.services.feedback import accept, accept_in
from leadflow.services.outbox import SLA_BREACH_WITHDRAWN, SLA_BREACHED
from leadflow.services.refusals import ConflictError, InvalidInputError
from leadflow.services.sla import check_sla
from leadflow.store.models import (
    Consent,
    ConsentDecision,
    OutboxMessage,
    SalesAttempt,
    SlaBreach,
)
from tests.integration.handoff.conftest import START, Desk

TOUCH_DUE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def accepted(desk: Desk) -> tuple[Desk, int]:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    return desk, contact_id


def _call(desk: Desk, contact_id: int, at: datetime | None, outcome: str = "no_answer") -> bool:
    state = log_attempt(
        desk.session, contact_id, channel="call", outcome=outcome, rep=None,
        clock=desk.clock, at=at,
    )  # fmt: skip
    return state.late


def _breaches(desk: Desk) -> list[SlaBreach]:
    return list(desk.session.scalars(select(SlaBreach)))


def test_a_call_made_in_time_and_logged_days_later_breaches_nothing(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=3)  # logged long after the first touch was due

    late = _call(desk, contact_id, START + timedelta(hours=2))

    assert not late
    assert _breaches(desk) == []
    ((_, work),) = desk.handoffs(contact_id)
    assert work.first_touch_at == START + timedelta(hours=2)
    attempt = desk.session.scalars(select(SalesAttempt)).one()
    assert attempt.at == START + timedelta(hours=2)


def test_a_late_call_logged_afterwards_breaches_at_its_own_moment(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=5)
    made = TOUCH_DUE + timedelta(hours=3)

    assert _call(desk, contact_id, made)

    (breach,) = _breaches(desk)
    assert (breach.kind, breach.due_at, breach.at) == ("first_touch", TOUCH_DUE, made)


def test_a_breach_the_sweep_recorded_is_withdrawn_when_the_touch_was_in_time(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=2)
    check_sla(desk.session, desk.clock)
    assert [b.kind for b in _breaches(desk)] == ["first_touch"]

    assert not _call(desk, contact_id, START + timedelta(hours=1))

    assert _breaches(desk) == []


def test_an_earlier_touch_takes_the_place_of_a_later_one(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(days=2)
    assert _call(desk, contact_id, None)  # logged now, late: a breach
    assert len(_breaches(desk)) == 1

    _call(desk, contact_id, START + timedelta(hours=4))  # the CRM's call, earlier

    assert _breaches(desk) == []
    ((_, work),) = desk.handoffs(contact_id)
    assert (work.first_touch_at, work.attempts) == (START + timedelta(hours=4), 2)


def test_the_cadence_counts_attempts_whatever_order_they_arrive_in(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=6)
    for hours in (50, 2, 26):  # out of order
        _call(desk, contact_id, START + timedelta(hours=hours))

    ((_, work),) = desk.handoffs(contact_id)
    assert work.attempts == 3
    assert work.first_touch_at == START + timedelta(hours=2)
    # Step 4 of the default cadence: a call on business day 5 (Friday), as if logged live.
    assert (work.next_channel, work.next_attempt_due_at) == ("call", START.replace(day=6, hour=8))


def test_earlier_attempts_arriving_after_the_close_clear_under_worked(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(hours=1)
    _call(desk, contact_id, None)
    desk.later(days=3)
    state = close_lead(desk.session, contact_id, reason="unresponsive", rep=None, clock=desk.clock)
    assert state.under_worked
    desk.later(days=1)

    _call(desk, contact_id, START + timedelta(hours=25))
    assert desk.handoffs(contact_id)[0][1].under_worked  # 2 attempts: still too few
    _call(desk, contact_id, START + timedelta(hours=49))

    ((_, work),) = desk.handoffs(contact_id)
    assert (work.attempts, work.under_worked, work.outcome) == (3, False, "recycled")


def test_an_attempt_after_the_lead_was_closed_is_refused(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(hours=1)
    close_lead(desk.session, contact_id, reason="unresponsive", rep=None, clock=desk.clock)
    desk.later(days=1)

    with pytest.raises(ConflictError, match="had ended by"):
        _call(desk, contact_id, START + timedelta(hours=5))


def test_moments_before_the_hand_off_or_far_ahead_are_refused(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(hours=5)

    with pytest.raises(InvalidInputError, match=r"before contact \d+ was handed off"):
        _call(desk, contact_id, START - timedelta(hours=1))
    with pytest.raises(InvalidInputError, match="in the future"):
        _call(desk, contact_id, desk.clock.now() + timedelta(days=2))
    with pytest.raises(InvalidInputError, match="no time zone"):
        _call(desk, contact_id, datetime(2026, 3, 2, 12, 0))  # noqa: DTZ001 - the point
    assert desk.session.scalars(select(SalesAttempt)).all() == []


def test_a_moment_a_little_ahead_of_the_clock_is_taken_as_now(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(hours=1)

    _call(desk, contact_id, desk.clock.now() + timedelta(minutes=5))

    attempt = desk.session.scalars(select(SalesAttempt)).one()
    assert attempt.at == desk.clock.now()


def test_a_conversation_logged_afterwards_is_the_first_touch_then(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=4)

    state = log_conversation(
        desk.session, contact_id, outcome="interested", rep=None, clock=desk.clock,
        at=START + timedelta(hours=3),
    )  # fmt: skip

    assert not state.late
    assert state.connected
    assert _breaches(desk) == []
    ((_, work),) = desk.handoffs(contact_id)
    assert work.first_touch_at == START + timedelta(hours=3)


def test_a_call_made_before_the_person_withdrew_phone_consent_is_logged(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.session.add(
        Consent(contact_id=contact_id, channel="phone", status="withdrawn", source="test",
                at=START + timedelta(days=1))
    )  # fmt: skip
    desk.session.commit()
    desk.later(days=3)

    _call(desk, contact_id, START + timedelta(hours=2))  # the day before: allowed then

    with pytest.raises(ConflictError, match="withdrew phone consent"):
        _call(desk, contact_id, START + timedelta(days=2))
    assert desk.session.scalars(select(SalesAttempt.at)).all() == [START + timedelta(hours=2)]


def test_consent_is_read_as_it_stood_when_the_call_was_made(accepted: tuple[Desk, int]) -> None:
    # Withdrawn on day 1, granted again on day 2: a call on day 1.5 was not allowed.
    desk, contact_id = accepted
    withdrawn, granted = START + timedelta(days=1), START + timedelta(days=2)
    desk.session.add(Consent(contact_id=contact_id, channel="phone", status="granted",
                             source="test", at=granted))  # fmt: skip
    for status, at in (("withdrawn", withdrawn), ("granted", granted)):
        desk.session.add(ConsentDecision(contact_id=contact_id, channel="phone", status=status,
                                         at=at, source="test"))  # fmt: skip
    desk.session.commit()
    desk.later(days=4)

    with pytest.raises(ConflictError, match="withdrew phone consent"):
        _call(desk, contact_id, START + timedelta(days=1, hours=12))
    _call(desk, contact_id, START + timedelta(hours=3))
    _call(desk, contact_id, START + timedelta(days=3))
    assert len(desk.session.scalars(select(SalesAttempt)).all()) == 2


def _announced(desk: Desk, kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    return list(desk.session.scalars(query.order_by(OutboxMessage.created_at)))


def test_a_breach_found_in_a_late_call_logged_afterwards_is_announced_now(
    accepted: tuple[Desk, int],
) -> None:
    # The message is written now, whatever moment the call was made: dated then, a
    # webhook subscribed since would never get it (a subscription gets later messages).
    desk, contact_id = accepted
    now = desk.later(days=5)
    made = TOUCH_DUE + timedelta(hours=3)

    assert _call(desk, contact_id, made)

    (message,) = _announced(desk, SLA_BREACHED)
    assert message.created_at == now
    assert (message.payload["kind"], message.payload["at"]) == ("first_touch", utc_text(made))


def test_a_withdrawn_breach_is_announced_so_a_crm_can_clear_its_flag(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(days=2)
    check_sla(desk.session, desk.clock)
    (breach,) = _announced(desk, SLA_BREACHED)
    now = desk.later(hours=1)
    made = START + timedelta(hours=1)

    assert not _call(desk, contact_id, made)

    (withdrawn,) = _announced(desk, SLA_BREACH_WITHDRAWN)
    assert withdrawn.created_at == now
    assert withdrawn.payload == {
        "contact_id": contact_id,
        "handoff_id": breach.payload["handoff_id"],
        "owner": breach.payload["owner"],
        "kind": "first_touch",
        "due_at": utc_text(TOUCH_DUE),
        "done_at": utc_text(made),
        "at": utc_text(now),
    }


def test_a_touch_that_was_late_anyway_withdraws_nothing(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(days=2)
    check_sla(desk.session, desk.clock)

    _call(desk, contact_id, TOUCH_DUE + timedelta(hours=1))  # the sweep's breach stands

    assert len(_breaches(desk)) == 1
    assert _announced(desk, SLA_BREACH_WITHDRAWN) == []


def test_an_answer_logged_afterwards_withdraws_the_accept_breach_and_says_so(
    desk: Desk,
) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    desk.later(days=2)
    check_sla(desk.session, desk.clock)
    assert "accept" in [b.kind for b in _breaches(desk)]
    now = desk.later(hours=1)
    answered = START + timedelta(minutes=30)  # the CRM's first activity on the lead

    accept_in(desk.session, contact_id, rep=None, clock=desk.clock, at=answered)

    assert "accept" not in [b.kind for b in _breaches(desk)]
    (withdrawn,) = _announced(desk, SLA_BREACH_WITHDRAWN)
    assert (withdrawn.created_at, withdrawn.payload["kind"]) == (now, "accept")
    assert withdrawn.payload["done_at"] == utc_text(answered)
