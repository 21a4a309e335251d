"""The three learning runs behind ``leadflow learn``: icp, model and evaluate.

Each takes a ``LeadTable`` (already read, with declared columns dropped), does the
leakage and data-size checks that apply, and returns everything a caller prints or
saves. The CLI stays a thin layer of option parsing around these functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import AssetsConfig, Definition
from leadflow.learn.artifact import SavedModel, save_model
from leadflow.learn.drift import population
from leadflow.learn.evaluation import (
    CrossValidation,
    HoldoutReport,
    ModelOptions,
    Scorer,
    cross_validate,
    evaluate_holdout,
)
from leadflow.learn.explain import Explanation, explain
from leadflow.learn.fact_paths import definition_fit_scorer
from leadflow.learn.icp import IcpReport, discover_icp
from leadflow.learn.leakage import LeakageScan, guard_leakage
from leadflow.learn.plot import plot_calibration
from leadflow.learn.predictive import (
    DataSize,
    Learner,
    ScoringModel,
    assess_size,
    compute_threads,
    train_model,
)
from leadflow.learn.proposal import ProposedRule, patch_yaml, propose_fit_rules, propose_grades
from leadflow.learn.report import Section, icp_sections, model_sections, to_markdown
from leadflow.learn.scoring import activity_card
from leadflow.learn.table import LeadTable

__all__ = [
    "IcpOptions",
    "IcpRun",
    "ModelRun",
    "evaluate_model",
    "no_proposal",
    "run_icp",
    "train_and_save",
]


@dataclass(frozen=True, slots=True)
class IcpOptions:
    min_support: int | None = None
    bins: int = 5
    confidence: float = 0.95
    max_rules: int = 12


@dataclass(frozen=True, slots=True)
class IcpRun:
    report: IcpReport
    rules: tuple[ProposedRule, ...]
    sections: list[Section]
    # None when no rule is proposed: a patch of none would replace every fit rule.
    patch: str | None
    proposed: Definition | None  # the patch, loaded: proof that it validates


def run_icp(
    table: LeadTable,
    options: IcpOptions,
    *,
    source: str,
    definition: Definition | None,
    extends: str,
    now: datetime,
    patch_path: Path | None = None,
) -> IcpRun:
    """ICP discovery and the proposed fit rules, as a patch extending ``extends``.

    The patch is loaded back (relative ``extends`` resolve next to ``patch_path``) and
    scores the very leads it was learned from: an in-sample back-test, optimistic by
    construction, but enough to see the grades it would give.
    """
    report = discover_icp(
        table, min_support=options.min_support, bins=options.bins, confidence=options.confidence
    )
    rules = propose_fit_rules(report, table, max_rules=options.max_rules)
    if not rules:
        sections = icp_sections(report, rules, source=source, no_rules=no_proposal(definition))
        return IcpRun(report, rules, sections, None, None)

    def patch_with(grades: dict[str, int] | None) -> str:
        return patch_yaml(
            rules,
            report,
            extends=extends,
            name=definition.name if definition else "learned-icp",
            version=f"{definition.version if definition else '0'}-icp-{now.astimezone(UTC):%Y%m%d}",
            replaced=[r.name for r in definition.fit.rules] if definition else [],
            source=source,
            now=now.astimezone(UTC),
            grades=grades,
        )

    where = str(patch_path or "proposed-fit.yaml")
    scorer = definition_fit_scorer(load_definition_text(patch_with(None), where), now)
    grades = propose_grades(scorer(table)) if rules else None
    patch = patch_with(grades)
    proposed = load_definition_text(patch, where)
    sections = icp_sections(report, rules, source=source)
    sections.append(_backtest(table, proposed, definition, now))
    return IcpRun(report, rules, sections, patch, proposed)


def no_proposal(definition: Definition | None) -> str:
    """Why no patch: fit rules replace the base's whole, so an empty list would erase them."""
    text = (
        "none: no value of a contact., account., source. or consent. attribute wins or "
        "loses with enough support and confidence, so no patch is proposed"
    )
    if definition is None:
        return text
    count = len(definition.fit.rules)
    return f"{text}; the {count} fit rules of {definition.name} stand"


def _backtest(
    table: LeadTable, proposed: Definition, current: Definition | None, now: datetime
) -> Section:
    scores = definition_fit_scorer(proposed, now)(table)
    auc = roc_auc_score(table.outcome, scores)
    text = f"the proposed fit score ranks these leads with ROC-AUC {auc:.3f} (in-sample)"
    if current is not None:
        before = roc_auc_score(table.outcome, definition_fit_scorer(current, now)(table))
        text += f"; the current definition's fit score: {before:.3f}"
    rows = []
    for grade, low, high in _grade_bands(proposed):
        inside = (scores >= low) & (scores < high)
        rate = f"{table.outcome[inside].mean():.1%}" if inside.any() else "–"
        rows.append((grade, f"{low:g}–{min(high, 100):g}", str(int(inside.sum())), rate))
    return Section(
        "Back-test of the proposal", ("grade", "fit score", "leads", "win rate"), tuple(rows), text
    )


def _grade_bands(definition: Definition) -> list[tuple[str, float, float]]:
    bands, upper = [], math.inf
    for grade, minimum in definition.fit.grade_cutoffs:
        bands.append((grade.value, minimum, upper))
        upper = minimum
    bands.append(("D", 0.0, upper))
    return bands


@dataclass(frozen=True, slots=True)
class ModelRun:
    """A trained and saved model, or (with too little data) only the reason why not."""

    size: DataSize
    scan: LeakageScan | None
    report: HoldoutReport | None
    saved: SavedModel | None
    sections: list[Section]


