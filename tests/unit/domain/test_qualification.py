import json
from datetime import UTC, datetime

import pytest

from leadflow.domain.qualification import (
    BantCriterion,
    BantResult,
    Contribution,
    ContributionKind,
    EngagementResult,
    FitResult,
    Qualification,
    SalesAction,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature

AT = datetime(2026, 6, 1, 12, tzinfo=UTC)


def sample() -> Qualification:
    return Qualification(
        definition_name="waterfall",
        definition_version="3",
        at=AT,
        identity=Identity.CONFIRMED,
        fit=FitResult(
            70,
            Grade.B,
            (
                Contribution(
                    "size", 25, ContributionKind.ATTRIBUTE, "account.employees", frozenset({2, 1})
                ),
            ),
        ),
        engagement=EngagementResult(
            4.5,
            (
                Contribution(
                    "views", 4.5, ContributionKind.EVENT, "page_view", {"url": "/x"}, AT, 0, 1
                ),
            ),
        ),
        bant=BantResult(
            (
                BantCriterion("budget", True, "rep note", "fact"),
                BantCriterion("authority", False, "title", "rule", "junior"),
                BantCriterion("need"),
                BantCriterion("timing", True, "form", "fact"),
            )
        ),
        temperature=Temperature.WARM,
        lead_type=LeadType.SRL,
        purchased=True,
        sales_ready=True,
        sales_ready_reason="fit grade B and demo_request 1.0 days ago",
        last_sales_action=SalesAction("demo_request", AT),
        stage="sql",
        stages=("lead", "sql"),
        explanation=("fit 70 (grade B)",),
    )


def test_the_json_form_carries_the_public_keys() -> None:
    data = json.loads(json.dumps(sample().to_dict()))
    assert data["stage"] == "sql"
    assert data["sales_ready"] is True
    assert data["fit"]["score"] == 70
    assert data["fit"]["grade"] == "B"
    assert data["engagement"]["score"] == 4.5
    assert data["temperature"] == "warm"
    assert data["lead_type"] == "srl"
    assert data["explanation"] == ["fit 70 (grade B)"]
    assert data["definition"] == {"name": "waterfall", "version": "3", "stages": ["lead", "sql"]}
    assert data["purchased"] is True
    assert data["last_sales_action"] == {"type": "demo_request", "at": "2026-06-01T12:00:00+00:00"}
    assert data["bant"]["met"] == 2
    assert data["bant"]["authority"] == {
        "met": False,
        "evidence": "title",
        "source": "rule",
        "rule": "junior",
    }
    assert data["fit"]["contributions"][0]["value"] == [1, 2]  # sets become sorted lists
    assert data["engagement"]["contributions"][0]["at"] == "2026-06-01T12:00:00+00:00"


def test_bant_result_counts_and_finds_criteria() -> None:
    bant = sample().bant
    assert bant.met == 2
    assert bant.get("timing").evidence == "form"
    with pytest.raises(KeyError):
        bant.get("money")
    assert BantResult().met == 0
    assert [c.key for c in BantResult().criteria] == ["budget", "authority", "need", "timing"]
