from dataclasses import replace
from datetime import datetime, timedelta

from leadflow.definition.model import (
    Definition,
    EngagementConfig,
    EngagementRule,
    EventTest,
    SalesActionConfig,
    SalesReadyGate,
)
from leadflow.domain.facts import Facts
from leadflow.domain.vocabulary import Grade
from leadflow.engine import ActivitySummary, qualify, qualify_summary
from tests.unit.engine.builders import equals, events_of, matcher, waterfall

FITTING = {"industry": "software", "employees": 300, "country": "de"}  # 70: grade B


def facts_with(now: datetime, *events: tuple[str, float]) -> Facts:
    return Facts(account=FITTING, events=events_of(now, *events))


def test_fit_and_a_recent_sales_action_make_a_lead_sales_ready(
    definition: Definition, now: datetime
) -> None:
    result = qualify(facts_with(now, ("demo_request", 3)), definition, now)
    assert result.sales_ready
    assert result.sales_ready_reason == "fit grade B and demo_request 3.0 days ago"
    assert result.last_sales_action is not None
    assert result.last_sales_action.type == "demo_request"


def test_a_sales_action_alone_is_not_enough(definition: Definition, now: datetime) -> None:
    facts = Facts(account={"industry": "software"}, events=events_of(now, ("demo_request", 3)))
    result = qualify(facts, definition, now)
    assert not result.sales_ready
    assert result.sales_ready_reason == "fit grade C is below B"


def test_fit_alone_is_not_enough(definition: Definition, now: datetime) -> None:
    result = qualify(facts_with(now, ("content_download", 1)), definition, now)
    assert not result.sales_ready
    assert result.sales_ready_reason == "no sales-specific action yet"


def test_the_sales_action_must_be_recent(definition: Definition, now: datetime) -> None:
    stale = qualify(facts_with(now, ("trial_start", 31)), definition, now)
    assert not stale.sales_ready
    assert "31.0 days ago (> 30)" in stale.sales_ready_reason
    longer = replace(definition, sales_actions=SalesActionConfig(within_days=45))
    assert qualify(facts_with(now, ("trial_start", 31)), longer, now).sales_ready


def test_a_sales_action_past_its_window_when_learned_of_is_not_recent(
    definition: Definition, now: datetime
) -> None:
    # Qualified as of the demo request itself, but learned of 31 days later: the gate
    # judges the action's age when leadflow learns of it, with the same wording.
    happened = now - timedelta(days=31)
    facts = facts_with(happened, ("demo_request", 0))
    assert qualify(facts, definition, happened).sales_ready
    late = qualify(facts, definition, happened, learned_at=now)
    assert not late.sales_ready
    assert late.sales_ready_reason == "last sales action demo_request was 31.0 days ago (> 30)"
    assert late.at == happened  # everything else is scored as of when it happened
    fresh = qualify(facts, definition, happened, learned_at=happened - timedelta(days=1))
    assert fresh.sales_ready  # an earlier "learned" moment changes nothing


def test_the_last_sales_action_counts(definition: Definition, now: datetime) -> None:
    result = qualify(facts_with(now, ("trial_start", 90), ("quote_request", 2)), definition, now)
    assert result.sales_ready
    assert result.last_sales_action is not None
    assert result.last_sales_action.type == "quote_request"


def test_custom_sales_actions(now: datetime) -> None:
    forms = SalesActionConfig(matchers=(matcher("form_submit", form="contact-sales*"),))
    definition = waterfall(sales_actions=forms)
    yes = Facts(
        account=FITTING, events=events_of(now, ("form_submit", 1, {"form": "contact-sales-eu"}))
    )
    no = Facts(account=FITTING, events=events_of(now, ("demo_request", 1)))
    assert qualify(yes, definition, now).sales_ready
    assert not qualify(no, definition, now).sales_ready


def test_optional_minimum_engagement_and_extra_condition(now: datetime) -> None:
    gate = SalesReadyGate(min_fit_grade=Grade.C, min_engagement=40.0)
    facts = facts_with(now, ("demo_request", 1))  # 30 × decay: below 40
    result = qualify(facts, waterfall(sales_ready=gate), now)
    assert not result.sales_ready
    assert result.sales_ready_reason.startswith("engagement 29.")
    consent = SalesReadyGate(condition=equals("consent.email", "withdrawn", negate=True))
    withdrawn = replace(facts, consent={"email": "withdrawn"})
    assert qualify(facts, waterfall(sales_ready=consent), now).sales_ready
    assert not qualify(withdrawn, waterfall(sales_ready=consent), now).sales_ready


