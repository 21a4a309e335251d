"""Smooth weighted round robin: shares follow capacity, absent reps are never chosen."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from leadflow.domain.round_robin import pick

CAPACITIES = {"r0001": 47, "r0002": 51, "r0003": 33, "r0004": 59, "r0005": 10}


def _run(weights: dict[str, int], rounds: int) -> list[str]:
    state: dict[str, int] = {}
    chosen = []
    for _ in range(rounds):
        result = pick(weights, state)
        state.update(result.state)
        chosen.append(result.chosen)
    return chosen


def test_wins_are_spread_out_not_bunched() -> None:
    assert _run({"a": 5, "b": 1, "c": 1}, 7) == ["a", "a", "b", "a", "c", "a", "a"]


def test_each_full_cycle_gives_every_rep_exactly_its_weight() -> None:
    total = sum(CAPACITIES.values())

    counts = Counter(_run(CAPACITIES, 3 * total))

    assert counts == {rep: 3 * weight for rep, weight in CAPACITIES.items()}


def test_ten_thousand_assignments_follow_capacity_within_two_percent() -> None:
    counts = Counter(_run(CAPACITIES, 10_000))
    total = sum(CAPACITIES.values())

    for rep, weight in CAPACITIES.items():
        assert counts[rep] / 10_000 == pytest.approx(weight / total, abs=0.02)


def test_absent_and_full_reps_are_skipped_and_shares_stay_fair() -> None:
    """10,000 assignments while reps come and go: nobody away is ever chosen, and each
    rep's share matches its weight among the reps available at each assignment."""
    chance = random.Random(7)
    state: dict[str, int] = {}
    counts: Counter[str] = Counter()
    expected: dict[str, float] = dict.fromkeys(CAPACITIES, 0.0)
    away: set[str] = set()
    for round_number in range(10_000):
        if round_number % 250 == 0:  # absences and full queues change now and then
            away = {rep for rep in CAPACITIES if chance.random() < 0.25}
            if away == set(CAPACITIES):
                away = set()
        available = {rep: w for rep, w in CAPACITIES.items() if rep not in away}
        result = pick(available, state)
        state.update(result.state)
        assert result.chosen not in away
        counts[result.chosen] += 1
        total = sum(available.values())
        for rep, weight in available.items():
            expected[rep] += weight / total

    for rep in CAPACITIES:
        assert counts[rep] / 10_000 == pytest.approx(expected[rep] / 10_000, abs=0.02)


def test_a_rep_left_out_keeps_its_place() -> None:
    state = {"a": 3, "b": -3}

    result = pick({"b": 1, "c": 1}, state)

    assert "a" not in result.state
    assert result.chosen == "c"  # b had given up its turn already


def test_ties_go_to_the_smallest_key_so_the_order_is_reproducible() -> None:
    assert pick({"b": 1, "a": 1}, {}).chosen == "a"


@pytest.mark.parametrize("weights", [{}, {"a": 0}, {"a": 2, "b": -1}])
def test_nobody_or_a_non_positive_weight_is_refused(weights: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"nobody|positive"):
        pick(weights, {})
