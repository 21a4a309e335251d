from datetime import UTC, datetime

import numpy as np
import yaml

from leadflow.definition.loader import load_definition_text
from leadflow.engine import qualify
from leadflow.learn.fact_paths import facts_of
from leadflow.learn.icp import discover_icp
from leadflow.learn.proposal import FIT_TOP, patch_yaml, propose_fit_rules, propose_grades
from leadflow.learn.table import table_from_columns

from .conftest import Planted

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _patch(planted: Planted) -> str:
    report = discover_icp(planted.table)
    rules = propose_fit_rules(report, planted.table)
    return patch_yaml(
        rules,
        report,
        extends="waterfall",
        name="acme",
        version="1-icp",
        replaced=["old rule"],
        source="test.csv",
        now=NOW,
    )


def test_patch_is_a_valid_definition_extending_the_active_one(planted: Planted) -> None:
    text = _patch(planted)
    data = yaml.safe_load(text)
    assert data["extends"] == "waterfall"
    assert set(data) == {"extends", "name", "version", "fit"}
    definition = load_definition_text(text, "proposal.yaml")
    assert definition.version == "1-icp"
    assert definition.fit.rules[0].name == "Industry: software"
    assert "replaces the 1 current fit rules: old rule" in text


def test_points_rank_the_planted_profile_first(planted: Planted) -> None:
    definition = load_definition_text(_patch(planted), "proposal.yaml")

    def fit(industry: str, employees: float) -> float:
        facts = facts_of({"account.industry": industry, "account.employees": employees})
        return qualify(facts, definition, NOW, explain=False).fit.score

    assert fit("software", 1000) > fit("software", 20) > fit("retail", 20)
    assert fit("software", 1000) > fit("retail", 1000)
    assert fit("retail", 20) >= 0
    assert fit("software", 4000) <= FIT_TOP


def test_grades_split_the_history_by_score() -> None:
    scores = np.arange(100, dtype=np.float64)
    assert propose_grades(scores) == {"A": 80, "B": 50, "C": 20}
    # All leads alike: cut-offs still strictly decrease, as the definition demands.
    assert propose_grades(np.full(10, 100.0)) == {"A": 100, "B": 99, "C": 98}


def test_grades_are_scores_leads_have() -> None:
    """A few rules give a few possible scores: each cut-off is one of them, so no grade
    asks for a score no lead can have, and none is empty while the scores allow."""
    scores = np.array([0.0] * 70 + [24.0] * 12 + [45.0] * 8 + [76.0] * 7 + [100.0] * 3)
    grades = propose_grades(scores)
    assert grades == {"A": 76, "B": 45, "C": 24}
    # Most leads at 0: the quantiles are all 0, yet A, B and C still hold leads.
    lumpy = np.array([0.0] * 85 + [40.0] * 10 + [70.0] * 2 + [100.0] * 3)
    assert propose_grades(lumpy) == {"A": 100, "B": 70, "C": 40}


def test_one_group_of_leads_gives_one_rule() -> None:
    size = 800
    rng = np.random.default_rng(8)
    channel = rng.choice(["purchased", "web", "events"], size=size)
    purchased = np.where(channel == "purchased", "true", "false")
    won = (rng.uniform(size=size) < np.where(channel == "purchased", 0.05, 0.4)).astype(np.int8)
    table = table_from_columns(
        {"Channel": list(channel), "Purchased": list(purchased)},
        ids=np.arange(size).astype(str).astype(object),
        outcome=won,
        paths={"Channel": "source.channel", "Purchased": "source.purchased"},
    )
    rules = propose_fit_rules(discover_icp(table), table)
    about_purchase = [r for r in rules if "purchased" in r.name.casefold()]
    assert len(about_purchase) == 1


def test_losing_values_are_negated_rules_with_positive_points() -> None:
    size = 600
    plan = np.array(["free", "pro"] * (size // 2), dtype=object)
    rng = np.random.default_rng(3)
    won = (rng.uniform(size=size) < np.where(plan == "free", 0.1, 0.5)).astype(np.int8)
    table = table_from_columns(
        {"Plan": list(plan)}, ids=np.arange(size).astype(str).astype(object), outcome=won
    )
    rules = propose_fit_rules(discover_icp(table), table)
    assert all(rule.points > 0 for rule in rules)
    by_name = {rule.name: rule for rule in rules}
    assert "Plan: pro" in by_name or "Plan: not free" in by_name
    if "Plan: not free" in by_name:
        assert by_name["Plan: not free"].when == {
            "field": "contact.plan",
            "in": ["free"],
            "negate": True,
        }
