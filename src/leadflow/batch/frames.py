"""The batch engine's input: every contact's facts and every event, as columns.

    Column          one attribute over many rows, dictionary-encoded: ``codes[i]`` indexes
                    the distinct ``values`` (-1: absent). Conditions are tested once per
                    distinct value, with the engine's own predicates, then spread by code.
    ContactFrame    one row per contact: attributes by fact path (``account.industry``),
                    identity, source, BANT facts, the sales answer, the latest opportunity,
                    the model prediction, and the conversations as a side table
    EventFrame      one row per event, **clustered by contact** (``row`` never decreases):
                    the contact's row, the type code, the time in microseconds since the
                    epoch (UTC) and one Column per property

Times are integer microseconds, the resolution of a Python ``datetime``, so window
cut-offs and ages are computed exactly as the real-time engine computes them.
Readers (``batch.parquet``, ``batch.store``) build these frames; nothing here does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from leadflow.domain.facts import BANT_KEYS

__all__ = [
    "MISSING_TIME",
    "BantColumns",
    "Column",
    "ContactFrame",
    "ConversationFrame",
    "EventFrame",
    "OpportunityColumns",
    "instant",
    "micros",
]

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.integer[Any]]  # int16 or int32: -1 absent
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Tri = npt.NDArray[np.int8]  # -1 unknown (None), 0 false, 1 true

# "No such moment" in a microsecond column (no opportunity, never closed ...).
MISSING_TIME = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def instant(us: int) -> datetime:
    """Integer microseconds since the epoch as an aware UTC datetime (exact)."""
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """One value per row, dictionary-encoded. ``values`` are Python objects or an Arrow array."""

    codes: Codes
    values: pa.Array | Sequence[object]

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    @classmethod
    def from_arrow(cls, array: pa.Array | pa.ChunkedArray) -> Column:
        """Encode an Arrow column; nulls are absent values (code -1)."""
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array)
        indices = array.indices.fill_null(-1)
        codes = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        return cls(codes, array.dictionary)

    @classmethod
    def from_python(cls, values: Sequence[object]) -> Column:
        """Encode arbitrary Python values (JSON attributes: text, numbers, lists ...)."""
        position: dict[object, int] = {}
        distinct: list[object] = []
        codes = np.empty(len(values), dtype=np.int32)
        for index, value in enumerate(values):
            if value is None:
                codes[index] = -1
                continue
            key = _hashable(value)
            code = position.get(key)
            if code is None:
                code = position[key] = len(distinct)
                distinct.append(value)
            codes[index] = code
        return cls(codes, distinct)

    @classmethod
    def absent(cls, rows: int) -> Column:
        return cls(np.full(rows, -1, dtype=np.int32), [])

    def python_values(self) -> list[object]:
        if isinstance(self.values, pa.Array):
            listed: list[object] = self.values.to_pylist()
            return listed
        return list(self.values)

    def take(self, rows: Ints) -> Column:
        return Column(self.codes[rows], self.values)

    def slice(self, start: int, stop: int) -> Column:
        return Column(self.codes[start:stop], self.values)


def _hashable(value: object) -> object:
    """A key telling values apart as Python does (1, 1.0 and True are one dict key)."""
    if isinstance(value, list | dict | tuple | set):
        return ("json", json.dumps(value, sort_keys=True, default=str))
    return (type(value).__name__, value)


@dataclass(frozen=True, slots=True, eq=False)
class BantColumns:
    """An explicitly stated BANT criterion per contact (a rep's note, a form answer)."""

    met: Tri
    evidence: Column


@dataclass(frozen=True, slots=True, eq=False)
class OpportunityColumns:
    """The latest opportunity per contact; ``status`` absent when there is none."""

    status: Column
    amount: Floats  # NaN when unknown
    created_us: Ints  # MISSING_TIME when unknown
    closed_us: Ints  # MISSING_TIME while open

    @classmethod
    def none(cls, rows: int) -> OpportunityColumns:
        return cls(
            Column.absent(rows),
            np.full(rows, np.nan),
            np.full(rows, MISSING_TIME, dtype=np.int64),
            np.full(rows, MISSING_TIME, dtype=np.int64),
        )


@dataclass(frozen=True, slots=True, eq=False)
class ConversationFrame:
    """Logged conversations: the contact's row, when, and the outcome."""

    row: npt.NDArray[np.integer[Any]]
    at_us: Ints
    outcome: Column

    @classmethod
    def empty(cls) -> ConversationFrame:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), Column.absent(0))


