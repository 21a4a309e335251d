from datetime import UTC, datetime

import numpy as np
import pytest

from leadflow.definition.loader import load_definition_text
from leadflow.learn.evaluation import (
    LOGISTIC,
    MODEL,
    NAIVE_BAYES,
    ModelOptions,
    cross_validate,
    evaluate_holdout,
)
from leadflow.learn.fact_paths import definition_fit_scorer
from leadflow.learn.split import SplitKind

from .conftest import Planted

DEFINITION = """
extends: waterfall
name: planted
version: "1"
fit:
  rules:
    - {name: software, points: 60, when: {field: account.industry, in: [software]}}
    - {name: big, points: 40, when: {field: account.employees, range: {min: 200}}}
"""


def test_holdout_report_compares_with_baselines_and_definition(planted: Planted) -> None:
    definition = load_definition_text(DEFINITION, "planted.yaml")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    scorers = {"definition": (definition_fit_scorer(definition, now), False)}
    model, report = evaluate_holdout(planted.table, ModelOptions(), scorers=scorers)
    assert report.split.kind is SplitKind.TIME
    assert (report.train_leads, report.test_leads) == (2400, 600)
    assert set(report.comparisons) == {NAIVE_BAYES, LOGISTIC, "definition"}
    # The hand-written definition encodes the truth, so it ranks nearly as well.
    assert report.comparisons["definition"].roc_auc > report.model.roc_auc - 0.03
    assert report.comparisons["definition"].brier is None
    assert sum(d.leads for d in report.deciles) == 600
    assert sum(b.leads for b in report.calibration) == 600
    assert report.model.brier is not None
    assert report.model.brier < 0.2
    assert len(report.test_probabilities) == 600
    assert model.encoder.names


@pytest.mark.slow
def test_cross_validation_is_reproducible(planted: Planted) -> None:
    small = planted.table.take(np.arange(1200))
    first = cross_validate(small, ModelOptions(split=SplitKind.STRATIFIED), folds=3)
    again = cross_validate(small, ModelOptions(split=SplitKind.STRATIFIED), folds=3)
    assert first.methods[MODEL].roc_auc == again.methods[MODEL].roc_auc
    assert set(first.methods) == {MODEL, NAIVE_BAYES, LOGISTIC}
    assert first.methods[MODEL].roc_auc[0] > 0.7
