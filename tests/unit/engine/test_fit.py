from datetime import datetime

import pytest

from leadflow.definition.model import Definition, FitConfig, FitRule
from leadflow.domain.facts import Facts
from leadflow.domain.qualification import ContributionKind
from leadflow.domain.vocabulary import Grade
from leadflow.engine import qualify
from leadflow.engine.fit import grade_for
from tests.unit.engine.builders import equals, waterfall

CUTOFFS = FitConfig(rules=()).grade_cutoffs  # A 75, B 50, C 25


def test_matched_rules_are_summed_with_their_attribute_values(
    definition: Definition, now: datetime
) -> None:
    facts = Facts(
        contact={"email": "ann@acme.example", "seniority": "Director"},
        account={"industry": "SaaS", "employees": 40, "country": "CH"},
    )
    fit = qualify(facts, definition, now).fit
    assert fit.score == 30 + 15 + 20  # industry, region, seniority; 40 employees is too small
    assert fit.grade is Grade.B
    assert [(c.rule, c.field, c.value) for c in fit.contributions] == [
        ("target_industry", "account.industry", "SaaS"),
        ("dach_region", "account.country", "CH"),
        ("decision_maker", "contact.seniority", "Director"),
    ]
    assert {c.kind for c in fit.contributions} == {ContributionKind.ATTRIBUTE}


def test_negative_rules_take_points_away_and_the_score_stays_within_0_100(
    definition: Definition, now: datetime
) -> None:
    free_mail = Facts(contact={"email": "ann@gmail.com"}, account={"industry": "software"})
    assert qualify(free_mail, definition, now).fit.score == 30 - 20
    competitor = Facts(contact={"email": "spy@rival.example"}, account={"industry": "software"})
    assert qualify(competitor, definition, now).fit.score == 0
    generous = waterfall(
        fit=FitConfig(
            tuple(FitRule(f"r{i}", 60, equals("account.industry", "x")) for i in range(3))
        )
    )
    result = qualify(Facts(account={"industry": "x"}), generous, now)
    assert result.fit.score == 100
    assert any("held within 0-100" in line for line in result.explanation)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, Grade.A), (75, Grade.A), (74.9, Grade.B), (50, Grade.B), (25, Grade.C), (0, Grade.D)],
)
def test_grades_follow_the_cutoffs(score: float, grade: Grade) -> None:
    assert grade_for(score, CUTOFFS) is grade


def test_custom_cutoffs(now: datetime) -> None:
    strict = waterfall(
        fit=FitConfig(
            (FitRule("industry", 80, equals("account.industry", "software")),),
            grade_cutoffs=((Grade.A, 90.0), (Grade.B, 80.0), (Grade.C, 10.0)),
        )
    )
    assert qualify(Facts(account={"industry": "software"}), strict, now).fit.grade is Grade.B
