"""Attribute values grouped into levels: categories, quantile bins, "not answered", "other".

ICP discovery and the leakage guard both reason per level. A numeric attribute with a
handful of distinct values keeps each value; otherwise it is cut at quantiles. A level
knows the condition that selects it, so a finding can become a fit rule unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from leadflow.learn.table import Attribute, AttributeKind

__all__ = ["Level", "LevelKind", "Levels", "discretise", "holds"]

# Numeric attributes with at most this many distinct values keep one level per value.
_FEW_VALUES = 8


class LevelKind(StrEnum):
    VALUES = "values"  # one or more categories (text)
    RANGE = "range"  # a numeric interval, inclusive, open at the ends
    MISSING = "missing"  # not answered
    OTHER = "other"  # values too rare to judge alone, pooled


@dataclass(frozen=True, slots=True)
class Level:
    label: str
    kind: LevelKind
    values: tuple[str, ...] = ()
    low: float | None = None  # RANGE: inclusive bounds, None = unbounded
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Levels:
    """Each lead's level (``codes``, an index into ``levels``) for one attribute."""

    attribute: Attribute
    levels: tuple[Level, ...]
    codes: npt.NDArray[np.intp]

    def counts(self, outcome: npt.NDArray[np.int8]) -> tuple[npt.NDArray[np.int64], ...]:
        """(leads, won) per level."""
        size = len(self.levels)
        leads = np.bincount(self.codes, minlength=size).astype(np.int64)
        won = np.bincount(self.codes, weights=outcome, minlength=size).astype(np.int64)
        return leads, won


def holds(level: Level, attribute: Attribute) -> npt.NDArray[np.bool_]:
    """Which leads the level's condition selects, read the way a fit rule reads it."""
    missing = attribute.missing
    if level.kind is LevelKind.MISSING:
        return missing
    if level.kind is LevelKind.RANGE:
        numbers = np.where(missing, np.nan, attribute.values.astype(np.float64))
        low = -np.inf if level.low is None else level.low
        high = np.inf if level.high is None else level.high
        return np.asarray((numbers >= low) & (numbers <= high), dtype=np.bool_)
    wanted = {value.casefold() for value in level.values}
    return np.array(
        [value is not None and str(value).casefold() in wanted for value in attribute.values],
        dtype=np.bool_,
    )


def discretise(attribute: Attribute, *, bins: int = 5, min_support: int = 1) -> Levels:
    """Levels of an attribute; categories seen fewer than ``min_support`` times become other."""
    if attribute.kind is AttributeKind.NUMERIC:
        return _numeric(attribute, bins)
    return _categorical(attribute, min_support)


def _categorical(attribute: Attribute, min_support: int) -> Levels:
    missing = attribute.missing
    names, inverse, counts = np.unique(
        attribute.values[~missing].astype(str), return_inverse=True, return_counts=True
    )
    frequent = counts >= min_support
    levels = [Level(str(name), LevelKind.VALUES, values=(str(name),)) for name in names[frequent]]
    # Category index -> level index; rare categories share the "other" level.
    target = np.full(len(names), len(levels), dtype=np.intp)
    target[frequent] = np.arange(len(levels))
    if not frequent.all():
        rare = tuple(str(n) for n in names[~frequent])
        levels.append(Level("other", LevelKind.OTHER, values=rare))
    codes = np.empty(len(missing), dtype=np.intp)
    codes[~missing] = target[inverse]
    return _with_missing(attribute, levels, codes, missing)


def _numeric(attribute: Attribute, bins: int) -> Levels:
    missing = attribute.missing
    numbers = attribute.values.astype(np.float64)
    answered = numbers[~missing]
    distinct = np.unique(answered)
    if len(distinct) <= _FEW_VALUES:
        codes_answered = np.searchsorted(distinct, answered)
        levels = [Level(_number(v), LevelKind.RANGE, low=float(v), high=float(v)) for v in distinct]
    else:
        cuts = np.unique(np.quantile(answered, np.linspace(0, 1, bins + 1)[1:-1]))
        # side="right": a value equal to a cut opens the upper bin. Many equal values (a
        # mass of zeros) leave some bins empty; the bins actually used are renumbered.
        raw_codes = np.searchsorted(cuts, answered, side="right")
        used = np.unique(raw_codes)
        codes_answered = np.searchsorted(used, raw_codes)
        levels = _range_levels(answered, codes_answered, len(used))
    codes = np.empty(len(missing), dtype=np.intp)
    codes[~missing] = codes_answered
    return _with_missing(attribute, levels, codes, missing)


def _range_levels(
    answered: npt.NDArray[np.float64], codes: npt.NDArray[np.intp], size: int
) -> list[Level]:
    """Bins labelled by the values they hold; the outer bins are open-ended."""
    levels = []
    for index in range(size):
        inside = answered[codes == index]
        low = None if index == 0 else float(inside.min())
        high = None if index == size - 1 else float(inside.max())
        levels.append(Level(_range_label(low, high), LevelKind.RANGE, low=low, high=high))
    return levels


def _with_missing(
    attribute: Attribute,
    levels: list[Level],
    codes: npt.NDArray[np.intp],
    missing: npt.NDArray[np.bool_],
) -> Levels:
    if missing.any():
        codes[missing] = len(levels)
        levels.append(Level("not answered", LevelKind.MISSING))
    return Levels(attribute, tuple(levels), codes)


def _range_label(low: float | None, high: float | None) -> str:
    if low is not None and low == high:
        return _number(low)
    if low is None:
        return f"≤ {_number(high)}"
    if high is None:
        return f"≥ {_number(low)}"
    return f"{_number(low)} – {_number(high)}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"
