"""The leakage guard: columns known only after the outcome must not teach the model.

Three lines of defence, cheapest first:

1. *declared* columns (``--drop``) and named presets of known post-outcome columns
   (x_education's sales tags, quality grades, activity snapshots; the bank campaign's
   call duration) are removed before anything else looks at the data;
2. columns *named* like outcomes (status, stage, tags, notes, "last activity" ...) are
   pointed out, since a name is a weak but free hint;
3. every remaining attribute is scored alone: its *single-feature AUC*, from the win
   rate of its level computed out of fold (so a many-valued column cannot score by
   memorising rows), and for numbers also from the raw value. An AUC above 0.95 (or
   below 0.05) means one column nearly decides the outcome, which in lead data almost
   always means it was written after the outcome. Such columns are refused unless the
   user explicitly allows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

from leadflow.learn.errors import LearnInputError
from leadflow.learn.levels import discretise
from leadflow.learn.table import Attribute, AttributeKind, LeadTable

__all__ = [
    "LEAKAGE_PRESETS",
    "LeakageScan",
    "SingleFeatureAuc",
    "apply_presets",
    "guard_leakage",
    "scan_leakage",
    "suspicious_names",
]

LEAKAGE_PRESETS: dict[str, tuple[str, ...]] = {
    # Written by sales after contact, or snapshots taken at extraction (data README).
    "x_education": (
        "Tags",
        "Lead Quality",
        "Lead Profile",
        "Asymmetrique Activity Index",
        "Asymmetrique Profile Index",
        "Asymmetrique Activity Score",
        "Asymmetrique Profile Score",
        "Last Activity",
        "Last Notable Activity",
    ),
    # The call's length is known only once the call (and its outcome) is over.
    "bank_marketing": ("duration",),
}

LEAKY_AUC = 0.95
_SUSPICIOUS = re.compile(
    r"\b(status|stage|closed?|close date|won|lost|loss reason|notes?|tags?|quality|"
    r"outcome|result|last activity|last notable activity|converted)\b"
)


@dataclass(frozen=True, slots=True)
class SingleFeatureAuc:
    attribute: str
    auc: float

    @property
    def leaky(self) -> bool:
        return self.auc > LEAKY_AUC or self.auc < 1 - LEAKY_AUC


@dataclass(frozen=True, slots=True)
class LeakageScan:
    scores: tuple[SingleFeatureAuc, ...]  # strongest first

    @property
    def flagged(self) -> tuple[SingleFeatureAuc, ...]:
        return tuple(s for s in self.scores if s.leaky)

    def refuse(self, allowed: Iterable[str] = ()) -> None:
        """Raise unless every flagged column is explicitly allowed."""
        allow = set(allowed)
        refused = [s for s in self.flagged if s.attribute not in allow]
        if refused:
            shown = ", ".join(f"{s.attribute!r} (AUC {s.auc:.3f})" for s in refused)
            raise LearnInputError(
                f"possible leakage: {shown} alone nearly decide(s) the outcome; drop it with "
                "--drop, or keep it with --allow-leaky if it is known before the decision"
            )


def apply_presets(table: LeadTable, presets: Iterable[str]) -> LeadTable:
    for name in presets:
        if name not in LEAKAGE_PRESETS:
            known = ", ".join(sorted(LEAKAGE_PRESETS))
            raise LearnInputError(f"unknown leakage preset {name!r}; known presets: {known}")
        table = table.without(LEAKAGE_PRESETS[name], f"post-outcome columns ({name} preset)")
    return table


def suspicious_names(table: LeadTable) -> tuple[str, ...]:
    """Attributes whose name suggests they are recorded after the outcome."""
    return tuple(a.name for a in table.attributes if _SUSPICIOUS.search(_words(a.name)))


def scan_leakage(table: LeadTable, *, seed: int = 0) -> LeakageScan:
    scores = [
        SingleFeatureAuc(a.name, _single_auc(a, table.outcome, seed)) for a in table.attributes
    ]
    scores.sort(key=lambda s: -abs(s.auc - 0.5))
    return LeakageScan(tuple(scores))


def _single_auc(attribute: Attribute, outcome: npt.NDArray[np.int8], seed: int) -> float:
    auc = roc_auc_score(outcome, _out_of_fold_rate(attribute, outcome, seed))
    if attribute.kind is AttributeKind.NUMERIC and not attribute.missing.all():
        raw = attribute.values.astype(np.float64)
        raw = np.where(np.isnan(raw), np.nanmedian(raw), raw)
        raw_auc = float(roc_auc_score(outcome, raw))
        if abs(raw_auc - 0.5) > abs(auc - 0.5):
            return raw_auc
    return float(auc)


def _out_of_fold_rate(
    attribute: Attribute, outcome: npt.NDArray[np.int8], seed: int
) -> npt.NDArray[np.float64]:
    """Each lead scored by its level's win rate among the *other* folds' leads."""
    codes = discretise(attribute, bins=10, min_support=5).codes
    size = int(codes.max()) + 1
    rate = np.empty(len(codes))
    folds = KFold(n_splits=5, shuffle=True, random_state=seed)
    for fit, held in folds.split(codes):
        prior = float(outcome[fit].mean())
        leads = np.bincount(codes[fit], minlength=size)
        won = np.bincount(codes[fit], weights=outcome[fit], minlength=size)
        # One pseudo-lead at the prior: an unseen level scores the prior, not 0 or 1.
        rate[held] = ((won + prior) / (leads + 1))[codes[held]]
    return rate


def _words(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold())


def guard_leakage(
    table: LeadTable,
    *,
    presets: Iterable[str] = (),
    allowed: Iterable[str] = (),
    seed: int = 0,
    scan: bool = True,
) -> tuple[LeadTable, LeakageScan]:
    """Drop preset columns, note suspicious names, and refuse near-deciding columns
    (``scan=False``: not the last, for a table too small to score a column alone)."""
    allow = tuple(allowed)
    unknown = [name for name in allow if name not in table.names]
    if unknown:
        raise LearnInputError(f"--allow-leaky names no attribute: {', '.join(unknown)}")
    table = apply_presets(table, presets)
    named = suspicious_names(table)
    if named:
        table = table.noted(
            f"named like post-outcome fields, check they are known before the decision: "
            f"{', '.join(named)}"
        )
    if not scan:
        return table, LeakageScan(())
    scanned = scan_leakage(table, seed=seed)
    scanned.refuse(allow)
    if scanned.flagged:
        table = table.noted(
            "kept although nearly deciding alone (allowed): "
            + ", ".join(f"{s.attribute} (AUC {s.auc:.3f})" for s in scanned.flagged)
        )
    return table, scanned
