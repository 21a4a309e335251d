"""The follow-up cadence: steps spread over the days, consent respected, under-working."""

from __future__ import annotations

import pytest

from leadflow.domain.cadence import is_under_worked, next_step, plan_cadence
from leadflow.domain.vocabulary import AttemptChannel

CALL, EMAIL = AttemptChannel.CALL, AttemptChannel.EMAIL


def test_the_default_cadence_interleaves_four_emails_among_six_calls() -> None:
    steps = plan_cadence(6, 4, 15)

    assert [step.channel for step in steps] == [
        CALL, CALL, EMAIL, CALL, EMAIL, CALL, CALL, EMAIL, CALL, EMAIL
    ]  # fmt: skip
    assert [step.day for step in steps] == [1, 2, 4, 5, 7, 8, 10, 11, 13, 15]
    assert [step.number for step in steps] == list(range(1, 11))


def test_a_withdrawn_channel_is_left_out() -> None:
    steps = plan_cadence(6, 4, 15, skip=frozenset({CALL}))

    assert [step.channel for step in steps] == [EMAIL] * 4
    assert [step.day for step in steps] == [4, 7, 11, 15]
    assert [step.number for step in steps] == [1, 2, 3, 4]


def test_one_step_happens_on_day_one() -> None:
    (step,) = plan_cadence(1, 0, 10)

    assert (step.day, step.channel) == (1, CALL)


def test_the_next_step_follows_the_attempts_made() -> None:
    steps = plan_cadence(2, 1, 3)

    assert next_step(steps, 0) == steps[0]
    assert next_step(steps, 2) == steps[2]
    assert next_step(steps, 3) is None


@pytest.mark.parametrize(
    ("attempts", "connected", "under_worked"),
    [(1, False, True), (2, False, True), (3, False, False), (1, True, False), (0, False, True)],
)
def test_under_worked_means_closed_unreached_below_the_minimum(
    attempts: int, connected: bool, under_worked: bool
) -> None:
    assert is_under_worked(attempts, connected, min_attempts=3) is under_worked


def test_a_cadence_needs_a_day() -> None:
    with pytest.raises(ValueError, match="at least one business day"):
        plan_cadence(1, 1, 0)
