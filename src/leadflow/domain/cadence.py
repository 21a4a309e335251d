"""The follow-up cadence: how a rep works an accepted lead, attempt by attempt.

The articles' complaint is that sales gives up after 1.3 call attempts. A cadence says
what "worked properly" means: so many calls and e-mails spread over so many business
days (default 6 calls and 4 e-mails over 15). From it follow the next attempt due, when
the cadence has run out, and whether a rep who closed a lead did so too early:

    plan_cadence(calls, emails, business_days, skip)  the steps, day by day
    CadenceStep                                       number, business day, channel
    next_step(steps, attempts)                        the step due next, or None
    is_under_worked(attempts, connected, min_attempts)

Steps are spread evenly over the days, the first on day 1, the last on the last day,
and the e-mails interleaved among the calls (6 + 4 gives call call email call email
call call email call email). A channel the contact withdrew consent for is skipped
(``skip``): nobody is called who asked not to be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome

__all__ = [
    "CONNECTING_OUTCOMES",
    "CadenceStep",
    "is_under_worked",
    "next_step",
    "plan_cadence",
]

# Outcomes that mean the rep reached the person: the cadence has done its job.
CONNECTING_OUTCOMES: frozenset[str] = frozenset(
    {AttemptOutcome.CONNECTED.value, AttemptOutcome.MEETING_BOOKED.value}
)


@dataclass(frozen=True, slots=True)
class CadenceStep:
    number: int  # 1-based position in the cadence
    day: int  # business day, 1-based, counted from the acceptance
    channel: AttemptChannel


def plan_cadence(
    calls: int, emails: int, business_days: int, skip: frozenset[AttemptChannel] = frozenset()
) -> tuple[CadenceStep, ...]:
    """The cadence's steps, in order, without the channels in ``skip``."""
    if calls < 0 or emails < 0 or business_days < 1:
        raise ValueError("a cadence needs non-negative counts and at least one business day")
    total = calls + emails
    channels = [
        AttemptChannel.EMAIL
        if (index + 1) * emails // total > index * emails // total
        else AttemptChannel.CALL
        for index in range(total)
    ]
    days = [1 + index * (business_days - 1) // max(total - 1, 1) for index in range(total)]
    kept = [(day, channel) for day, channel in zip(days, channels, strict=True)]
    kept = [(day, channel) for day, channel in kept if channel not in skip]
    return tuple(
        CadenceStep(number, day, channel) for number, (day, channel) in enumerate(kept, start=1)
    )


def next_step(steps: Sequence[CadenceStep], attempts: int) -> CadenceStep | None:
    """The step after ``attempts`` logged attempts; None when the cadence is done."""
    return steps[attempts] if attempts < len(steps) else None


def is_under_worked(attempts: int, connected: bool, min_attempts: int) -> bool:
    """A lead closed before the minimum attempts without ever reaching the person."""
    return not connected and attempts < min_attempts
