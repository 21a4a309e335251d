"""The order of the stage rows in a back-test summary."""

from __future__ import annotations

from leadflow.analytics.backtest import stage_order


def test_a_stage_only_the_candidate_has_stands_where_the_candidate_puts_it() -> None:
    active = ("subscriber", "lead", "mql", "sql")
    candidate = ("subscriber", "lead", "engaged", "mql", "sql")
    assert stage_order(active, candidate) == list(candidate)


def test_a_stage_the_candidate_dropped_stays_after_its_predecessor() -> None:
    active = ("subscriber", "lead", "nurture", "mql", "sql")
    candidate = ("subscriber", "lead", "engaged", "mql", "sql")
    assert stage_order(active, candidate) == [
        "subscriber",
        "lead",
        "nurture",
        "engaged",
        "mql",
        "sql",
    ]


def test_a_dropped_first_stage_leads() -> None:
    assert stage_order(("visitor", "lead"), ("lead", "mql")) == ["visitor", "lead", "mql"]
