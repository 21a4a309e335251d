import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leadflow.definition.model import Definition, Stage
from leadflow.domain.facts import Facts, Opportunity, SalesFacts
from leadflow.domain.vocabulary import Identity
from leadflow.engine import qualify
from leadflow.engine.plan import plan_for
from tests.unit.engine.builders import equals, events_of

FITTING = {"industry": "software", "employees": 300, "country": "de"}


@pytest.mark.parametrize(
    ("facts", "stage"),
    [
        (Facts(identity=Identity.ANONYMOUS), None),
        (Facts(), "lead"),
        (
            Facts(events=events_of(datetime(2026, 5, 1, tzinfo=UTC), ("content_download", 0))),
            "lead",
        ),
        (Facts(account=FITTING), "lead"),
        (Facts(account=FITTING, sales=SalesFacts(opportunity=Opportunity("won"))), "customer"),
    ],
)
def test_stage_is_the_furthest_whose_rule_holds(
    facts: Facts, stage: str | None, definition: Definition, now: datetime
) -> None:
    assert qualify(facts, definition, now).stage == stage


def test_an_engaged_fitting_lead_is_an_mql_then_sql_when_it_asks_for_sales(
    definition: Definition, now: datetime
) -> None:
    engaged = Facts(account=FITTING, events=events_of(now, ("content_download", 5)))
    assert qualify(engaged, definition, now).stage == "mql"
    asked = replace(engaged, events=(*engaged.events, *events_of(now, ("demo_request", 1))))
    assert qualify(asked, definition, now).stage == "sql"
    # Thirty-one days later the demo request is stale: the target falls back to mql.
    assert qualify(asked, definition, now + timedelta(days=31)).stage == "mql"


def test_a_stage_may_be_reached_without_the_ones_before(
    definition: Definition, now: datetime
) -> None:
    # Anonymous, so not a "lead", but sales opened an opportunity: the fit-first idea.
    facts = Facts(identity=Identity.ANONYMOUS, sales=SalesFacts(opportunity=Opportunity()))
    assert qualify(facts, definition, now).stage == "opportunity"


def test_manual_stages_are_never_a_target(definition: Definition, now: datetime) -> None:
    stages = (*definition.stages, Stage("evangelist", equals("identity", "known"), manual=True))
    manual = replace(definition, stages=stages)
    assert qualify(Facts(), manual, now).stage == "lead"


def test_results_name_the_definition_and_are_json_ready(
    definition: Definition, now: datetime
) -> None:
    facts = Facts(account=FITTING, events=events_of(now, ("demo_request", 1), ("page_view", 2)))
    data = qualify(facts, definition, now).to_dict()
    decoded = json.loads(json.dumps(data))
    assert decoded["definition"]["version"] == "1.0"
    assert decoded["stage"] == "sql"
    assert decoded["sales_ready"] is True
    assert decoded["fit"]["score"] == 70
    assert decoded["fit"]["grade"] == "B"
    assert decoded["engagement"]["score"] == pytest.approx(30 * 0.5 ** (1 / 30) + 0.5 ** (2 / 14))
    assert decoded["temperature"] == "cold"  # need: asked for a demo
    assert decoded["lead_type"] == "srl"
    assert decoded["explanation"][-1] == "stage: sql (the furthest stage whose rule holds)"


def test_event_order_does_not_change_the_result(definition: Definition, now: datetime) -> None:
    events = events_of(
        now,
        *[("page_view", d / 3) for d in range(40)],
        ("demo_request", 2),
        ("demo_request", 2),
        ("content_download", 4, {"asset": "spec"}),
    )
    forward = qualify(Facts(account=FITTING, events=events), definition, now)
    backward = qualify(Facts(account=FITTING, events=events[::-1]), definition, now)
    assert forward == backward


def test_now_must_carry_a_time_zone(definition: Definition) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        qualify(Facts(), definition, datetime(2026, 6, 1))  # noqa: DTZ001 - the point


def test_a_definition_is_compiled_once(definition: Definition, now: datetime) -> None:
    plan = plan_for(definition)
    qualify(Facts(), definition, now)
    assert plan_for(definition) is plan
    assert plan_for(replace(definition, version="2.0")) is not plan
