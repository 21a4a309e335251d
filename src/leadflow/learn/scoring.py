"""Scoring live contacts with a saved model, for ``Facts.prediction``.

A ``ModelScorer`` is a saved model made ready to score people who are still in play: the
fitted model, its version, and the asset globs its activity features were counted with
in training (from the model card; the default preset's for cards that predate them).
The real-time path scores one person (``predict_person``: their facts and events at the
qualification moment), through ``learn.single_row`` rather than scikit-learn's
``predict`` when the model's shape allows (the same probability, a fraction of the
cost); the batch scores every contact at once from columns (``batch.prediction``). Both
read the features through the same fact paths, count activity by the same rules
(``learn.activity``) and encode values with the same ``Encoder.code``; tests hold them
to the same probability.

What a live person cannot tell the model: the rep (``sales.rep``) and anything else
outside ``contact.``, ``account.``, ``source.``, ``consent.`` and ``activity.``. A
prediction gates the hand-off, so it is made before a rep is known; such features are
left unknown (``unread_paths`` names them, and activation warns).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.definition.model import AssetsConfig
from leadflow.domain.facts import Facts
from leadflow.learn.activity import ACTIVITY_NAMESPACE, default_assets
from leadflow.learn.artifact import unpickle_model
from leadflow.learn.fact_paths import predict_facts, record_from_facts
from leadflow.learn.predictive import ScoringModel
from leadflow.learn.single_row import RowScorer, row_scorer

__all__ = ["READABLE_NAMESPACES", "ModelScorer", "activity_card", "card_assets", "scorer_of"]

# Namespaces a live person's facts answer; other features are unknown when scoring.
READABLE_NAMESPACES = frozenset({"contact", "account", "source", "consent", ACTIVITY_NAMESPACE})
_DAYS_KNOWN = f"{ACTIVITY_NAMESPACE}.days_known"


@dataclass(frozen=True, slots=True)
class ModelScorer:
    model: ScoringModel
    version: int
    assets: AssetsConfig  # product-specific globs the activity features were counted with
    # The card's record of the training leads (learn/drift.py); None on older cards.
    population: Mapping[str, Any] | None = field(default=None, compare=False)
    # One row without scikit-learn's per-call cost (learn/single_row.py); None: predict.
    row: RowScorer | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row", row_scorer(self.model))

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(spec.path for spec in self.model.encoder.features)

    @property
    def reads_events(self) -> bool:
        """Whether scoring needs the person's events (any activity feature but days known)."""
        return any(
            path.startswith(f"{ACTIVITY_NAMESPACE}.") and path != _DAYS_KNOWN for path in self.paths
        )

    @property
    def reads_created_at(self) -> bool:
        return _DAYS_KNOWN in self.paths

    @property
    def unread_paths(self) -> tuple[str, ...]:
        """Features a live person's facts never answer (left unknown when scoring)."""
        return tuple(p for p in self.paths if p.partition(".")[0] not in READABLE_NAMESPACES)

    def predict_person(self, facts: Facts, now: datetime, *, created_at: datetime | None) -> float:
        """The calibrated win probability of one person at ``now``; ``facts.events`` is
        their history (activity counts the events strictly before ``now``)."""
        if self.row is None:
            return predict_facts(self.model, facts, now, known_since=created_at, assets=self.assets)
        encoder = self.model.encoder
        record = record_from_facts(
            facts, encoder, now=now, known_since=created_at, assets=self.assets
        )
        return self.row([encoder.code(spec, record.get(spec.name)) for spec in encoder.features])

    def predict_matrix(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probabilities of an encoded matrix (``model.encoder``'s columns), all rows at once."""
        if matrix.shape[0] == 0:
            return np.empty(0, dtype=np.float64)
        return self.model.predict(matrix)


def scorer_of(pickled: bytes, card: Mapping[str, Any], *, where: str) -> ModelScorer:
    """A scorer from a model's pickle and its card (unpickling runs code: trusted files only)."""
    model = unpickle_model(pickled, where)
    return ModelScorer(
        model, int(card.get("version", 0)), card_assets(card), card.get("population")
    )


def card_assets(card: Mapping[str, Any]) -> AssetsConfig:
    """The asset globs a model's activity features were counted with (its card says)."""
    recorded = card.get("activity")
    if not isinstance(recorded, Mapping):
        return default_assets()
    return AssetsConfig(
        product_specific=tuple(str(glob) for glob in recorded.get("product_specific", ())),
        events=frozenset(str(kind) for kind in recorded.get("events", ("content_download",))),
    )


def activity_card(assets: AssetsConfig | None) -> dict[str, list[str]]:
    """The card's record of the asset globs training counted activity with."""
    used = assets or default_assets()
    return {"product_specific": list(used.product_specific), "events": sorted(used.events)}
