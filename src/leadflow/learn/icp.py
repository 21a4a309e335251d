"""ICP discovery: which attribute values close more (or less) often than the average lead.

For every attribute and level (category, quantile bin, "not answered") the report gives
the win rate, the lift over the base rate, the support (leads) and a Wilson score
interval. Values seen fewer than ``min_support`` times are pooled into "other" and never
reported as findings: a 3-of-4 win rate says nothing. A level is a *finding* when it
differs from the base rate after controlling the false discovery rate over every level
tested (Benjamini-Hochberg on the score test's p-values, at 1 - confidence), so a table
with many attributes and values does not produce findings by chance. The score test is
the one the Wilson interval inverts: a finding's interval always excludes the base rate.

Attributes under ``sales.`` (the rep a lead went to) describe the seller, not the lead:
they are left out of ICP discovery, though the predictive model may use them.

Findings are ranked by their *conservative lift*: the interval bound nearest to the base
rate divided by it, i.e. "wins at least this many times as often, at that confidence".
Attributes are ranked by information value (the credit-scoring sum of weight of evidence
times the won/lost share difference), which is how strongly the attribute as a whole
separates won from lost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from leadflow.learn.levels import Level, LevelKind, Levels, discretise
from leadflow.learn.table import AttributeKind, LeadTable

__all__ = [
    "AttributeProfile",
    "Finding",
    "IcpReport",
    "default_min_support",
    "discover_icp",
    "wilson_interval",
]

# Added to won and lost counts before taking log-odds, so a level with no wins is finite.
_SMOOTHING = 0.5
_SELLER = "sales."


@dataclass(frozen=True, slots=True)
class Finding:
    """One attribute level against the base rate."""

    attribute: str
    path: str
    level: Level
    leads: int
    won: int
    rate: float
    lift: float
    low: float  # Wilson interval of the win rate, at the report's confidence
    high: float
    woe: float  # weight of evidence: log-odds of the level minus log-odds of the base rate
    strength: float  # log of the conservative lift; 0 when not a finding
    significant: bool

    @property
    def positive(self) -> bool:
        return self.significant and self.strength > 0


@dataclass(frozen=True, slots=True)
class AttributeProfile:
    name: str
    path: str
    kind: AttributeKind
    information_value: float
    levels: tuple[Finding, ...]  # every level with enough support, in level order
    pooled_leads: int  # leads whose value was too rare, pooled into "other"
    pooled_values: int


@dataclass(frozen=True, slots=True)
class IcpReport:
    leads: int
    won: int
    base_rate: float
    min_support: int
    confidence: float
    attributes: tuple[AttributeProfile, ...]  # by information value, highest first
    findings: tuple[Finding, ...]  # significant levels: winners by strength, then losers
    notes: tuple[str, ...] = ()

    @property
    def winners(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.strength > 0)

    @property
    def losers(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.strength < 0)


def default_min_support(leads: int) -> int:
    """30 leads, or 1% of them on large tables, before a value is judged on its own."""
    return max(30, math.ceil(0.01 * leads))


def wilson_interval(
    won: npt.ArrayLike, leads: npt.ArrayLike, confidence: float = 0.95
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wilson score interval of a proportion ``won / leads`` (vectorised).

    Unlike the normal approximation it stays inside [0, 1] and behaves at 0 and n wins.
    """
    k = np.asarray(won, dtype=np.float64)
    n = np.asarray(leads, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def discover_icp(
    table: LeadTable,
    *,
    min_support: int | None = None,
    bins: int = 5,
    confidence: float = 0.95,
) -> IcpReport:
    """Profile every attribute of ``table`` against its base rate."""
    if not table.won or not table.lost:
        raise ValueError("ICP discovery needs both won and lost leads")
    support = min_support or default_min_support(len(table))
    persona = [a for a in table.attributes if not a.path.startswith(_SELLER)]
    levels = [discretise(a, bins=bins, min_support=support) for a in persona]
    cutoff = _discovery_cutoff(levels, table, support, 1 - confidence)
    profiles = [_profile(lv, table, support, confidence, cutoff) for lv in levels]
    profiles.sort(key=lambda p: -p.information_value)
    return IcpReport(
        leads=len(table),
        won=table.won,
        base_rate=table.base_rate,
        min_support=support,
        confidence=confidence,
        attributes=tuple(profiles),
        findings=_ranked(profiles),
        notes=table.notes,
    )


def _p_values(
    won: npt.NDArray[np.int64], leads: npt.NDArray[np.int64], base: float
) -> npt.NDArray[np.float64]:
    """Two-sided score test of "this level wins at the base rate" (normal approximation)."""
    n = np.maximum(leads, 1).astype(np.float64)
    z = np.abs(won - n * base) / np.sqrt(n * base * (1 - base))
    normal = NormalDist()
    return np.array([2 * (1 - normal.cdf(float(v))) for v in z], dtype=np.float64)


def _discovery_cutoff(levels: list[Levels], table: LeadTable, support: int, rate: float) -> float:
    """Benjamini-Hochberg: the largest p-value still a discovery at false-discovery ``rate``."""
    found: list[float] = []
    for lv in levels:
        leads, won = lv.counts(table.outcome)
        judged = np.array(
            [level.kind is not LevelKind.OTHER for level in lv.levels], dtype=bool
        ) & (leads >= support)
        found += _p_values(won[judged], leads[judged], table.base_rate).tolist()
    ranked = np.sort(np.array(found))
    passing = ranked <= rate * np.arange(1, len(ranked) + 1) / max(len(ranked), 1)
    return float(ranked[np.flatnonzero(passing).max()]) if passing.any() else -1.0


def _profile(
    levels: Levels, table: LeadTable, support: int, confidence: float, cutoff: float
) -> AttributeProfile:
    leads, won = levels.counts(table.outcome)
    base = table.base_rate
    low, high = wilson_interval(won, np.maximum(leads, 1), confidence)
    discovered = _p_values(won, leads, base) <= cutoff
    woe = _woe(won, leads, table.won, table.lost)
    findings, pooled_leads, pooled_values = [], 0, 0
    for i, level in enumerate(levels.levels):
        if level.kind is LevelKind.OTHER or leads[i] < support:
            pooled_leads += int(leads[i])
            pooled_values += max(len(level.values), 1)
            continue
        strength = _strength(base, float(low[i]), float(high[i])) if discovered[i] else 0.0
        findings.append(
            Finding(
                attribute=levels.attribute.name,
                path=levels.attribute.path,
                level=level,
                leads=int(leads[i]),
                won=int(won[i]),
                rate=float(won[i] / leads[i]),
                lift=float(won[i] / leads[i] / base),
                low=float(low[i]),
                high=float(high[i]),
                woe=float(woe[i]),
                strength=strength,
                significant=strength != 0.0,
            )
        )
    return AttributeProfile(
        name=levels.attribute.name,
        path=levels.attribute.path,
        kind=levels.attribute.kind,
        information_value=_information_value(won, leads, table.won, table.lost),
        levels=tuple(findings),
        pooled_leads=pooled_leads,
        pooled_values=pooled_values,
    )


def _strength(base: float, low: float, high: float) -> float:
    """log(conservative lift): the interval bound nearest the base rate, over it."""
    if low > base:
        return math.log(low / base)
    if high < base:
        return math.log(max(high, 1e-9) / base)
    return 0.0


def _woe(
    won: npt.NDArray[np.int64], leads: npt.NDArray[np.int64], total_won: int, total_lost: int
) -> npt.NDArray[np.float64]:
    lost = leads - won
    level_odds = np.log((won + _SMOOTHING) / (lost + _SMOOTHING))
    return np.asarray(level_odds - math.log(total_won / total_lost), dtype=np.float64)


def _information_value(
    won: npt.NDArray[np.int64], leads: npt.NDArray[np.int64], total_won: int, total_lost: int
) -> float:
    won_share = (won + _SMOOTHING) / (total_won + _SMOOTHING * len(won))
    lost_share = (leads - won + _SMOOTHING) / (total_lost + _SMOOTHING * len(won))
    return float(np.sum((won_share - lost_share) * np.log(won_share / lost_share)))


def _ranked(profiles: list[AttributeProfile]) -> tuple[Finding, ...]:
    found = [f for p in profiles for f in p.levels if f.significant]
    winners = sorted((f for f in found if f.strength > 0), key=lambda f: -f.strength)
    losers = sorted((f for f in found if f.strength < 0), key=lambda f: f.strength)
    return (*winners, *losers)