@dataclass(frozen=True, slots=True, eq=False)
class ContactFrame:
    """Every contact's facts. ``attributes`` is keyed by fact path: ``contact.title``,
    ``account.employees``, ``source.channel``, ``consent.email`` ... (first-level keys;
    a nested path ``contact.address.city`` reads ``contact.address`` and
    ``contact.address.city``)."""

    ids: Ints
    attributes: Mapping[str, Column]
    identity: Column
    purchased: Flags
    bant: Mapping[str, BantColumns]
    accepted: Tri
    opportunity: OpportunityColumns
    prediction: Floats  # NaN: no model prediction
    conversations: ConversationFrame = field(default_factory=ConversationFrame.empty)

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    def attribute(self, path: str) -> Column:
        found = self.attributes.get(path)
        return found if found is not None else Column.absent(self.size)

    @classmethod
    def bare(cls, ids: Ints, attributes: Mapping[str, Column]) -> ContactFrame:
        """Contacts with attributes only: known identity, no BANT, sales or prediction."""
        rows = int(ids.shape[0])
        return cls(
            ids=ids,
            attributes=attributes,
            identity=Column(np.zeros(rows, np.int32), ["known"]),
            purchased=_purchased(attributes.get("source.purchased"), rows),
            bant={
                key: BantColumns(np.full(rows, -1, np.int8), Column.absent(rows))
                for key in BANT_KEYS
            },
            accepted=np.full(rows, -1, np.int8),
            opportunity=OpportunityColumns.none(rows),
            prediction=np.full(rows, np.nan),
        )


def _purchased(column: Column | None, rows: int) -> Flags:
    """``Source.purchased`` is ``bool(value)`` of the stored flag."""
    if column is None:
        return np.zeros(rows, dtype=bool)
    truth = np.array([bool(value) for value in column.python_values()] + [False], dtype=bool)
    return truth[column.codes]


@dataclass(frozen=True, slots=True, eq=False)
class EventFrame:
    """Events clustered by contact row; ``types[type_code[i]]`` is event i's type."""

    row: npt.NDArray[np.integer[Any]]
    type_code: npt.NDArray[np.integer[Any]]
    types: tuple[str, ...]
    at_us: Ints
    properties: Mapping[str, Column]

    @property
    def size(self) -> int:
        return int(self.row.shape[0])

    def __post_init__(self) -> None:
        if self.size > 1 and bool(np.any(self.row[1:] < self.row[:-1])):
            raise ValueError("events must be clustered by contact (row never decreasing)")

    def rows_slice(self, first_row: int, stop_row: int) -> EventFrame:
        """The events of rows ``first_row`` ≤ row < ``stop_row``, rows renumbered from 0."""
        # Needles of the haystack's dtype: a mixed search would copy the whole column.
        needles = np.array([first_row, stop_row], dtype=self.row.dtype)
        start, stop = (int(x) for x in np.searchsorted(self.row, needles))
        return EventFrame(
            row=self.row[start:stop] - first_row,
            type_code=self.type_code[start:stop],
            types=self.types,
            at_us=self.at_us[start:stop],
            properties={key: col.slice(start, stop) for key, col in self.properties.items()},
        )

    @classmethod
    def empty(cls) -> EventFrame:
        return cls(np.empty(0, np.int64), np.empty(0, np.int16), (), np.empty(0, np.int64), {})
