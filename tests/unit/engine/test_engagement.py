import math
from datetime import datetime, timedelta

import pytest

from leadflow.definition.model import Definition, EngagementConfig, EngagementRule
from leadflow.domain.facts import Facts
from leadflow.domain.qualification import ContributionKind
from leadflow.engine import qualify
from tests.unit.engine.builders import event, events_of, matcher, waterfall


def engagement_of(rules: tuple[EngagementRule, ...], facts: Facts, now: datetime) -> float:
    return qualify(facts, waterfall(engagement=EngagementConfig(rules)), now).engagement.score


def test_points_fade_by_half_every_half_life(now: datetime) -> None:
    rule = EngagementRule("download", matcher("content_download"), 10, half_life_days=30)
    for days, expected in [(0, 10.0), (30, 5.0), (60, 2.5), (15, 10 * 0.5**0.5)]:
        facts = Facts(events=events_of(now, ("content_download", days)))
        assert engagement_of((rule,), facts, now) == pytest.approx(expected, rel=1e-12)


def test_without_a_half_life_points_never_fade(now: datetime) -> None:
    rule = EngagementRule("signup", matcher("newsletter_signup"), 5)
    facts = Facts(events=events_of(now, ("newsletter_signup", 3650)))
    assert engagement_of((rule,), facts, now) == 5


def test_a_cap_bounds_the_rule_in_absolute_value(now: datetime) -> None:
    views = EngagementRule("views", matcher("page_view"), 2, cap=5)
    bounces = EngagementRule("bounces", matcher("email_bounce"), -4, cap=6)
    facts = Facts(events=events_of(now, *[("page_view", 1)] * 10, *[("email_bounce", 1)] * 3))
    assert engagement_of((views, bounces), facts, now) == 5 - 6


def test_once_counts_only_the_most_recent_matching_event(now: datetime) -> None:
    rule = EngagementRule("demo", matcher("demo_request"), 30, half_life_days=30, once=True)
    facts = Facts(events=events_of(now, ("demo_request", 60), ("demo_request", 30)))
    assert engagement_of((rule,), facts, now) == pytest.approx(15.0)


def test_property_filters_select_events(now: datetime) -> None:
    rule = EngagementRule("pricing", matcher("page_view", url="*/pricing"), 5)
    facts = Facts(
        events=events_of(
            now,
            ("page_view", 1, {"url": "https://acme.example/PRICING"}),
            ("page_view", 1, {"url": "https://acme.example/blog"}),
            ("page_view", 1, {"url": ["https://a.example/x", "https://a.example/pricing"]}),
        )
    )
    assert engagement_of((rule,), facts, now) == 10


def test_events_after_now_are_ignored(now: datetime) -> None:
    rule = EngagementRule("views", matcher("page_view"), 1)
    facts = Facts(events=events_of(now, ("page_view", 1), ("page_view", -1)))
    assert engagement_of((rule,), facts, now) == 1


def test_every_counted_event_is_explained_and_contributions_add_up(
    definition: Definition, now: datetime
) -> None:
    facts = Facts(
        events=events_of(
            now,
            *[("page_view", d) for d in (1, 2, 3, 5, 8, 13, 21, 34)],
            *[("page_view", d, {"url": "/pricing"}) for d in (1, 2, 3, 4, 5)],
            ("newsletter_signup", 100),
            ("newsletter_signup", 10),
            ("unsubscribe", 7),
        )
    )
    engagement = qualify(facts, definition, now).engagement
    lines = engagement.contributions
    assert math.fsum(c.points for c in lines) == pytest.approx(engagement.score, abs=1e-9)
    newsletter = [c for c in lines if c.rule == "newsletter"]
    assert len(newsletter) == 1  # once: only the latest
    assert newsletter[0].age_days == pytest.approx(10)
    pricing = [c for c in lines if c.rule == "pricing_page"]
    assert [c.kind for c in pricing][-1] is ContributionKind.CAP  # 5 × ~4.4 > cap 20
    event_lines = [c for c in pricing if c.kind is ContributionKind.EVENT]
    assert len(event_lines) == 5
    first = event_lines[0]
    assert first.decay == pytest.approx(0.5 ** (1 / 14))
    assert first.points == pytest.approx(5 * first.decay)
    assert first.value == {"url": "/pricing"}
    assert first.at == now - timedelta(days=1)


def test_without_explanation_only_scores_are_computed(
    definition: Definition, now: datetime
) -> None:
    facts = Facts(
        account={"industry": "software"}, events=(event("page_view", now - timedelta(days=1)),)
    )
    full = qualify(facts, definition, now)
    bare = qualify(facts, definition, now, explain=False)
    assert bare.engagement.score == full.engagement.score
    assert bare.fit.score == full.fit.score
    assert bare.engagement.contributions == ()
    assert bare.fit.contributions == ()
    assert bare.explanation == ()
    assert full.explanation


def test_the_text_folds_events_worth_less_than_a_hundredth_of_a_point(now: datetime) -> None:
    """A year of page views must not bury the events that count; the points still add up."""
    rule = EngagementRule("views", matcher("page_view"), 1, half_life_days=7, cap=2)
    old = [("page_view", days) for days in range(60, 360, 30)]  # 10 views, all < 0.005
    facts = Facts(events=events_of(now, ("page_view", 0), ("page_view", 1), ("page_view", 2), *old))

    result = qualify(facts, waterfall(engagement=EngagementConfig((rule,))), now)

    lines = [line.strip() for line in result.explanation if "views" in line]
    assert lines[:2] == ["+1.00 views: page_view, 0.0 days ago, decay 1.000",
                         "+0.91 views: page_view, 1.0 days ago, decay 0.906"]  # fmt: skip
    assert lines[3].startswith("+0.00 views: 10 x page_view, last 60.0 days ago, decay 0.003")
    assert lines[4].startswith("-0.73 views: capped at 2")  # the cap still closes the rule
    assert len(lines) == 5
    events = [c for c in result.engagement.contributions if c.kind is ContributionKind.EVENT]
    assert len(events) == 13  # the contributions keep every event
