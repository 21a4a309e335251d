"""Engagement: what the person did, and how much it is still worth, fading with time.

Each matching event adds ``points × 0.5 ^ (age_days / half_life_days)`` to its rule
(no fading when the rule has no half-life); a ``once`` rule counts only its most recent
event. A rule's total is then held within ``±cap``, and the score is the sum of the
rules' totals. Negative points (unsubscribe, bounce) are allowed, so the score may be
below zero.

The explanation lists every counted event with its age and decay factor, plus a ``cap``
line for what a cap removed, so the contributions always add up to the score. When
per-event detail is not wanted (or not available: the incremental summary), each rule
gives one ``rule`` line instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import islice
from operator import attrgetter, eq

from leadflow.definition.model import EngagementRule
from leadflow.domain.facts import Event
from leadflow.domain.qualification import Contribution, ContributionKind, EngagementResult
from leadflow.engine.activity import SECONDS_PER_DAY, Activity, Slot, decay_factor
from leadflow.engine.plan import QualificationPlan

__all__ = ["capped", "score_engagement"]


def capped(total: float, cap: float | None) -> float:
    """A rule's total held within ±cap (a cap bounds the size, whatever the sign)."""
    if cap is None or -cap <= total <= cap:  # the common case: no call to min/max
        return total
    return cap if total > cap else -cap


def score_engagement(
    plan: QualificationPlan, activity: Activity, now: datetime, *, explain: bool = True
) -> EngagementResult:
    """The score from the activity's totals, and when ``explain``, its contributions: one
    per counted event when the activity kept the matched events (the full history), else
    one per rule (the incremental summary)."""
    if not explain:
        return EngagementResult(_score(plan, activity.totals))
    score = 0.0
    contributions: list[Contribution] = []
    counts = activity.counts or {}
    for rule, slot in plan.engagement:
        raw = activity.totals.get(slot.id)
        if raw is None:
            continue
        total = capped(raw, rule.cap)
        score += total
        last = activity.lasts.get(slot.id)
        if activity.matched is None:
            count = counts.get(slot.id, 0)
            contributions.append(_rule_line(rule, slot, count, last, total, now))
            continue
        matched = activity.matched.get(slot.id, [])
        ages = None if activity.ages is None else activity.ages.get(slot.id)
        contributions.extend(_event_lines(rule, slot, last, matched, ages, now))
        if total != raw:
            contributions.append(_cap_line(rule, total - raw))
    return EngagementResult(score, tuple(contributions))


def _score(plan: QualificationPlan, totals: Mapping[int, float]) -> float:
    """The score alone: the same sum, in the same order, without building lines."""
    score = 0.0
    for slot_id, cap in plan.engagement_caps:
        total = totals.get(slot_id)
        if total is not None:
            # capped(), written out: this runs for every rule of every qualification.
            if cap is not None and not -cap <= total <= cap:
                total = cap if total > cap else -cap
            score += total
    return score


def _rule_line(
    rule: EngagementRule,
    slot: Slot,
    count: int,
    last: tuple[datetime, str] | None,
    total: float,
    now: datetime,
) -> Contribution:
    at = None if last is None else last[0]
    age = None if at is None else (now - at).total_seconds()
    return Contribution(
        rule=rule.name,
        points=total,
        kind=ContributionKind.RULE,
        field=", ".join(sorted(slot.types)),
        value=count,
        at=at,
        age_days=None if age is None else age / SECONDS_PER_DAY,
        decay=None if age is None else _decay(age, slot),
    )


def _event_lines(
    rule: EngagementRule,
    slot: Slot,
    last: tuple[datetime, str] | None,
    matched: list[Event],
    ages: list[float] | None,
    now: datetime,
) -> list[Contribution]:
    if rule.once and last is not None:  # only the most recent event counts
        matched = [e for e in matched if e.at == last[0] and e.type == last[1]]
        ages = None
    if ages is None:  # the fold keeps ages only for fading rules; these have few events
        ages = [(now - event.at).total_seconds() for event in matched]
    lines = [_event_line(rule, slot, event, age) for event, age in zip(matched, ages, strict=True)]
    _newest_first(lines)
    return lines[:1] if rule.once else lines


def _newest_first(lines: list[Contribution]) -> None:
    """Newest first, ties by type and shown values: the same lines in any arrival order.

    The shown values (their repr) only break ties, and a repr costs more than the rest
    of a line, so they are worked out only when two lines share a time and a type.
    """
    lines.sort(key=_AT_FIELD, reverse=True)
    moments = list(map(_AT, lines))
    if any(map(eq, moments, islice(moments, 1, None))):  # sorted: equal times are adjacent
        lines.sort(key=_line_order, reverse=True)


_AT = attrgetter("at")
_AT_FIELD = attrgetter("at", "field")


def _line_order(line: Contribution) -> tuple[object, ...]:
    return (line.at, line.field or "", repr(line.value))


def _event_line(rule: EngagementRule, slot: Slot, event: Event, age: float) -> Contribution:
    factor = _decay(age, slot)
    where = None
    if rule.matcher.where:
        where = {key: event.properties.get(key) for key, _ in rule.matcher.where}
    return Contribution(
        rule=rule.name,
        points=rule.points * (1.0 if factor is None else factor),
        kind=ContributionKind.EVENT,
        field=event.type,
        value=where,
        at=event.at,
        age_days=age / SECONDS_PER_DAY,
        decay=factor,
    )


def _cap_line(rule: EngagementRule, removed: float) -> Contribution:
    return Contribution(rule=rule.name, points=removed, kind=ContributionKind.CAP, value=rule.cap)


def _decay(age_seconds: float, slot: Slot) -> float | None:
    if slot.half_life_seconds is None:
        return None
    return decay_factor(age_seconds, slot.half_life_seconds)
