"""Smooth weighted round robin: fair shares by capacity, in a steady, predictable order.

Each candidate has a weight (its capacity) and a running ``current`` value. To pick:
every eligible candidate's current grows by its weight, the largest current wins (ties:
the smallest key, so the order is deterministic), and the winner's current drops by
the total weight of the round. Over any stretch where the eligible set stays the same,
a candidate of weight w out of W wins exactly w of every W picks, and the wins are
spread out (weights 5, 1, 1 give a a b a c a a, not a a a a a b c): the scheme nginx
uses to balance upstream servers.

The state is a mapping key -> current value that the caller persists between picks.
Candidates left out of a pick (absent, full) keep their value untouched, so they
neither gain a backlog while away nor lose their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Pick", "pick"]


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen key and the state after the pick (only the candidates' entries)."""

    chosen: str
    state: dict[str, int]


def pick(weights: Mapping[str, int], state: Mapping[str, int]) -> Pick:
    """Choose among ``weights`` (key -> positive weight) given the persisted ``state``."""
    if not weights:
        raise ValueError("nobody to choose from")
    if any(weight <= 0 for weight in weights.values()):
        raise ValueError("round-robin weights must be positive")
    total = sum(weights.values())
    current = {key: state.get(key, 0) + weight for key, weight in weights.items()}
    chosen = min(current, key=lambda key: (-current[key], key))
    current[chosen] -= total
    return Pick(chosen, current)
