"""Properties the issue asks for, checked over generated event histories (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.definition.model import EngagementConfig, EngagementRule, FitConfig, FitRule
from leadflow.domain.facts import Event, Facts
from leadflow.engine import qualify
from tests.unit.engine.builders import equals, matcher, waterfall
from tests.unit.engine.strategies import EVENT_TYPES, events

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
# The test waterfall's negative rules (unsubscribe, bounce) do not fade: see below.
DEFINITION = waterfall()
ACCOUNT = {"industry": "software", "employees": 300, "country": "de"}


@settings(max_examples=60, deadline=None)
@given(history=events(NOW), later=st.floats(min_value=0, max_value=1000))
def test_engagement_never_rises_as_time_passes_without_new_events(
    history: list[Event], later: float
) -> None:
    facts = Facts(account=ACCOUNT, events=tuple(history))
    before = qualify(facts, DEFINITION, NOW, explain=False).engagement.score
    after = qualify(facts, DEFINITION, NOW + timedelta(days=later), explain=False)
    assert after.engagement.score <= before + 1e-9


def test_a_fading_penalty_lets_a_score_recover() -> None:
    """Why the property above needs non-fading negative rules: this is legitimate."""
    fading = waterfall(
        engagement=EngagementConfig(
            (EngagementRule("bounce", matcher("email_bounce"), -10, half_life_days=7),)
        )
    )
    facts = Facts(events=(Event("email_bounce", NOW),))
    week_later = NOW + timedelta(days=7)
    assert qualify(facts, fading, NOW).engagement.score == -10
    assert qualify(facts, fading, week_later).engagement.score == -5


@settings(max_examples=60, deadline=None)
@given(history=events(NOW), seed=st.integers())
def test_event_order_does_not_change_the_result(history: list[Event], seed: int) -> None:
    shuffled = list(history)
    random.Random(seed).shuffle(shuffled)
    first = qualify(Facts(account=ACCOUNT, events=tuple(history)), DEFINITION, NOW)
    second = qualify(Facts(account=ACCOUNT, events=tuple(shuffled)), DEFINITION, NOW)
    assert first == second


@settings(max_examples=80, deadline=None)
@given(
    history=events(NOW, max_size=60, max_days=30),
    points=st.floats(min_value=-50, max_value=50, allow_nan=False),
    cap=st.floats(min_value=0.5, max_value=80),
    half_life=st.none() | st.floats(min_value=0.5, max_value=90),
    once=st.booleans(),
    kind=st.sampled_from(EVENT_TYPES),
)
def test_a_capped_rule_never_exceeds_its_cap(
    history: list[Event],
    points: float,
    cap: float,
    half_life: float | None,
    once: bool,
    kind: str,
) -> None:
    rule = EngagementRule("capped", matcher(kind), points, half_life, cap, once)
    definition = waterfall(engagement=EngagementConfig((rule,)))
    result = qualify(Facts(events=tuple(history)), definition, NOW)
    assert abs(result.engagement.score) <= cap + 1e-9
    # The explanation still adds up once the cap line is counted.
    total = sum(c.points for c in result.engagement.contributions)
    assert abs(total - result.engagement.score) <= 1e-6


@settings(max_examples=80, deadline=None)
@given(
    weights=st.lists(st.floats(min_value=-300, max_value=300, allow_nan=False), max_size=8),
    industry=st.sampled_from(["software", "retail", "steel"]),
)
def test_fit_is_within_0_and_100(weights: list[float], industry: str) -> None:
    rules = tuple(
        FitRule(f"r{i}", weight, equals("account.industry", ("software", "retail")[i % 2]))
        for i, weight in enumerate(weights)
    )
    definition = waterfall(fit=FitConfig(rules))
    score = qualify(Facts(account={"industry": industry}), definition, NOW).fit.score
    assert 0 <= score <= 100
