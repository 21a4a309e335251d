"""Why a lead scored what it did: its strongest positive and negative attributes.

Method (one-at-a-time substitution, model-agnostic): for a lead and one attribute, the
attribute's value is replaced by the values of a fixed sample of training leads (the
model's *background*), everything else kept; the contribution is the lead's log-odds
minus the average log-odds over those substitutions. It answers "how much does this
lead's own value move the score, compared with a typical value?". It is not a Shapley
value: interactions are credited to each attribute involved, so contributions need not
add up to the score. Log-odds are the model's *before* calibration, which is monotone,
so calibration cannot change the sign or order of contributions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.learn.features import FeatureSpec, Matrix
from leadflow.learn.predictive import ScoringModel
from leadflow.learn.table import AttributeKind

__all__ = ["Contribution", "Explanation", "explain"]

# Leads per batch: a batch predicts leads x attributes x background rows at once.
_BATCH_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class Contribution:
    attribute: str
    value: str
    effect: float  # log-odds the value adds (positive) or removes (negative)


@dataclass(frozen=True, slots=True)
class Explanation:
    lead: str
    probability: float
    positive: tuple[Contribution, ...]  # strongest first
    negative: tuple[Contribution, ...]  # strongest (most negative) first


def explain(
    model: ScoringModel, matrix: Matrix, leads: Sequence[str], *, top: int = 3
) -> list[Explanation]:
    """Explanations for the leads whose encoded rows are ``matrix``."""
    probabilities = model.predict(matrix)
    effects = _effects(model, matrix)
    features = model.encoder.features
    return [
        _explanation(str(lead), float(p), row, effect, features, top)
        for lead, p, row, effect in zip(leads, probabilities, matrix, effects, strict=True)
    ]


def _effects(model: ScoringModel, matrix: Matrix) -> npt.NDArray[np.float64]:
    """(leads, attributes) log-odds contributions."""
    background = model.background
    width = matrix.shape[1]
    per_lead = width * len(background)
    step = max(1, _BATCH_ROWS // max(per_lead, 1))
    out = np.empty(matrix.shape, dtype=np.float64)
    for start in range(0, len(matrix), step):
        chunk = matrix[start : start + step]
        out[start : start + step] = _chunk_effects(model, chunk, background)
    return out


def _chunk_effects(model: ScoringModel, chunk: Matrix, background: Matrix) -> Matrix:
    leads, width = chunk.shape
    size = len(background)
    # Shape (leads, attribute, background row, column): lead's row with one column swapped.
    trial = np.repeat(chunk[:, None, None, :], width, axis=1).repeat(size, axis=2)
    for column in range(width):
        trial[:, column, :, column] = background[:, column]
    substituted = model.log_odds(trial.reshape(-1, width)).reshape(leads, width, size)
    own = model.log_odds(chunk)
    return np.asarray(own[:, None] - substituted.mean(axis=2), dtype=np.float64)


def _explanation(
    lead: str,
    probability: float,
    row: npt.NDArray[np.float64],
    effect: npt.NDArray[np.float64],
    features: tuple[FeatureSpec, ...],
    top: int,
) -> Explanation:
    parts = [
        Contribution(spec.name, _value(spec, value), float(e))
        for spec, value, e in zip(features, row, effect, strict=True)
    ]
    positive = sorted((c for c in parts if c.effect > 1e-9), key=lambda c: -c.effect)
    negative = sorted((c for c in parts if c.effect < -1e-9), key=lambda c: c.effect)
    return Explanation(lead, probability, tuple(positive[:top]), tuple(negative[:top]))


def _value(spec: FeatureSpec, value: float) -> str:
    if spec.kind is AttributeKind.CATEGORICAL:
        return spec.label(value)
    if np.isnan(value):
        return "not answered"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"