def train_and_save(
    table: LeadTable,
    options: ModelOptions,
    *,
    out: Path,
    source: str,
    now: datetime,
    presets: Sequence[str] = (),
    allow_leaky: Sequence[str] = (),
    definition: Definition | None = None,
    refit: bool = False,
    examples: int = 5,
    assets: AssetsConfig | None = None,
) -> ModelRun:
    """Guard, size-check, train, judge on the holdout, and save the next model version.

    ``assets``: the product-specific globs the table's activity was counted with (None:
    the default preset's); the card records them, so live scoring counts alike."""
    table, scan = guard_leakage(table, presets=presets, allowed=allow_leaky, seed=options.seed)
    size = assess_size(table)
    if size.learner is None:
        return ModelRun(size, scan, None, None, [])
    options = _with_learner(options, size)
    with compute_threads(options.threads):
        model, report = evaluate_holdout(table, options, scorers=_scorers(definition, now))
        explanations = _examples(model, table.take(report.split.test), report, examples)
        if refit:
            model = _refit(table, options)
    notes = [*table.notes, *([size.message] if size.message else [])]
    if refit:
        notes.append("refitted on every lead after judging; the figures are the holdout's")
    sections = model_sections(
        report,
        learner=model.learner.value,
        calibration=model.calibration.value,
        scan=scan,
        notes=notes,
        explanations=explanations,
    )
    card = _card(table, report, options, source=source, notes=notes, scan=scan, refit=refit)
    card["activity"] = activity_card(assets)
    learned_on = table if refit else table.take(report.split.train)
    card["population"] = population(model.encoder, model.encoder.encode(learned_on))
    saved = save_model(out, model, card, now=now)
    plot_calibration(report.calibration, report.test_probabilities, saved.path / "calibration.png")
    (saved.path / "report.md").write_text(to_markdown(f"Model v{saved.version}", sections))
    return ModelRun(size, scan, report, saved, sections)


def evaluate_model(
    table: LeadTable,
    options: ModelOptions,
    *,
    folds: int,
    presets: Sequence[str] = (),
    allow_leaky: Sequence[str] = (),
    definition: Definition | None = None,
    now: datetime,
) -> tuple[DataSize, CrossValidation | None]:
    """Stratified k-fold cross-validation of the whole training, leakage guard first."""
    table, _ = guard_leakage(table, presets=presets, allowed=allow_leaky, seed=options.seed)
    size = assess_size(table)
    if size.learner is None:
        return size, None
    options = _with_learner(options, size)
    folds = min(folds, size.minority)
    with compute_threads(options.threads):
        result = cross_validate(table, options, folds=folds, scorers=_scorers(definition, now))
    return size, result


def _with_learner(options: ModelOptions, size: DataSize) -> ModelOptions:
    """Small data imposes the logistic regression; otherwise the user's choice stands."""
    if size.learner is Learner.LOGISTIC:
        return replace(options, learner=Learner.LOGISTIC)
    return options


def _scorers(definition: Definition | None, now: datetime) -> Mapping[str, tuple[Scorer, bool]]:
    if definition is None:
        return {}
    label = f"definition fit score ({definition.name} {definition.version})"
    return {label: (definition_fit_scorer(definition, now), False)}


def _refit(table: LeadTable, options: ModelOptions) -> ScoringModel:
    return train_model(
        table,
        learner=options.learner,
        calibration=options.calibration,
        split=options.split,
        seed=options.seed,
    )


def _examples(
    model: ScoringModel, test: LeadTable, report: HoldoutReport, count: int
) -> list[Explanation]:
    """The best-scored held-out leads and the worst, explained."""
    if count <= 0:
        return []
    order = np.argsort(-report.test_probabilities, kind="stable")
    best = count - count // 2
    rows = np.unique(np.concatenate([order[:best], order[len(order) - count // 2 :]]))
    rows = rows[np.argsort(-report.test_probabilities[rows], kind="stable")]
    chosen = test.take(rows)
    return explain(model, model.encoder.encode(chosen), [str(i) for i in chosen.ids])


def _card(
    table: LeadTable,
    report: HoldoutReport,
    options: ModelOptions,
    *,
    source: str,
    notes: Sequence[str],
    scan: LeakageScan,
    refit: bool,
) -> dict[str, Any]:
    train_rows = report.split.train
    return {
        "training": {
            "source": source,
            "leads": report.test_leads + report.train_leads if refit else report.train_leads,
            "won": table.won if refit else int(table.outcome[train_rows].sum()),
            "window": _window(table, None if refit else train_rows),
            "refit_on_all_leads": refit,
            "split": report.split.kind.value,
            "test_leads": report.test_leads,
            "test_from": _instant(report.split.cutoff),
            "seed": options.seed,
            "seconds": round(report.seconds, 2),
        },
        "metrics": {
            "holdout": report.model,
            "comparisons": dict(report.comparisons),
        },
        "leakage": {
            "single_feature_auc": {s.attribute: round(s.auc, 4) for s in scan.scores},
            "allowed_despite_flag": [s.attribute for s in scan.flagged],
        },
        "notes": list(notes),
    }


def _window(table: LeadTable, rows: Any) -> dict[str, str | None] | None:
    if table.decided_at is None:
        return None
    moments = table.decided_at if rows is None else table.decided_at[rows]
    return {"from": _instant(int(moments.min())), "to": _instant(int(moments.max()))}


def _instant(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
