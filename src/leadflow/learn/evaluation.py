"""Judging a model honestly: one holdout report, or stratified k-fold cross-validation.

``evaluate_holdout`` trains on the earlier leads and reports on the held-out latest ones
(time-ordered when there are decision times): ROC-AUC, PR-AUC, Brier, ECE, the
calibration table, lift by decile, and the same figures for the comparisons (the
frequency naive Bayes baseline, a logistic regression, and any extra scorer such as the
definition's own fit score). ``cross_validate`` repeats the whole training, calibration
included, on k stratified folds with a fixed seed, which is how reference figures are
reproduced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import StratifiedKFold

from leadflow.learn.baseline import fit_frequency_bayes
from leadflow.learn.metrics import (
    CalibrationBin,
    DecileLift,
    Scores,
    calibration_table,
    lift_by_decile,
    score_metrics,
)
from leadflow.learn.predictive import (
    Calibration,
    Learner,
    ScoringModel,
    train_model,
)
from leadflow.learn.split import Holdout, SplitKind, holdout
from leadflow.learn.table import LeadTable

__all__ = [
    "CrossValidation",
    "HoldoutReport",
    "MethodFigures",
    "ModelOptions",
    "cross_validate",
    "evaluate_holdout",
]

# A scorer turns leads into scores (higher = more likely to win); ``probability`` says
# whether those scores are probabilities (Brier and ECE make sense) or points.
Scorer = Callable[[LeadTable], npt.NDArray[np.float64]]

MODEL = "model"
NAIVE_BAYES = "frequency naive Bayes"
LOGISTIC = "logistic regression"


@dataclass(frozen=True, slots=True)
class ModelOptions:
    learner: Learner = Learner.AUTO
    calibration: Calibration = Calibration.AUTO
    split: SplitKind | None = None  # None: time-ordered when decision times exist
    test_fraction: float = 0.2
    seed: int = 0
    # OpenMP threads for training and scoring; None = all cores. One by default: on a
    # shared 2-core machine spinning threads made training 10x slower (docs/learning.md).
    threads: int | None = 1


@dataclass(frozen=True, slots=True)
class HoldoutReport:
    split: Holdout
    train_leads: int
    test_leads: int
    model: Scores
    calibration: tuple[CalibrationBin, ...]
    deciles: tuple[DecileLift, ...]
    comparisons: Mapping[str, Scores]
    seconds: float  # training time of the model
    test_probabilities: npt.NDArray[np.float64] = field(repr=False)
    test_outcome: npt.NDArray[np.int8] = field(repr=False)


def evaluate_holdout(
    table: LeadTable,
    options: ModelOptions,
    *,
    scorers: Mapping[str, tuple[Scorer, bool]] | None = None,
) -> tuple[ScoringModel, HoldoutReport]:
    """Train on the training side, report on the test side; returns that model."""
    split = holdout(table, fraction=options.test_fraction, kind=options.split, seed=options.seed)
    train, test = table.take(split.train), table.take(split.test)
    started = time.perf_counter()
    model = _train(train, options)
    seconds = time.perf_counter() - started
    probabilities = model.predict_table(test)
    comparisons = {
        name: score_metrics(test.outcome, scores, probability=is_probability)
        for name, (scores, is_probability) in _comparisons(train, test, options, scorers).items()
    }
    report = HoldoutReport(
        split=split,
        train_leads=len(train),
        test_leads=len(test),
        model=score_metrics(test.outcome, probabilities),
        calibration=calibration_table(test.outcome, probabilities),
        deciles=lift_by_decile(test.outcome, probabilities),
        comparisons=comparisons,
        seconds=seconds,
        test_probabilities=probabilities,
        test_outcome=test.outcome,
    )
    return model, report


@dataclass(frozen=True, slots=True)
class MethodFigures:
    """One method's figures over the folds: mean and standard deviation."""

    roc_auc: tuple[float, float]
    pr_auc: tuple[float, float]
    brier: tuple[float, float] | None
    ece: tuple[float, float] | None
    seconds: float  # mean training time per fold


@dataclass(frozen=True, slots=True)
class CrossValidation:
    folds: int
    seed: int
    leads: int
    won: int
    methods: Mapping[str, MethodFigures]
    learners: tuple[str, ...] = ()  # the learner the model kept in each fold


def cross_validate(
    table: LeadTable,
    options: ModelOptions,
    *,
    folds: int = 5,
    scorers: Mapping[str, tuple[Scorer, bool]] | None = None,
) -> CrossValidation:
    """Stratified k-fold CV of the model and its comparisons, seeded."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=options.seed)
    runs: dict[str, list[tuple[Scores, float]]] = {}
    learners = []
    for fit_rows, test_rows in splitter.split(np.zeros(len(table)), table.outcome):
        train, test = table.take(fit_rows), table.take(test_rows)
        started = time.perf_counter()
        model = _train(train, options)
        seconds = time.perf_counter() - started
        learners.append(model.learner.value)
        figures = score_metrics(test.outcome, model.predict_table(test))
        runs.setdefault(MODEL, []).append((figures, seconds))
        for name, (scores, is_probability) in _comparisons(train, test, options, scorers).items():
            runs.setdefault(name, []).append(
                (score_metrics(test.outcome, scores, probability=is_probability), 0.0)
            )
    return CrossValidation(
        folds=folds,
        seed=options.seed,
        leads=len(table),
        won=table.won,
        methods={name: _summary(results) for name, results in runs.items()},
        learners=tuple(learners),
    )


def _train(train: LeadTable, options: ModelOptions) -> ScoringModel:
    # Calibration slices follow the same rule as the holdout: the latest leads when timed.
    return train_model(
        train,
        learner=options.learner,
        calibration=options.calibration,
        split=options.split,
        seed=options.seed,
    )


def _comparisons(
    train: LeadTable,
    test: LeadTable,
    options: ModelOptions,
    scorers: Mapping[str, tuple[Scorer, bool]] | None,
) -> dict[str, tuple[npt.NDArray[np.float64], bool]]:
    found: dict[str, tuple[npt.NDArray[np.float64], bool]] = {}
    bayes = fit_frequency_bayes(train)
    if bayes is not None:
        found[NAIVE_BAYES] = (bayes.predict_table(test), True)
    if options.learner is not Learner.LOGISTIC:
        logistic = train_model(train, learner=Learner.LOGISTIC, seed=options.seed)
        found[LOGISTIC] = (logistic.predict_table(test), True)
    for name, (scorer, is_probability) in (scorers or {}).items():
        found[name] = (scorer(test), is_probability)
    return found


def _summary(results: list[tuple[Scores, float]]) -> MethodFigures:
    def spread(values: list[float]) -> tuple[float, float]:
        return float(np.mean(values)), float(np.std(values))

    scores = [s for s, _ in results]
    briers = [s.brier for s in scores if s.brier is not None]
    eces = [s.ece for s in scores if s.ece is not None]
    return MethodFigures(
        roc_auc=spread([s.roc_auc for s in scores]),
        pr_auc=spread([s.pr_auc for s in scores]),
        brier=spread(briers) if briers else None,
        ece=spread(eces) if eces else None,
        seconds=float(np.mean([t for _, t in results])),
    )
