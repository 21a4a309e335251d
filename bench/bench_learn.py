"""Learning figures on the public data sets: ``python -m bench learn``.

For each data set present in ../shared/data, stratified 5-fold cross-validation with
seed 0 of the whole training (calibration included), next to the logistic regression
and the frequency naive Bayes baseline; for bank marketing also a time-ordered holdout
(its rows are in time order) and the time to train on all of its 41,188 rows. Then a
60,000-contact demo world: ICP discovery against the hidden profile and the model's
pooled out-of-fold ROC-AUC against the Bayes-optimal one. ``bench_learn demo`` runs one
part. Prints the figures that docs/learning.md records.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from leadflow.demo import generate_world
from leadflow.learn.csv_source import CsvSpec, read_leads_csv
from leadflow.learn.evaluation import (
    MODEL,
    CrossValidation,
    ModelOptions,
    cross_validate,
    evaluate_holdout,
)
from leadflow.learn.icp import discover_icp
from leadflow.learn.leakage import guard_leakage
from leadflow.learn.levels import LevelKind
from leadflow.learn.predictive import compute_threads, train_model
from leadflow.learn.split import SplitKind
from leadflow.learn.table import LeadTable
from leadflow.learn.world_source import read_world_history

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main(argv: list[str]) -> None:
    runs: dict[str, Callable[[], None]] = {
        "x_education": _x_education,
        "bank": _bank,
        "demo": _demo,
    }
    chosen = argv or list(runs)
    print(f"cores: {os.cpu_count()}, load average: {_load()}")
    for name in chosen:
        runs[name]()


def _x_education() -> None:
    path = DATA / "x_education" / "Leads.csv"
    if not path.is_file():
        print(f"x_education: skipped, {path} not found")
        return
    table = read_leads_csv(path, CsvSpec(target="Converted", id="Prospect ID"))
    table, _ = guard_leakage(table, presets=["x_education"])
    print(f"\nx_education/Leads.csv, strict (nine post-outcome columns dropped): {_size(table)}")
    _print_cv(_timed_cv(table))


def _bank() -> None:
    path = DATA / "bank_marketing" / "bank-additional-full.csv"
    if not path.is_file():
        print(f"bank: skipped, {path} not found")
        return
    table = read_leads_csv(path, CsvSpec(target="y"))
    table, _ = guard_leakage(table, presets=["bank_marketing"])
    print(f"\nbank_marketing/bank-additional-full.csv without duration: {_size(table)}")
    _print_cv(_timed_cv(table))
    # The rows are in time order: a time-ordered holdout is the honest deployment test.
    timed = replace(table, decided_at=np.arange(len(table), dtype=np.int64))
    with compute_threads(1):
        _, report = evaluate_holdout(timed, ModelOptions(split=SplitKind.TIME))
    m = report.model
    print(
        f"time-ordered holdout (last 20% of rows): ROC-AUC {m.roc_auc:.4f}  PR-AUC "
        f"{m.pr_auc:.4f}  Brier {m.brier:.4f}  ECE {m.ece:.4f}  "
        f"(test win rate {m.won / m.leads:.1%})"
    )
    for threads in (1, None):
        with compute_threads(threads):
            started = time.perf_counter()
            train_model(table)
            seconds = time.perf_counter() - started
        print(f"train on all {len(table)} rows, threads={threads or 'all'}: {seconds:.1f} s")


def _demo(contacts: int = 60_000, seed: int = 2) -> None:
    """A demo world: ICP against the hidden profile, pooled out-of-fold AUC against Bayes."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        generate_world(folder, contacts=contacts, seed=seed, fmt="parquet")
        generated = time.perf_counter() - started
        truth = json.loads((Path(folder) / "truth.json").read_text())
        # Every closed lead: the population the truth's Bayes-optimal AUC is computed on.
        table = read_world_history(Path(folder), mature_only=False)
    print(f"\ndemo world, {contacts} contacts, seed {seed} ({generated:.0f} s): {_size(table)}")
    report = discover_icp(table)
    top = [f"{f.attribute}={f.level.label}" for f in report.winners[:8]]
    print(f"ICP: strongest winning values: {', '.join(top)}")
    coefficients = truth["win_model"]["coefficients"]
    pairs = [
        (finding.woe, coefficients[p.name][finding.level.values[0]])
        for p in report.attributes
        if p.name in ("industry", "seniority", "channel")
        for finding in p.levels
        if finding.level.kind is LevelKind.VALUES
    ]
    rho = spearmanr([w for w, _ in pairs], [c for _, c in pairs]).statistic
    print(
        f"ICP: Spearman(weight of evidence, hidden coefficient) over {len(pairs)} values: {rho:.3f}"
    )
    predicted = np.zeros(len(table))
    learners = []
    splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    with compute_threads(1):
        for fit, held in splitter.split(np.zeros(len(table)), table.outcome):
            model = train_model(table.take(fit), split=SplitKind.STRATIFIED)
            learners.append(model.learner.value)
            predicted[held] = model.predict_table(table.take(held))
    auc = roc_auc_score(table.outcome, predicted)
    bayes = truth["bayes_optimal_auc"]
    print(
        f"model: pooled out-of-fold ROC-AUC {auc:.4f} vs Bayes-optimal {bayes:.4f} "
        f"(gap {bayes - auc:.4f}); kept {', '.join(learners)}"
    )


def _timed_cv(table: LeadTable) -> tuple[CrossValidation, float]:
    options = ModelOptions(split=SplitKind.STRATIFIED)
    started = time.perf_counter()
    with compute_threads(options.threads):
        cv = cross_validate(table, options, folds=5)
    return cv, time.perf_counter() - started


def _print_cv(result: tuple[CrossValidation, float]) -> None:
    cv, seconds = result
    print(f"stratified 5-fold CV, seed {cv.seed}, {seconds:.0f} s in all (mean over folds);")
    print(f"  the model kept: {', '.join(cv.learners)}")
    print(f"  {'method':<24}{'ROC-AUC':>9}{'PR-AUC':>9}{'Brier':>9}{'ECE':>9}")
    for name, m in cv.methods.items():
        brier = f"{m.brier[0]:9.4f}" if m.brier else f"{'-':>9}"
        ece = f"{m.ece[0]:9.4f}" if m.ece else f"{'-':>9}"
        label = "model (auto)" if name == MODEL else name
        print(f"  {label:<24}{m.roc_auc[0]:9.4f}{m.pr_auc[0]:9.4f}{brier}{ece}")


def _size(table: LeadTable) -> str:
    return f"{len(table)} leads, {table.won} won, {len(table.attributes)} attributes"


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"
