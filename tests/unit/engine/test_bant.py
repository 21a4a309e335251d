from datetime import datetime

import pytest

from leadflow.definition.model import Definition, TemperatureConfig
from leadflow.domain.facts import BantFact, BantFacts, Facts
from leadflow.domain.vocabulary import Temperature
from leadflow.engine import qualify
from leadflow.engine.bant import temperature_for
from tests.unit.engine.builders import events_of


def test_rules_decide_when_no_fact_is_given(definition: Definition, now: datetime) -> None:
    facts = Facts(
        contact={"seniority": "VP", "title": "Student"},
        events=events_of(now, ("quote_request", 10)),
    )
    bant = qualify(facts, definition, now).bant
    assert bant.get("authority").met is True
    assert bant.get("authority").source == "rule"
    assert bant.get("authority").rule == "senior_title"
    assert bant.get("need").met is True
    assert bant.get("need").evidence == "asked for a demo or quote"
    assert bant.get("timing").met is False  # a rule may also say "not met"
    assert bant.get("budget").met is None
    assert bant.met == 2


def test_explicit_facts_win_over_rules(definition: Definition, now: datetime) -> None:
    facts = Facts(
        contact={"seniority": "VP"},
        bant=BantFacts(
            authority=BantFact(False, "the VP does not sign; procurement does"),
            budget=BantFact(True, "rep: budget approved for Q3"),
        ),
    )
    bant = qualify(facts, definition, now).bant
    assert (bant.get("authority").met, bant.get("authority").source) == (False, "fact")
    assert bant.get("budget").evidence == "rep: budget approved for Q3"


def test_evidence_without_a_verdict_is_kept(definition: Definition, now: datetime) -> None:
    facts = Facts(bant=BantFacts(timing=BantFact(None, "maybe next year")))
    timing = qualify(facts, definition, now).bant.get("timing")
    assert (timing.met, timing.evidence) == (None, "maybe next year")


@pytest.mark.parametrize(
    ("met", "temperature"),
    [
        (0, Temperature.UNKNOWN),
        (1, Temperature.COLD),
        (2, Temperature.WARM),
        (3, Temperature.HOT),
        (4, Temperature.HOT),
    ],
)
def test_temperature_counts_criteria_met(met: int, temperature: Temperature) -> None:
    assert temperature_for(met, TemperatureConfig()) is temperature


def test_temperature_from_facts(definition: Definition, now: datetime) -> None:
    yes = BantFact(True, "form answer")
    facts = Facts(bant=BantFacts(budget=yes, authority=yes, need=yes, timing=BantFact(False)))
    result = qualify(facts, definition, now)
    assert result.temperature is Temperature.HOT
    assert "BANT 3 of 4 met: hot" in "\n".join(result.explanation)
