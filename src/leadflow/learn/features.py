"""From attributes to the numbers a model reads, learned on training leads only.

Numbers pass through (missing stays NaN; gradient boosting routes it on its own).
A category becomes its index among the categories seen at least ``min_count`` times in
training; rarer or unseen ones share the index "other" and missing stays NaN. The
encoder is kept inside the model file, so a lead scored next month is encoded exactly
like the leads the model learned from.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from leadflow.domain.keys import snake_case
from leadflow.ingest.countries import COUNTRY_PATHS, country_code
from leadflow.learn.numbers import column_number
from leadflow.learn.table import DEFAULT_MISSING_TOKENS, Attribute, AttributeKind, LeadTable

__all__ = ["Encoder", "FeatureSpec", "fit_encoder"]

# Gradient boosting accepts at most 255 categories per feature (one bin is for missing).
_MAX_CATEGORIES = 250

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    name: str
    path: str
    kind: AttributeKind
    categories: tuple[str, ...] = ()  # casefolded; index = code, len(categories) = "other"
    labels: tuple[str, ...] = ()  # the spelling shown to people, same order
    codes: Mapping[str, int] = field(default_factory=dict, compare=False)  # category -> index
    decimal_comma: bool = False  # a numeric column written "2,5" in training

    @property
    def reads_decimal_comma(self) -> bool:
        # Models saved before the field existed unpickle without it: comma thousands.
        return bool(getattr(self, "decimal_comma", False))

    @property
    def other_code(self) -> int:
        return len(self.categories)

    def label(self, code: float) -> str:
        if math.isnan(code):
            return "not answered"
        index = int(code)
        return self.labels[index] if index < len(self.labels) else "other"


@dataclass(frozen=True, slots=True)
class Encoder:
    features: tuple[FeatureSpec, ...]
    missing_tokens: frozenset[str] = DEFAULT_MISSING_TOKENS

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def categorical_mask(self) -> npt.NDArray[np.bool_]:
        return np.array([f.kind is AttributeKind.CATEGORICAL for f in self.features], dtype=bool)

    def encode(self, table: LeadTable) -> Matrix:
        """The model matrix of a table typed like the training table."""
        by_name = {a.name: a for a in table.attributes}
        columns = [
            _encode_column(spec, by_name.get(spec.name), len(table)) for spec in self.features
        ]
        return np.column_stack(columns) if columns else np.empty((len(table), 0))

    def columns_for(
        self, columns: Iterable[str], paths: Mapping[str, str] | None = None
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """Which of ``columns`` holds each feature, and the features none holds.

        A column names a feature by its name, by its name as the import keys a header
        (``lead_origin`` for ``Lead Origin``), or by the fact path ``paths`` gives it (an
        export read with its CRM format: ``Industry`` is ``account.industry``). Returns
        column -> feature name for the columns named otherwise, and the names of the
        features no column holds."""
        given = list(columns)
        exact = set(given)
        by_key = {snake_case(column): column for column in given}
        by_path = {path: column for column, path in (paths or {}).items()}
        renamed: dict[str, str] = {}
        lacking = []
        for spec in self.features:
            if spec.name in exact:
                continue
            column = by_key.get(snake_case(spec.name)) or by_path.get(spec.path)
            if column is None:
                lacking.append(spec.name)
            else:
                renamed[column] = spec.name
        return renamed, tuple(lacking)

    def encode_records(self, records: Sequence[Mapping[str, object]]) -> Matrix:
        """The model matrix of raw records (attribute name -> value), e.g. new leads."""
        out = np.full((len(records), len(self.features)), np.nan)
        for row, record in enumerate(records):
            for col, spec in enumerate(self.features):
                out[row, col] = self.code(spec, record.get(spec.name))
        return out

    def code(self, spec: FeatureSpec, value: object) -> float:
        """The number one raw value becomes in ``spec``'s column (NaN: missing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return math.nan
        text = str(value).strip()
        if text.casefold() in self.missing_tokens:
            return math.nan
        if spec.kind is AttributeKind.NUMERIC:
            if not isinstance(value, str):
                try:
                    return float(str(value))
                except ValueError:
                    return math.nan
            number = column_number(text, decimal_comma=spec.reads_decimal_comma)
            return math.nan if number is None else number
        if spec.path in COUNTRY_PATHS:  # trained on codes, as the table reads a country
            text = country_code(text) or text
        index = spec.codes.get(text.casefold())
        return float(spec.other_code if index is None else index)


def fit_encoder(table: LeadTable, *, min_count: int = 10) -> Encoder:
    """Learn the categories worth their own code from the training leads.

    An attribute no training lead has a value for is no feature: nothing can be learned
    from it (and gradient boosting cannot bin a column of missing values only)."""
    kept = (a for a in table.attributes if not bool(a.missing.all()))
    return Encoder(tuple(_spec(a, min_count) for a in kept))


def _spec(attribute: Attribute, min_count: int) -> FeatureSpec:
    if attribute.kind is AttributeKind.NUMERIC:
        return FeatureSpec(
            attribute.name, attribute.path, attribute.kind, decimal_comma=attribute.decimal_comma
        )
    counts = Counter(str(v) for v in attribute.values[~attribute.missing])
    kept = [label for label, n in counts.most_common(_MAX_CATEGORIES) if n >= min_count]
    kept.sort(key=str.casefold)
    categories = tuple(label.casefold() for label in kept)
    return FeatureSpec(
        attribute.name,
        attribute.path,
        attribute.kind,
        categories=categories,
        labels=tuple(kept),
        codes={category: code for code, category in enumerate(categories)},
    )


def _encode_column(spec: FeatureSpec, attribute: Attribute | None, size: int) -> Matrix:
    if attribute is None:
        return np.full(size, np.nan)
    if spec.kind is AttributeKind.NUMERIC:
        if attribute.kind is not AttributeKind.NUMERIC:
            raise ValueError(f"attribute {spec.name!r} was numeric in training, now it is text")
        return attribute.values.astype(np.float64)
    codes = np.full(size, np.nan)
    for row, value in enumerate(attribute.values):
        if value is not None:
            codes[row] = spec.codes.get(str(value).casefold(), spec.other_code)
    return codes
