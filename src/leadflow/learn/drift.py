"""Whether the leads scored today look like the leads a model learned on.

A model is calibrated on the population it learned from; when the leads it scores come
from elsewhere (a new campaign's country, a CRM field filled differently since an
import), its probabilities drift off even when nothing is wrong with the model. At
training, each feature's distribution over the training leads is written into the card
(``population``): the shares of each category code (rare and unseen ones as "other",
and missing) or of each decile of a number (and missing). Scoring compares the scored
leads' shares with it by the *population stability index*,
PSI = Σ (today − training) × ln(today / training), the credit-scoring industry's check:
below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.learn.features import Encoder, FeatureSpec, Matrix
from leadflow.learn.table import AttributeKind

__all__ = ["MAJOR", "MODERATE", "Tally", "drift_line", "population", "stability"]

MODERATE, MAJOR = 0.1, 0.25
_MIN_SCORED = 50  # fewer scored leads: their shares are noise, no line
_FLOOR = 1e-4  # a share of 0 on either side would make the logarithm infinite
# Known to differ by design, not by drift: every training lead was handed off to a rep by
# a sales action, while a live contact is scored before either (learn/scoring.py).
_BY_DESIGN = ("sales.", "activity.first_sales_action")


def population(encoder: Encoder, matrix: Matrix) -> dict[str, Any]:
    """The card's record of the training leads: per feature, bin edges and shares."""
    features = {}
    for column, spec in enumerate(encoder.features):
        values = matrix[:, column]
        edges = _edges(spec, values)
        features[spec.name] = {"edges": edges, "shares": _shares(spec, values, edges).tolist()}
    return {"leads": len(matrix), "features": features}


class Tally:
    """The scored leads' bin counts per feature, added block by block (a rescore scores
    every contact in blocks), against the card's training record."""

    def __init__(
        self,
        reference: Mapping[str, Any] | None,
        encoder: Encoder,
        skip: Collection[str] = (),
    ) -> None:
        self.reference = reference or {}
        self.encoder = encoder
        self.skip = frozenset(skip)  # attributes the scored leads lack (said apart)
        self.leads = 0
        self.counts: dict[str, npt.NDArray[np.float64]] = {}

    def add(self, matrix: Matrix) -> None:
        known = self.reference.get("features", {})
        self.leads += len(matrix)
        for column, spec in enumerate(self.encoder.features):
            entry = known.get(spec.name)
            if entry is None or spec.path.startswith(_BY_DESIGN) or spec.name in self.skip:
                continue
            counts = _counts(spec, matrix[:, column], list(entry["edges"]))
            previous = self.counts.get(spec.name)
            self.counts[spec.name] = counts if previous is None else previous + counts

    def stability(self) -> dict[str, float]:
        """Each feature's PSI between the training leads and the leads added."""
        found = {}
        for name, counts in self.counts.items():
            before = np.asarray(self.reference["features"][name]["shares"], dtype=np.float64)
            total = counts.sum()
            if len(counts) == len(before) and total:
                found[name] = _psi(before, counts / total)
        return found

    def line(self) -> str | None:
        """One line when the scored leads differ from the training leads (None: they do
        not, the card predates the record, or too few leads were scored to tell)."""
        if not self.reference or self.leads < _MIN_SCORED:
            return None
        shifted = sorted(
            ((psi, name) for name, psi in self.stability().items() if psi >= MODERATE),
            reverse=True,
        )
        if not shifted:
            return None
        kind = "major" if shifted[0][0] >= MAJOR else "moderate"
        shown = ", ".join(f"{name} (PSI {psi:.2f})" for psi, name in shifted[:5])
        more = f" and {len(shifted) - 5} more" if len(shifted) > 5 else ""
        return (
            f"drift ({kind}): the {self.leads:,} leads scored differ from the "
            f"{int(self.reference.get('leads', 0)):,} the model learned on in {shown}{more}; "
            "its probabilities may be off for them (PSI above 0.25 is a major shift; retrain "
            "on recent closed leads if it persists)"
        )


def stability(reference: Mapping[str, Any], encoder: Encoder, matrix: Matrix) -> dict[str, float]:
    """Each feature's PSI between the card's training leads and ``matrix``'s leads."""
    tally = Tally(reference, encoder)
    tally.add(matrix)
    return tally.stability()


def drift_line(
    reference: Mapping[str, Any] | None,
    encoder: Encoder,
    matrix: Matrix,
    skip: Collection[str] = (),
) -> str | None:
    """``Tally.line`` for the leads of one matrix; ``skip``: attributes they lack."""
    tally = Tally(reference, encoder, skip)
    tally.add(matrix)
    return tally.line()


def _edges(spec: FeatureSpec, values: npt.NDArray[np.float64]) -> list[float]:
    if spec.kind is AttributeKind.CATEGORICAL:
        return []
    answered = values[~np.isnan(values)]
    if not len(answered):
        return []
    return sorted({float(q) for q in np.quantile(answered, np.linspace(0.1, 0.9, 9))})


def _shares(
    spec: FeatureSpec, values: npt.NDArray[np.float64], edges: list[float]
) -> npt.NDArray[np.float64]:
    counts = _counts(spec, values, edges)
    total = counts.sum()
    return counts / total if total else counts


def _counts(
    spec: FeatureSpec, values: npt.NDArray[np.float64], edges: list[float]
) -> npt.NDArray[np.float64]:
    """Leads in each bin, the last bin being "missing"."""
    missing = np.isnan(values)
    if spec.kind is AttributeKind.CATEGORICAL:
        bins = spec.other_code + 1
        codes = np.clip(values[~missing], 0, spec.other_code).astype(np.intp)
    else:
        bins = len(edges) + 1
        codes = np.searchsorted(np.asarray(edges), values[~missing], side="right")
    counts = np.bincount(codes, minlength=bins).astype(np.float64)
    return np.append(counts, float(missing.sum()))


def _psi(before: npt.NDArray[np.float64], now: npt.NDArray[np.float64]) -> float:
    p, q = np.maximum(before, _FLOOR), np.maximum(now, _FLOOR)
    value = float(np.sum((q - p) * np.log(q / p)))
    return value if math.isfinite(value) else 0.0
