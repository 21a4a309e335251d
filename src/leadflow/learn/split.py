"""Holdouts: which leads a model learns from and which it is judged on.

With decision times the holdout is *time-ordered*: the model learns from the earlier
leads and is judged on the latest ones, as it will be used. Leads decided at the very
moment the test period starts go to the test side, so no training lead is decided at or
after any test lead. Without times the split is stratified (same win rate both sides).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import train_test_split

from leadflow.learn.errors import LearnInputError
from leadflow.learn.table import LeadTable

__all__ = ["Holdout", "SplitKind", "holdout"]

Rows = npt.NDArray[np.intp]


class SplitKind(StrEnum):
    TIME = "time"
    STRATIFIED = "stratified"


@dataclass(frozen=True, slots=True)
class Holdout:
    kind: SplitKind
    train: Rows
    test: Rows
    # TIME: the decision moment (epoch seconds) where the test period starts.
    cutoff: int | None = None


def holdout(
    table: LeadTable,
    *,
    fraction: float = 0.2,
    kind: SplitKind | None = None,
    seed: int = 0,
    purpose: str = "test",
) -> Holdout:
    """Split off ``fraction`` of the leads; time-ordered when the table has decision times."""
    if kind is None:
        kind = SplitKind.STRATIFIED if table.decided_at is None else SplitKind.TIME
    if kind is SplitKind.TIME:
        split = _time_ordered(table, fraction)
    else:
        split = _stratified(table, fraction, seed)
    for side, rows in (("training", split.train), (purpose, split.test)):
        won = int(table.outcome[rows].sum())
        if won == 0 or won == len(rows):
            raise LearnInputError(
                f"the {kind.value} {purpose} split leaves the {side} side with only "
                f"{'lost' if won == 0 else 'won'} leads; use more data or --split stratified"
            )
    return split


def _time_ordered(table: LeadTable, fraction: float) -> Holdout:
    if table.decided_at is None:
        raise LearnInputError("a time-ordered split needs a time column (--time)")
    moments = table.decided_at
    order = np.argsort(moments, kind="stable")
    first_test = len(order) - max(1, math.ceil(fraction * len(order)))
    cutoff = int(moments[order[first_test]])
    train = order[moments[order] < cutoff]
    test = order[moments[order] >= cutoff]
    if not len(train):
        raise LearnInputError("every lead has the same decision time; a time split is impossible")
    return Holdout(SplitKind.TIME, train.astype(np.intp), test.astype(np.intp), cutoff)


def _stratified(table: LeadTable, fraction: float, seed: int) -> Holdout:
    rows = np.arange(len(table))
    try:
        train, test = train_test_split(
            rows, test_size=fraction, stratify=table.outcome, random_state=seed
        )
    except ValueError as error:
        raise LearnInputError(f"cannot hold out {fraction:.0%} of the leads: {error}") from None
    return Holdout(SplitKind.STRATIFIED, np.sort(train), np.sort(test))
