"""How good a score is: ranking (ROC-AUC, PR-AUC), probability quality (Brier, ECE) and use.

ROC-AUC says how often a won lead outranks a lost one; PR-AUC how precise the top of the
list is when wins are rare; the Brier score is the mean squared error of the probability;
the expected calibration error (ECE) is the average gap, weighted by leads, between the
predicted and the observed win rate over ten equal-width probability bins. Lift by decile
is what a sales team feels: the win rate of the best-scored tenth against the average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = [
    "CalibrationBin",
    "DecileLift",
    "Scores",
    "calibration_table",
    "expected_calibration_error",
    "lift_by_decile",
    "score_metrics",
]

Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Scores:
    roc_auc: float
    pr_auc: float
    brier: float | None  # None for a score that is not a probability (fit points)
    ece: float | None
    leads: int
    won: int


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    leads: int
    predicted: float  # mean predicted probability in the bin
    observed: float  # win rate in the bin


@dataclass(frozen=True, slots=True)
class DecileLift:
    decile: int  # 1 = the best-scored tenth
    leads: int
    won: int
    rate: float
    lift: float
    cumulative_share_of_wins: float


def score_metrics(
    outcome: npt.NDArray[np.int8], score: Probabilities, *, probability: bool = True
) -> Scores:
    return Scores(
        roc_auc=float(roc_auc_score(outcome, score)),
        pr_auc=float(average_precision_score(outcome, score)),
        brier=float(brier_score_loss(outcome, score)) if probability else None,
        ece=expected_calibration_error(outcome, score) if probability else None,
        leads=len(outcome),
        won=int(outcome.sum()),
    )


def calibration_table(
    outcome: npt.NDArray[np.int8], probability: Probabilities, bins: int = 10
) -> tuple[CalibrationBin, ...]:
    """Equal-width probability bins that hold at least one lead."""
    index = np.minimum((probability * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        if inside.any():
            rows.append(
                CalibrationBin(
                    low=b / bins,
                    high=(b + 1) / bins,
                    leads=int(inside.sum()),
                    predicted=float(probability[inside].mean()),
                    observed=float(outcome[inside].mean()),
                )
            )
    return tuple(rows)


def expected_calibration_error(
    outcome: npt.NDArray[np.int8], probability: Probabilities, bins: int = 10
) -> float:
    table = calibration_table(outcome, probability, bins)
    total = sum(b.leads for b in table)
    return float(sum(b.leads * abs(b.predicted - b.observed) for b in table) / total)


def lift_by_decile(outcome: npt.NDArray[np.int8], score: Probabilities) -> tuple[DecileLift, ...]:
    """Leads ranked by score (ties in a stable order) and cut into ten equal groups."""
    order = np.argsort(-score, kind="stable")
    base = float(outcome.mean())
    total_won = max(int(outcome.sum()), 1)
    deciles, seen = [], 0
    for number, rows in enumerate(np.array_split(order, 10), start=1):
        if not len(rows):
            continue
        won = int(outcome[rows].sum())
        seen += won
        rate = won / len(rows)
        deciles.append(
            DecileLift(number, len(rows), won, rate, rate / base if base else 0.0, seen / total_won)
        )
    return tuple(deciles)