def test_without_a_required_sales_action(now: datetime) -> None:
    gate = SalesReadyGate(min_fit_grade=Grade.B, require_sales_action=False)
    result = qualify(Facts(account=FITTING), waterfall(sales_ready=gate), now)
    assert result.sales_ready
    assert result.sales_ready_reason == "fit grade B"


def test_a_pass_names_every_test_the_gate_made(now: datetime) -> None:
    """A product-led gate (no sales action, usage as the extra condition) once passed
    with the reason "fit grade B" alone: the reason left out what decided it."""
    used = EventTest(matcher("feature_used"), min_count=2)
    gate = SalesReadyGate(
        min_fit_grade=Grade.C, require_sales_action=False, min_engagement=1.0, condition=used
    )
    facts = Facts(account=FITTING, events=events_of(now, ("feature_used", 1), ("feature_used", 2)))
    engagement = EngagementRule("usage", matcher("feature_used"), 10.0)
    definition = waterfall(sales_ready=gate, engagement=EngagementConfig((engagement,)))

    result = qualify(facts, definition, now)

    assert result.sales_ready
    assert result.sales_ready_reason == (
        "fit grade B, engagement 20.0 (at least 1); the gate's extra condition holds:"
        " event feature_used x2"
    )


def _product_led(**extras: object) -> Definition:
    """No sales action: usage decides (``feature_used x5 within 14 days``), 10 points each."""
    used = EventTest(matcher("feature_used"), within_days=14, min_count=5)
    gate = SalesReadyGate(
        min_fit_grade=Grade.C, require_sales_action=False, **{"condition": used, **extras}
    )
    rule = EngagementRule("usage", matcher("feature_used"), 10.0, half_life_days=30)
    return waterfall(sales_ready=gate, engagement=EngagementConfig((rule,)))


def _usage(at: datetime) -> Facts:
    return facts_with(at, *(("feature_used", day) for day in range(5)))


def test_the_gates_extras_are_judged_when_leadflow_learns_of_the_facts(now: datetime) -> None:
    # A year of usage history imported a year late: met then, not now. Like a stale
    # demo request, it makes nobody sales-ready, whether from the events or a summary.
    happened = now - timedelta(days=365)
    facts, definition = _usage(happened), _product_led()
    summary = ActivitySummary.of(definition, facts.events)
    assert qualify(facts, definition, happened).sales_ready

    late = qualify(facts, definition, happened, learned_at=now)
    from_summary = qualify_summary(facts, summary, definition, happened, learned_at=now)

    assert (late.sales_ready, from_summary.sales_ready) == (False, False)
    assert late.sales_ready_reason == (
        "the gate's extra condition does not hold: event feature_used x5 within 14 days,"
        f" counted back from {now.isoformat(timespec='minutes')}, when leadflow learned of it"
    )
    assert from_summary.sales_ready_reason == late.sales_ready_reason
    assert late.at == happened
    assert late.engagement.score > 40
    fresh = qualify(_usage(now), definition, now, learned_at=now)
    assert fresh.sales_ready


def test_min_engagement_is_judged_when_leadflow_learns_of_the_facts(now: datetime) -> None:
    happened = now - timedelta(days=90)  # three half-lives: 8 times less by now
    definition = _product_led(condition=None, min_engagement=30.0)
    facts = _usage(happened)
    assert qualify(facts, definition, happened).sales_ready

    late = qualify(facts, definition, happened, learned_at=now)

    assert not late.sales_ready
    assert late.sales_ready_reason == (
        "engagement 6.0 is below 30, counted back from"
        f" {now.isoformat(timespec='minutes')}, when leadflow learned of it"
    )


def test_events_after_the_moment_do_not_count_for_the_extras_when_learned_later(
    now: datetime,
) -> None:
    # Qualified as of an event in the middle of a history (a repair, a back-test): the
    # uses that happened after it are not known at that moment, however late it is judged.
    happened = now - timedelta(days=2)
    before = events_of(happened, *(("feature_used", hours / 24) for hours in range(3)))
    after = events_of(now, ("feature_used", 1), ("feature_used", 0.5))
    facts = Facts(account=FITTING, events=before + after)
    definition = _product_led()
    summary = ActivitySummary.of(definition, before)

    late = qualify(facts, definition, happened, learned_at=now)

    assert not late.sales_ready
    assert not qualify_summary(facts, summary, definition, happened, learned_at=now).sales_ready
