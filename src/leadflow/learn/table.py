"""The lead table learning works on: one row per closed lead, its outcome and its attributes.

Every source (a CSV export, the demo world's files, the store) ends in a ``LeadTable``,
so ICP discovery and the model never know where the rows came from. Attributes are
typed once, here: a column is numeric when every answered value reads as a number
(by the column's own convention, ``learn.numbers``: ``25,000`` thousands, ``2,5`` a
decimal comma), otherwise categorical. Text values are compared case-folded,
as the definition compares them, and keep their most frequent spelling for display.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.definition.model import ATTRIBUTE_NAMESPACES
from leadflow.domain.keys import fold, snake_case
from leadflow.ingest.countries import COUNTRY_PATHS, country_code
from leadflow.learn.errors import LearnInputError
from leadflow.learn.numbers import column_number, reads_decimal_comma

__all__ = [
    "DEFAULT_MISSING_TOKENS",
    "Attribute",
    "AttributeKind",
    "LeadTable",
    "default_path",
    "infer_attribute",
    "is_identifier",
]

# Answers that mean "not answered": form defaults ("Select") and export placeholders.
DEFAULT_MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "select", "unknown", "(not set)"}
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
# The last word of a column named as an identifier, in the languages of the CRM exports.
_ID_WORDS = frozenset(
    {"id", "ids", "uuid", "guid", "key", "nr", "no", "number", "num", "nummer", "numero"}
    | {"identifier", "ref", "reference", "kennung", "nummeret"}
)
_ID_SUFFIXES = ("nummer", "nummeret")  # German and Nordic compounds: Kundennummer
# Share of distinct values from which an id-named column is ids (a duplicate row repeats one).
_ID_NAMED_DISTINCT = 0.8

Values = npt.NDArray[Any]


class AttributeKind(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"


@dataclass(frozen=True, slots=True)
class Attribute:
    """One column: float64 with NaN (numeric) or an object array of ``str | None``."""

    name: str
    path: str  # the definition fact path a fit rule would name (contact.industry ...)
    kind: AttributeKind
    values: Values
    # A numeric column written with decimal commas ("2,5"): new leads' text is read alike.
    decimal_comma: bool = False

    @property
    def missing(self) -> npt.NDArray[np.bool_]:
        if self.kind is AttributeKind.NUMERIC:
            return np.isnan(self.values.astype(np.float64))
        return np.array([value is None for value in self.values], dtype=np.bool_)

    def take(self, rows: npt.NDArray[Any]) -> Attribute:
        return replace(self, values=self.values[rows])


@dataclass(frozen=True, slots=True)
class LeadTable:
    """Closed leads: ids, outcome (1 = won / converted), attributes, decision moments."""

    ids: Values
    outcome: npt.NDArray[np.int8]
    attributes: tuple[Attribute, ...]
    # Seconds since the epoch of each lead's decision point (when a prediction is made);
    # None when the source has no time. Orders time-ordered splits.
    decided_at: npt.NDArray[np.int64] | None = None
    # What was set aside and why (identifier-like, constant, dropped, leaky ...).
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        size = len(self.ids)
        if len(self.outcome) != size or any(len(a.values) != size for a in self.attributes):
            raise ValueError("every column of a LeadTable must have one value per lead")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def won(self) -> int:
        return int(self.outcome.sum())

    @property
    def lost(self) -> int:
        return len(self) - self.won

    @property
    def base_rate(self) -> float:
        return self.won / len(self) if len(self) else math.nan

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.attributes)

    def attribute(self, name: str) -> Attribute:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise KeyError(name)

    def take(self, rows: npt.NDArray[Any]) -> LeadTable:
        """The leads at ``rows`` (indices or a boolean mask), in that order."""
        return replace(
            self,
            ids=self.ids[rows],
            outcome=self.outcome[rows],
            attributes=tuple(a.take(rows) for a in self.attributes),
            decided_at=None if self.decided_at is None else self.decided_at[rows],
        )

    def without(self, names: Iterable[str], reason: str) -> LeadTable:
        """The table minus the named attributes, noting why they were set aside."""
        gone = [n for n in names if n in self.names]
        if not gone:
            return self
        kept = tuple(a for a in self.attributes if a.name not in gone)
        return replace(self, attributes=kept, notes=(*self.notes, f"{reason}: {', '.join(gone)}"))

    def noted(self, note: str) -> LeadTable:
        return replace(self, notes=(*self.notes, note))


def default_path(column: str) -> str:
    """The fact path of a column: kept when it already names a namespace, else contact.<slug>."""
    head, _, rest = column.partition(".")
    if rest and head in ATTRIBUTE_NAMESPACES:
        return column
    # The key `leadflow import contacts` stores the column under (Größe -> grosse), so a
    # rule learned from an export matches the contacts imported from it.
    return f"contact.{snake_case(column) or 'column'}"


def check_path(column: str, path: str) -> str:
    head, _, rest = path.partition(".")
    if head not in ATTRIBUTE_NAMESPACES or not rest:
        namespaces = ", ".join(sorted(ATTRIBUTE_NAMESPACES))
        raise LearnInputError(
            f"column {column!r} maps to {path!r}; a fit fact path starts with one of {namespaces}"
        )
    return path


def infer_attribute(
    name: str,
    raw: Sequence[object] | Values,
    *,
    path: str | None = None,
    missing_tokens: frozenset[str] = DEFAULT_MISSING_TOKENS,
) -> Attribute:
    """Type one column: numeric when every answered value is a number, else categorical."""
    fact_path = check_path(name, path) if path else default_path(name)
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":
        numbers = raw.astype(np.float64)
        return Attribute(name, fact_path, AttributeKind.NUMERIC, numbers)
    cleaned = [_clean(value, missing_tokens) for value in raw]
    if fact_path in COUNTRY_PATHS:
        cleaned = _as_country_codes(cleaned)
    decimal_comma = reads_decimal_comma(v for v in cleaned if isinstance(v, str))
    as_numbers = _as_numbers(cleaned, decimal_comma)
    if as_numbers is not None:
        return Attribute(name, fact_path, AttributeKind.NUMERIC, as_numbers, decimal_comma)
    return Attribute(name, fact_path, AttributeKind.CATEGORICAL, _fold_case(cleaned))


def table_from_columns(
    columns: Mapping[str, Sequence[object] | Values],
    *,
    ids: Values,
    outcome: npt.NDArray[np.int8],
    decided_at: npt.NDArray[np.int64] | None = None,
    paths: Mapping[str, str] | None = None,
    missing_tokens: frozenset[str] = DEFAULT_MISSING_TOKENS,
) -> LeadTable:
    """Type every column and set aside those that cannot describe a lead."""
    paths = paths or {}
    attributes = tuple(
        infer_attribute(name, raw, path=paths.get(name), missing_tokens=missing_tokens)
        for name, raw in columns.items()
    )
    table = LeadTable(ids=ids, outcome=outcome, attributes=attributes, decided_at=decided_at)
    table = table.without([a.name for a in attributes if _is_constant(a)], "constant")
    return table.without([a.name for a in attributes if is_identifier(a)], "identifier-like")


def _as_country_codes(cleaned: list[object]) -> list[object]:
    """Country names as the store keeps them ("Germany" -> DE), so a rule learned from
    an export's names matches stored leads; a word that is no country stays as written."""
    return [
        value if not isinstance(value, str) else (country_code(value) or value) for value in cleaned
    ]


