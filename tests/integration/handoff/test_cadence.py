"""Working a lead: attempts follow the cadence, consent is respected, the cadence ends in
nurture, and closing an unreached lead too early is flagged as under-worked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from leadflow.services.cadence import CADENCE_ENDED, close_lead, log_attempt, log_conversation
from leadflow.services.feedback import accept
from leadflow.services.queue import queue, queue_item
from leadflow.services.refusals import ConflictError, InvalidInputError
from leadflow.services.sla import check_sla
from leadflow.store.models import Contact, Conversation, Qualification, SalesAttempt, SlaBreach
from tests.integration.handoff.conftest import START, Desk


@pytest.fixture
def accepted(desk: Desk) -> tuple[Desk, int]:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    return desk, contact_id


def _stage(desk: Desk, contact_id: int) -> str | None:
    return desk.session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )


def test_each_attempt_is_logged_and_the_next_one_follows_the_cadence(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    desk.later(hours=1)

    state = log_attempt(
        desk.session, contact_id, channel="call", outcome="no_answer", rep=None, clock=desk.clock
    )

    (attempt,) = desk.session.scalars(select(SalesAttempt)).all()
    assert (attempt.channel, attempt.outcome, attempt.rep) == ("call", "no_answer", "eva")
    assert (state.attempts, state.connected, state.late) == (1, False, False)
    # Step 2 of the default cadence is a call on business day 2 (Tuesday 09:00 Amsterdam).
    assert state.next_channel == "call"
    assert state.next_attempt_due_at == START.replace(day=3, hour=8)
    (item,) = queue(desk.session, desk.clock.now(), rep="eva")
    assert item.next_action == "call (attempt 2)"
    assert item.due_at == state.next_attempt_due_at
    ((_, work),) = desk.handoffs(contact_id)
    assert work.first_touch_at == desk.clock.now()


def test_a_connection_stops_the_cadence_and_the_next_action_is_one_to_one(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted

    state = log_attempt(
        desk.session, contact_id, channel="call", outcome="connected", rep=None, clock=desk.clock
    )
    log_conversation(desk.session, contact_id, outcome="interested", rep=None, clock=desk.clock)

    assert state.connected
    assert state.next_attempt_due_at is None
    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action.startswith("book a meeting or send a quote")


def test_a_late_first_touch_is_a_breach(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    desk.later(days=2)

    state = log_attempt(
        desk.session, contact_id, channel="email", outcome="no_answer", rep=None, clock=desk.clock
    )

    assert state.late
    (breach,) = desk.session.scalars(select(SlaBreach)).all()
    assert breach.kind == "first_touch"


def test_a_conversation_is_a_first_touch(accepted: tuple[Desk, int]) -> None:
    # A rep whose first recorded contact is a connected call or meeting, logged as a
    # conversation, touched the lead: the SLA read it as untouched, then breached.
    desk, on_time = accepted
    late = desk.lead()
    accept(desk.session, late, rep=None, clock=desk.clock)
    desk.later(hours=1)
    talked = desk.clock.now()

    state = log_conversation(
        desk.session, on_time, outcome="interested", rep=None, clock=desk.clock
    )
    desk.later(days=2)  # long past the first touch's due moment
    behind = log_conversation(desk.session, late, outcome="interested", rep=None, clock=desk.clock)
    assert check_sla(desk.session, desk.clock).breaches == []

    assert not state.late
    assert behind.late
    ((_, item),) = desk.handoffs(on_time)
    assert item.first_touch_at == talked
    breaches = desk.session.execute(select(SlaBreach.contact_id, SlaBreach.kind)).all()
    assert [tuple(row) for row in breaches] == [(late, "first_touch")]


def test_nobody_is_called_who_withdrew_phone_consent(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    desk.consent(contact_id, "phone", "withdrawn")
    accept(desk.session, contact_id, rep=None, clock=desk.clock)

    with pytest.raises(ConflictError, match="withdrew phone consent"):
        log_attempt(
            desk.session,
            contact_id,
            channel="call",
            outcome="no_answer",
            rep=None,
            clock=desk.clock,
        )
    ((_, work),) = desk.handoffs(contact_id)
    assert work.next_channel == "email"  # calls are left out of the plan
    assert work.next_attempt_due_at == START.replace(day=5, hour=8)  # business day 4
    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action == "email (attempt 1)"


def test_consent_withdrawn_after_acceptance_changes_the_next_step_the_queue_shows(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action == "call (attempt 1)"  # planned at acceptance

    desk.consent(contact_id, "phone", "withdrawn")  # while the lead waits in the queue

    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action == "email (attempt 1)"  # what log_attempt would accept
    assert item.due_at == START.replace(day=5, hour=8)  # business day 4, as if planned so
    desk.consent(contact_id, "email", "bounced")
    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action == "close the lead (the cadence has no step left)"


def test_the_last_unanswered_attempt_ends_the_cadence_in_nurture(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    channels = ["call", "call", "email", "call", "email", "call", "call", "email", "call", "email"]

    for channel in channels:
        desk.later(hours=30)
        state = log_attempt(
            desk.session, contact_id, channel=channel, outcome="no_answer", rep=None,
            clock=desk.clock,
        )  # fmt: skip

    assert state.closed
    assert state.outcome == "cadence_ended"
    assert not state.under_worked
    assert _stage(desk, contact_id) == "nurture"
    ((_, work),) = desk.handoffs(contact_id)
    assert work.close_reason == f"{CADENCE_ENDED} (10 attempts)"


def test_the_sweep_ends_a_cadence_whose_days_have_passed(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted
    log_attempt(
        desk.session, contact_id, channel="call", outcome="voicemail", rep=None, clock=desk.clock
    )
    desk.later(days=19)  # Saturday 21 March: past the close of Friday 20 March

    sweep = check_sla(desk.session, desk.clock)

    assert sweep.cadences_ended == 1
    assert _stage(desk, contact_id) == "nurture"
    ((_, work),) = desk.handoffs(contact_id)
    assert work.outcome == "cadence_ended"
    assert not work.under_worked


@pytest.mark.parametrize(
    ("outcomes", "under_worked"),
    [
        (["no_answer"], True),  # the 1.3-attempts problem
        (["no_answer", "voicemail"], True),
        (["no_answer", "voicemail", "no_answer"], False),  # the minimum (3) was made
        (["connected"], False),  # reached: closing is a decision, not giving up
        ([], True),
    ],
)
def test_closing_an_unreached_lead_below_the_minimum_is_under_working_it(
    accepted: tuple[Desk, int], outcomes: list[str], under_worked: bool
) -> None:
    desk, contact_id = accepted
    for outcome in outcomes:
        desk.later(hours=2)
        log_attempt(
            desk.session, contact_id, channel="call", outcome=outcome, rep=None, clock=desk.clock
        )

    state = close_lead(desk.session, contact_id, reason="unresponsive", rep=None, clock=desk.clock)

    assert state.under_worked is under_worked
    assert state.outcome == "recycled"
    assert _stage(desk, contact_id) == "nurture"


def test_closing_can_disqualify(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted

    close_lead(
        desk.session,
        contact_id,
        reason="went bankrupt",
        disqualify=True,
        rep=None,
        clock=desk.clock,
    )

    assert _stage(desk, contact_id) == "disqualified"


def test_bad_input_and_wrong_moments_are_refused(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    with pytest.raises(ConflictError, match=r"accept contact \d+'s hand-off first"):
        log_attempt(
            desk.session,
            contact_id,
            channel="call",
            outcome="no_answer",
            rep=None,
            clock=desk.clock,
        )
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    with pytest.raises(InvalidInputError, match="unknown channel 'fax'"):
        log_attempt(
            desk.session, contact_id, channel="fax", outcome="no_answer", rep=None, clock=desk.clock
        )
    with pytest.raises(InvalidInputError, match="unknown outcome 'maybe'"):
        log_attempt(
            desk.session, contact_id, channel="call", outcome="maybe", rep=None, clock=desk.clock
        )
    with pytest.raises(InvalidInputError, match="needs a reason"):
        close_lead(desk.session, contact_id, reason=" ", rep=None, clock=desk.clock)


def test_the_last_activity_is_the_latest_event_attempt_or_conversation(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted

    def last_activity() -> object:
        desk.session.expire_all()
        return desk.session.get_one(Qualification, contact_id).last_activity_at

    assert last_activity() == START  # the demo request
    desk.later(hours=3)
    log_attempt(desk.session, contact_id, channel="call", outcome="no_answer", rep=None,
                clock=desk.clock)  # fmt: skip
    assert last_activity() == START + timedelta(hours=3)
    desk.later(hours=2)
    log_conversation(desk.session, contact_id, outcome="interested", rep=None, clock=desk.clock)
    assert last_activity() == START + timedelta(hours=5)
    desk.later(hours=1)
    desk.event(contact_id, "page_view", url="https://x.example/pricing")
    assert last_activity() == START + timedelta(hours=6)


def test_closing_a_lead_nobody_accepted_points_to_reject_not_accept(desk: Desk) -> None:
    # "Accept it first" led a rep who only wanted to stop to accept, then close with no
    # attempt: flagged UNDER-WORKED for a lead they never meant to work. An unanswered
    # hand-off is answered no with a reason.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    with pytest.raises(ConflictError) as refused:
        close_lead(desk.session, contact_id, reason="no interest", rep=None, clock=desk.clock)

    assert str(refused.value) == (
        f"contact {contact_id}'s hand-off was not accepted: reject it with a reason instead"
        " (leadflow reject)"
    )


def test_the_queue_shows_the_number_to_call_unless_they_withdrew_phone_consent(
    accepted: tuple[Desk, int],
) -> None:
    desk, contact_id = accepted
    contact = desk.session.get(Contact, contact_id)
    assert contact is not None
    contact.phone = "+31201234567"
    desk.session.commit()
    (item,) = queue(desk.session, desk.clock.now())
    assert item.phone == "+31201234567"
    assert queue_item(desk.session, contact_id, desk.clock.now()).phone == "+31201234567"

    desk.consent(contact_id, "phone", "withdrawn")

    (item,) = queue(desk.session, desk.clock.now())
    assert item.phone is None  # no number to dial: calls would be refused
    assert queue_item(desk.session, contact_id, desk.clock.now()).phone is None


def test_an_outcome_in_a_reps_words_counts_as_leadflows(accepted: tuple[Desk, int]) -> None:
    # "Spoke with" is a connected call: it ends the cadence and the lead was reached, so
    # closing it is a decision, not under-working it; the rows hold leadflow's words,
    # which the reports and the definition's conversation outcomes read.
    desk, contact_id = accepted
    log_attempt(
        desk.session, contact_id, channel="Phone", outcome="Geen gehoor", rep=None,
        clock=desk.clock,
    )  # fmt: skip
    desk.later(hours=1)
    state = log_attempt(
        desk.session, contact_id, channel="call", outcome="Spoke with", rep=None,
        clock=desk.clock,
    )  # fmt: skip
    assert (state.connected, state.next_attempt_due_at) == (True, None)
    log_conversation(desk.session, contact_id, outcome="Not interested", rep=None, clock=desk.clock)
    closed = close_lead(
        desk.session, contact_id, reason="not_interested", rep=None, clock=desk.clock
    )

    assert closed.under_worked is False
    attempts = desk.session.scalars(
        select(SalesAttempt.outcome)
        .where(SalesAttempt.contact_id == contact_id)
        .order_by(SalesAttempt.id)
    ).all()
    assert attempts == ["no_answer", "connected"]
    talks = desk.session.scalars(
        select(Conversation.outcome).where(Conversation.contact_id == contact_id)
    ).all()
    assert talks == ["not_interested"]


def test_an_attempt_is_logged_in_the_words_a_rep_types(accepted: tuple[Desk, int]) -> None:
    desk, contact_id = accepted

    log_attempt(
        desk.session, contact_id, channel="Phone", outcome="No answer", rep=None,
        clock=desk.clock,
    )  # fmt: skip
    desk.later(hours=30)
    log_attempt(
        desk.session, contact_id, channel="e-mail", outcome="no_answer", rep=None,
        clock=desk.clock,
    )  # fmt: skip

    stored = desk.session.scalars(
        select(SalesAttempt.channel).where(SalesAttempt.contact_id == contact_id)
    ).all()
    assert sorted(stored) == ["call", "email"]
    with pytest.raises(InvalidInputError, match="unknown channel 'pigeon'"):
        log_attempt(
            desk.session, contact_id, channel="pigeon", outcome="no_answer", rep=None,
            clock=desk.clock,
        )  # fmt: skip
