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

from leadflow.definition.model import EngagementRule
from leadflow.domain.facts import Event
from leadflow.domain.qualification import Contribution, ContributionKind, EngagementResult
from leadflow.engine.activity import SECONDS_PER_DAY, Buckets, Reading, Slot, decay_factor
from leadflow.engine.plan import QualificationPlan

__all__ = ["capped", "score_engagement"]


def capped(total: float, cap: float | None) -> float:
    """A rule's total held within ±cap (a cap bounds the size, whatever the sign)."""
    if cap is None or -cap <= total <= cap:  # the common case: no call to min/max
        return total
    return cap if total > cap else -cap


def score_engagement(
    plan: QualificationPlan,
    readings: Mapping[int, Reading],
    now: datetime,
    *,
    explain: bool = True,
    buckets: Buckets | None = None,
) -> EngagementResult:
    """The score from the readings, and when ``explain``, its contributions: one per
    counted event when the matched events (``buckets``) are given, else one per rule."""
    if not explain:
        return EngagementResult(_score(plan, readings))
    score = 0.0
    contributions: list[Contribution] = []
    for rule, slot in plan.engagement:
        reading = readings.get(slot.id)
        if reading is None:
            continue
        total = capped(reading.total, rule.cap)
        score += total
        if buckets is None:
            contributions.append(_rule_line(rule, slot, reading, total, now))
            continue
        contributions.extend(_event_lines(rule, slot, reading, buckets[slot.id], now))
        if total != reading.total:
            contributions.append(_cap_line(rule, total - reading.total))
    return EngagementResult(score, tuple(contributions))


def _score(plan: QualificationPlan, readings: Mapping[int, Reading]) -> float:
    """The score alone: the same sum, in the same order, without building lines."""
    score = 0.0
    for slot_id, cap in plan.engagement_caps:
        reading = readings.get(slot_id)
        if reading is not None:
            score += capped(reading.total, cap)
    return score


def _rule_line(
    rule: EngagementRule, slot: Slot, reading: Reading, total: float, now: datetime
) -> Contribution:
    age = None if reading.last is None else (now - reading.last).total_seconds()
    return Contribution(
        rule=rule.name,
        points=total,
        kind=ContributionKind.RULE,
        field=", ".join(sorted(slot.types)),
        value=reading.count,
        at=reading.last,
        age_days=None if age is None else age / SECONDS_PER_DAY,
        decay=None if age is None else _decay(age, slot),
    )


def _event_lines(
    rule: EngagementRule, slot: Slot, reading: Reading, matched: list[Event], now: datetime
) -> list[Contribution]:
    if rule.once:  # only the most recent event counts
        matched = [e for e in matched if e.at == reading.last and e.type == reading.last_type]
    lines = [_event_line(rule, slot, event, now) for event in matched]
    # Newest first, ties by type and shown values: the same lines in any arrival order.
    lines.sort(key=_line_order, reverse=True)
    return lines[:1] if rule.once else lines


def _line_order(line: Contribution) -> tuple[object, ...]:
    return (line.at, line.field or "", repr(line.value))


def _event_line(rule: EngagementRule, slot: Slot, event: Event, now: datetime) -> Contribution:
    age = (now - event.at).total_seconds()
    factor = _decay(age, slot)
    where = {key: event.properties.get(key) for key, _ in rule.matcher.where}
    return Contribution(
        rule=rule.name,
        points=rule.points * (1.0 if factor is None else factor),
        kind=ContributionKind.EVENT,
        field=event.type,
        value=where or None,
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
