"""``row_scorer``: one row without scikit-learn's overhead, the same probability as predict."""

from __future__ import annotations

import numpy as np
import pytest

from leadflow.learn.predictive import Calibration, Learner, ScoringModel, train_model
from leadflow.learn.single_row import row_scorer
from leadflow.learn.table import AttributeKind
from tests.unit.learn.live_model import live_leads

SHAPES = [
    (Learner.LOGISTIC, Calibration.NONE),
    (Learner.LOGISTIC, Calibration.SIGMOID),
    (Learner.LOGISTIC, Calibration.ISOTONIC),
    (Learner.BOOSTING, Calibration.NONE),
    (Learner.BOOSTING, Calibration.SIGMOID),
    (Learner.BOOSTING, Calibration.ISOTONIC),
]


@pytest.fixture(scope="module", params=SHAPES, ids=lambda shape: f"{shape[0]}-{shape[1]}")
def model(request: pytest.FixtureRequest) -> ScoringModel:
    learner, calibration = request.param
    return train_model(live_leads(size=800, seed=3), learner=learner, calibration=calibration)


def _rows(model: ScoringModel, size: int, seed: int) -> np.ndarray:
    """Training-like rows, with missing values, unseen and negative codes, and numbers
    outside the training range mixed in."""
    rng = np.random.default_rng(seed)
    table = live_leads(size=size, seed=seed + 100)
    matrix = model.encoder.encode(table)
    for column, spec in enumerate(model.encoder.features):
        hole = rng.uniform(size=size) < 0.1
        matrix[hole, column] = np.nan
        odd = rng.uniform(size=size) < 0.05
        if spec.kind is AttributeKind.CATEGORICAL:
            matrix[odd, column] = rng.choice([spec.other_code, 99.0, -1.0], size=int(odd.sum()))
        else:
            matrix[odd, column] = rng.choice([-1e6, 0.0, 1e9], size=int(odd.sum()))
    return matrix


def test_one_row_at_a_time_gives_predicts_probability(model: ScoringModel) -> None:
    scorer = row_scorer(model)
    assert scorer is not None  # both learners, every calibration: the fast path
    rows = _rows(model, 400, seed=1)
    expected = model.predict(rows)
    found = np.array([scorer(row.tolist()) for row in rows])
    tolerance = 0.0 if model.learner is Learner.BOOSTING else 1e-13
    np.testing.assert_allclose(found, expected, rtol=0, atol=tolerance)
    # The rows differ, and so do their scores (isotonic calibration is a step function).
    assert np.unique(np.round(found, 8)).size > 20


def test_an_unknown_model_shape_has_no_fast_path(model: ScoringModel) -> None:
    from dataclasses import replace

    assert row_scorer(replace(model, raw=object(), estimator=object())) is None