def _clean(value: object, missing_tokens: frozenset[str]) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    return None if text.casefold() in missing_tokens else text


def _as_numbers(cleaned: Sequence[object], decimal_comma: bool) -> npt.NDArray[np.float64] | None:
    numbers = np.full(len(cleaned), np.nan)
    answered = 0
    for index, value in enumerate(cleaned):
        if value is None:
            continue
        number = _number(value, decimal_comma)
        if number is None:
            return None
        numbers[index] = number
        answered += 1
    return numbers if answered else None


def _number(value: object, decimal_comma: bool) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    # "inf" and "nan" spelled out in a text column are words, not measurements.
    return column_number(str(value), decimal_comma=decimal_comma)


def _fold_case(cleaned: Sequence[object]) -> Values:
    """Values equal up to case are one category, shown in their most frequent spelling."""
    spellings: dict[str, Counter[str]] = {}
    for value in cleaned:
        if value is not None:
            text = str(value)
            spellings.setdefault(text.casefold(), Counter())[text] += 1
    display = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    out = np.empty(len(cleaned), dtype=object)
    out[:] = [None if v is None else display[str(v).casefold()] for v in cleaned]
    return out


def _distinct(attribute: Attribute) -> int:
    answered = attribute.values[~attribute.missing]
    return len(set(answered.tolist()))


def _is_constant(attribute: Attribute) -> bool:
    """One value (or none) everywhere, missing or not: it cannot separate won from lost."""
    distinct = _distinct(attribute)
    some_missing = bool(attribute.missing.any())
    all_missing = bool(attribute.missing.all())
    return all_missing or (distinct <= 1 and not some_missing)


def is_identifier(attribute: Attribute) -> bool:
    """Values that name leads rather than describe them.

    Text different on (nearly) every row (e-mails, names, notes); e-mail addresses even
    when a shared inbox repeats; a column named as an id or number (``Record ID``,
    ``AccountId``, ``Kundennummer``, ``Lead Number``) whose values are mostly distinct; or
    whole numbers all distinct and packed densely like a counter (a row number). A
    measure such as revenue is also all distinct in a small table, but spread over orders
    of magnitude and not named as an id. A model would learn a row's age from an id that
    counts up, and a fit rule on one would name a single lead.
    """
    answered = attribute.values[~attribute.missing]
    if len(answered) < 20:
        return False
    distinct = _distinct(attribute)
    if _named_as_id(attribute.name) and distinct >= _ID_NAMED_DISTINCT * len(answered):
        return True
    if attribute.kind is AttributeKind.CATEGORICAL:
        mails = sum(1 for value in answered.tolist() if _EMAIL.match(str(value)))
        return distinct >= 0.9 * len(answered) or mails >= 0.9 * len(answered)
    numbers = answered.astype(np.float64)
    whole = bool(np.all(np.mod(numbers, 1.0) == 0))
    dense = float(numbers.max() - numbers.min()) < 20 * len(numbers)
    return whole and dense and distinct == len(answered)


def _named_as_id(name: str) -> bool:
    """``Record ID``, ``hs_object_id``, ``AccountId``, ``Lead Number``, ``Kundennummer``,
    ``Kunden-Nr.``: the last word of the name says it is an id or a number."""
    words = fold(_CAMEL_HUMP.sub(" ", name)).split()
    if not words:
        return False
    last = words[-1]
    return last in _ID_WORDS or last.endswith(_ID_SUFFIXES)
