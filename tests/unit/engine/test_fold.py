"""The full-history fold (activity.fold_history) against a plain reference.

The fold groups events by type, works out each event's age once and splits a type's
events by property value (routing.py remembers the answers across people). The
reference below does none of that: for every rule and every event it applies the
definition's formula directly, as docs/engine.md states it. Both must agree, whatever
the events' types, properties (missing, lists, numbers, mixed case), times (future
events included) and order.
"""

from __future__ import annotations

import fnmatch
import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.definition.model import (
    Definition,
    EngagementConfig,
    EngagementRule,
    EventMatcher,
    EventTest,
    Stage,
)
from leadflow.domain.facts import Event, Facts
from leadflow.engine import qualify
from leadflow.engine.activity import fold_history
from leadflow.engine.plan import plan_for
from tests.unit.engine.builders import matcher, waterfall

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)

TYPES = ("page_view", "content_download", "email_click", "demo_request", "quote_request")
_RULES = (
    EngagementRule("views", matcher("page_view"), 1, half_life_days=14, cap=15),
    EngagementRule("pricing", matcher("page_view", url="*/pricing*"), 5, 14, cap=20),
    EngagementRule("docs", matcher("page_view", url="*/docs/*"), 2, half_life_days=30),
    EngagementRule("eu pricing", matcher("page_view", url="*pricing*", lang="de"), 4, 7),
    EngagementRule("spec", matcher("content_download", asset="*spec*"), 10, 60),
    EngagementRule("any download", matcher("content_download"), 3, once=True),
    EngagementRule("clicks", matcher("email_click"), 2),
    EngagementRule("sales", matcher("demo_request", "quote_request"), 30, 30, cap=40),
)
# Windowed tests needing several events exercise the event-time comparisons.
_TESTS = (
    EventTest(matcher("page_view", url="*/pricing*"), within_days=30, min_count=2),
    EventTest(matcher("demo_request", "quote_request"), within_days=7),
)
DEFINITION = waterfall(
    engagement=EngagementConfig(_RULES),
    stages=(
        *waterfall().stages,
        Stage("pricing twice", _TESTS[0]),
        Stage("asked this week", _TESTS[1]),
    ),
)

_VALUES = st.sampled_from(
    [
        "https://a.example/pricing",
        "/Pricing/EU",
        "https://a.example/docs/api",
        "/blog",
        "Model X SPEC sheet",
        "e-book",
        None,
        7,
        True,
        ["/blog", "/pricing"],
        ["e-book", "spec"],
    ]
)
_PROPERTIES = st.dictionaries(st.sampled_from(["url", "asset", "lang"]), _VALUES, max_size=3)


@st.composite
def _event(draw: st.DrawFn) -> Event:
    # Up to 400 days old, some a few days in the future (not happened yet at NOW).
    seconds = draw(st.integers(min_value=-5 * 86_400, max_value=400 * 86_400))
    properties = draw(_PROPERTIES)
    if "lang" in properties and draw(st.booleans()):
        properties["lang"] = "DE"
    return Event(draw(st.sampled_from(TYPES)), NOW - timedelta(seconds=seconds), properties)


def _accepts(where: tuple[tuple[str, str], ...], properties: dict[str, object]) -> bool:
    """A ``where`` filter as docs/engine.md states it, with fnmatch instead of regexes."""
    for key, pattern in where:
        value = properties.get(key)
        items = value if isinstance(value, list) else [] if value is None else [value]
        if not any(fnmatch.fnmatchcase(str(item).lower(), pattern.lower()) for item in items):
            return False
    return True


def _matching(test: EventMatcher, events: list[Event], now: datetime) -> list[Event]:
    return [
        e
        for e in events
        if e.type in test.types and e.at <= now and _accepts(test.where, dict(e.properties))
    ]


def _reference_score(events: list[Event], now: datetime) -> float:
    """Σ over rules of clamp(Σ points × 0.5^(age / half-life), ±cap); once: the latest."""
    score = 0.0
    for rule in _RULES:
        matched = _matching(rule.matcher, events, now)
        if not matched:
            continue
        if rule.once:
            matched = [max(matched, key=lambda e: e.at)]
        terms = []
        for event in matched:
            age_days = (now - event.at).total_seconds() / 86_400
            fade = 1.0 if rule.half_life_days is None else 0.5 ** (age_days / rule.half_life_days)
            terms.append(rule.points * fade)
        total = math.fsum(terms)
        if rule.cap is not None:
            total = max(-rule.cap, min(rule.cap, total))
        score += total
    return score


def _reference_holds(test: EventTest, events: list[Event], now: datetime) -> bool:
    assert test.within_days is not None
    cutoff = now - timedelta(days=test.within_days)
    recent = [e for e in _matching(test.matcher, events, now) if e.at >= cutoff]
    return len(recent) >= test.min_count


@settings(max_examples=150, deadline=None)
@given(history=st.lists(_event(), max_size=60), seed=st.integers())
def test_the_fold_agrees_with_the_plain_formula(history: list[Event], seed: int) -> None:
    shuffled = list(history)
    random.Random(seed).shuffle(shuffled)
    result = qualify(Facts(events=tuple(shuffled)), DEFINITION, NOW, explain=False)
    assert result.engagement.score == pytest.approx(_reference_score(history, NOW), abs=1e-9)

    layout = plan_for(DEFINITION).layout
    activity = fold_history(layout.routes, layout.slots, shuffled, NOW)
    for test in _TESTS:
        slot = layout.tests[test]
        assert (slot.id in activity.held) == _reference_holds(test, history, NOW)


@settings(max_examples=60, deadline=None)
@given(history=st.lists(_event(), max_size=40))
def test_the_explanation_adds_up_to_the_score(history: list[Event]) -> None:
    result = qualify(Facts(events=tuple(history)), DEFINITION, NOW)
    lines = result.engagement.contributions
    assert math.fsum(c.points for c in lines) == pytest.approx(result.engagement.score, abs=1e-6)
    counted = [c for c in lines if c.kind == "event"]
    assert all(c.at is not None and c.at <= NOW for c in counted)  # no future events


def test_a_future_event_counts_once_its_time_has_come() -> None:
    soon = Event("demo_request", NOW + timedelta(hours=1))
    facts = Facts(events=(soon, Event("page_view", NOW - timedelta(days=1))))
    before = qualify(facts, DEFINITION, NOW, explain=False)
    after = qualify(facts, DEFINITION, NOW + timedelta(hours=1), explain=False)
    assert before.last_sales_action is None
    assert after.last_sales_action is not None
    assert after.last_sales_action.at == soon.at


def test_property_values_that_cannot_be_remembered_are_decided_each_time() -> None:
    """``1`` and ``True`` are equal dict keys, yet a glob reads them as '1' and 'True'."""
    rule = EngagementRule("ones", matcher("page_view", url="1"), 1)
    definition: Definition = waterfall(engagement=EngagementConfig((rule,)))
    events = (Event("page_view", NOW, {"url": 1}), Event("page_view", NOW, {"url": True}))
    assert qualify(Facts(events=events), definition, NOW).engagement.score == 1
    assert qualify(Facts(events=events[::-1]), definition, NOW).engagement.score == 1
