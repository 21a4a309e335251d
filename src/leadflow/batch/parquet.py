"""Read a Parquet export (the demo world's layout) into frames, whole or row group by row group.

The folder holds ``contacts.parquet``, ``accounts.parquet`` and ``events.parquet`` as
``leadflow demo --format parquet`` writes them (docs/demo.md): events clustered by
contact number, one row group per block of contacts. A data-warehouse export in the
same layout runs the same way.

Facts are read as the store would hold them: ``contact.*`` from the contact columns,
``account.*`` from the account (``revenue`` from ``annual_revenue_eur``), ``source.*``
from ``channel``/``utm_medium``/``utm_campaign``/``purchased``/``vendor``, ``consent.*``
from ``email_consent``/``phone_consent``; empty text is a missing value. Events of
visitors who never identified have no contact and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from leadflow.batch.frames import Column, ContactFrame, EventFrame

__all__ = ["CONTACT_FACTS", "ParquetWorld"]

Ints = npt.NDArray[np.int64]

# fact path -> column of contacts.parquet
CONTACT_FACTS: dict[str, str] = {
    "contact.email": "email",
    "contact.first_name": "first_name",
    "contact.last_name": "last_name",
    "contact.phone": "phone",
    "contact.title": "title",
    "contact.seniority": "seniority",
    "contact.department": "department",
    "contact.country": "country",
    "contact.company": "company",
    "source.channel": "channel",
    "source.medium": "utm_medium",
    "source.campaign": "utm_campaign",
    "source.purchased": "purchased",
    "source.vendor": "vendor",
    "consent.email": "email_consent",
    "consent.phone": "phone_consent",
}
ACCOUNT_FACTS: dict[str, str] = {
    "account.name": "name",
    "account.domain": "domain",
    "account.industry": "industry",
    "account.employees": "employees",
    "account.revenue": "annual_revenue_eur",
    "account.country": "country",
}
# Nearly one value per contact: kept as they are rather than dictionary-encoded.
_DISTINCT = frozenset({"email", "first_name", "last_name", "phone"})
EVENT_PROPERTIES = ("url", "asset", "form", "campaign", "product", "event")


class ParquetWorld:
    """A folder of Parquet tables in the demo world's layout."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for name in ("contacts", "accounts", "events"):
            if not (folder / f"{name}.parquet").is_file():
                raise FileNotFoundError(f"{folder / name}.parquet is missing")
        self._ids: Ints | None = None

    def contacts(self) -> ContactFrame:
        table = pq.read_table(self.folder / "contacts.parquet")
        accounts = pq.read_table(self.folder / "accounts.parquet")
        order = pc.sort_indices(table["contact"])
        table = table.take(order)
        ids = table["contact"].to_numpy().astype(np.int64)
        self._ids = ids
        attributes = {
            path: _narrow(_column(table[name], name)) for path, name in CONTACT_FACTS.items()
        }
        where = pc.index_in(table["account_id"], value_set=accounts["account_id"])
        rows = where.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        for path, name in ACCOUNT_FACTS.items():
            column = _narrow(_column(accounts[name], name))
            codes = np.append(column.codes, np.array(-1, column.codes.dtype))[rows]
            attributes[path] = Column(codes, column.values)
        return ContactFrame.bare(ids, attributes)

    def events(
        self,
        properties: Iterable[str] = EVENT_PROPERTIES,
        types: Iterable[str] | None = None,
    ) -> EventFrame:
        """Every event of a known contact, in memory (rows index ``contacts()``).

        Read row group by row group into arrays allocated once, so memory holds the
        result plus one row group; only the ``properties`` named are kept (a definition
        reads a few: ``batch.qualify.properties_read``), and with ``types`` only events of
        those types (the ones a definition reads: ``batch.qualify.types_read``).
        """
        total = pq.ParquetFile(self.folder / "events.parquet").metadata.num_rows
        joined = _Joiner(total, [name for name in EVENT_PROPERTIES if name in set(properties)])
        for first, _, frame in self.blocks(properties, types):
            joined.add(frame, first)
        pa.default_memory_pool().release_unused()
        return joined.frame()

    def blocks(
        self,
        properties: Iterable[str] = EVENT_PROPERTIES,
        types: Iterable[str] | None = None,
    ) -> Iterator[tuple[int, int, EventFrame]]:
        """The events one row group at a time, as partitions covering every contact row
        (with ``types``: only events of those types, the others left out as they are read).
        """
        ids = self._known_ids()
        source = pq.ParquetFile(self.folder / "events.parquet")
        columns = self._columns(properties)
        kept = None if types is None else pa.array(sorted(set(types)), pa.string())
        first = 0
        for group in range(source.num_row_groups):
            table = source.read_row_group(group, columns=columns)
            contact = table["contact"].drop_null()
            if len(contact) == 0:
                continue
            stop = int(np.searchsorted(ids, pc.max(contact).as_py())) + 1
            if kept is not None:
                table = table.filter(pc.is_in(table["type"].cast(pa.string()), value_set=kept))
            yield first, stop, self._frame(table, first=first)
            first = stop
        if first < ids.shape[0]:
            yield first, int(ids.shape[0]), EventFrame.empty()

    def _columns(self, properties: Iterable[str]) -> list[str]:
        wanted = [name for name in EVENT_PROPERTIES if name in set(properties)]
        return ["contact", "type", "at", *wanted]

    def _known_ids(self) -> Ints:
        if self._ids is None:
            self.contacts()
        assert self._ids is not None
        return self._ids

    def _rows(self, numbers: npt.NDArray[np.integer[Any]], first: int) -> npt.NDArray[np.int32]:
        """Contact numbers as rows counted from ``first``; numbers 1..n map by subtraction."""
        ids = self._known_ids()
        if numbers.size == 0:
            return np.empty(0, np.int32)
        size = int(ids.shape[0])
        dense = size > 0 and int(ids[-1]) - int(ids[0]) == size - 1
        if dense:
            rows = (numbers - (int(ids[0]) + first)).astype(np.int32, copy=False)
            if int(rows.min()) < -first or int(rows.max()) >= size - first:
                raise ValueError("events.parquet names contacts that contacts.parquet lacks")
            return rows
        found = np.searchsorted(ids, numbers)
        if found.max() >= size or np.any(ids[found] != numbers):
            raise ValueError("events.parquet names contacts that contacts.parquet lacks")
        return (found - first).astype(np.int32)

    def _frame(self, table: pa.Table, *, first: int) -> EventFrame:
        table = table.filter(pc.is_valid(table["contact"]))
        rows = self._rows(table["contact"].to_numpy(), first)
        kinds = _dictionary(table["type"])
        at = table["at"].combine_chunks().cast(pa.int64())
        props = {
            name: _property(table[name]) for name in EVENT_PROPERTIES if name in table.column_names
        }
        return EventFrame(
            row=rows,
            type_code=np.asarray(kinds.indices.to_numpy(zero_copy_only=False)),
            types=tuple(kinds.dictionary.to_pylist()),
            at_us=at.to_numpy(zero_copy_only=False),
            properties=props,
        )


class _Joiner:
    """Consecutive frames copied into arrays allocated once; dictionaries merged.

    Codes are kept as narrow as they fit (types in int8, property values in int8 until
    a dictionary outgrows it, then int16, then int32): at 50 million events every byte
    per event is 50 MB.
    """

    def __init__(self, capacity: int, keys: list[str]) -> None:
        self.size = 0
        self.row = np.empty(capacity, np.int32)
        self.type_code = np.empty(capacity, np.int8)
        self.at_us = np.empty(capacity, np.int64)
        self.codes: dict[str, npt.NDArray[np.integer[Any]]] = {
            key: np.empty(capacity, np.int8) for key in keys
        }
        self.types: list[str] = []
        self.values: dict[str, list[object]] = {key: [] for key in keys}
        self.positions: dict[str, dict[object, int]] = {key: {} for key in keys}

    def add(self, frame: EventFrame, first: int) -> None:
        start, stop = self.size, self.size + frame.size
        self.row[start:stop] = frame.row
        self.row[start:stop] += first
        table = np.array([self._type(name) for name in frame.types] or [0], dtype=np.int8)
        self.type_code[start:stop] = table[frame.type_code]
        self.at_us[start:stop] = frame.at_us
        for key in list(self.codes):
            column = frame.properties.get(key)
            if column is None:
                self.codes[key][start:stop] = -1
                continue
            lut = np.array([*(self._value(key, v) for v in column.python_values()), -1])
            wide = _narrowest(int(lut.max()) + 1)
            if np.iinfo(wide).max > np.iinfo(self.codes[key].dtype).max:
                self.codes[key] = self.codes[key].astype(wide)
            self.codes[key][start:stop] = lut[column.codes]
        self.size = stop

    def _type(self, name: str) -> int:
        if name not in self.types:
            if len(self.types) >= np.iinfo(np.int8).max:
                raise ValueError("more than 127 event types in one export")
            self.types.append(name)
        return self.types.index(name)

    def _value(self, key: str, value: object) -> int:
        positions = self.positions[key]
        if value not in positions:
            positions[value] = len(self.values[key])
            self.values[key].append(value)
        return positions[value]

    def frame(self) -> EventFrame:
        size = self.size
        return EventFrame(
            row=self.row[:size],
            type_code=self.type_code[:size],
            types=tuple(self.types),
            at_us=self.at_us[:size],
            properties={
                key: Column(codes[:size], pa.array(self.values[key], pa.string()))
                for key, codes in self.codes.items()
            },
        )


def _narrowest(distinct: int) -> type[np.signedinteger[Any]]:
    """The narrowest signed type for codes 0..distinct-1 and -1."""
    for kind in (np.int8, np.int16):
        if distinct <= np.iinfo(kind).max:
            return kind
    return np.int32


def _narrow(column: Column) -> Column:
    """Contact attributes mostly take a few dozen values: int8 codes, not int32."""
    return Column(column.codes.astype(_narrowest(len(column.values))), column.values)


def _dictionary(column: pa.ChunkedArray) -> pa.DictionaryArray:
    array = (
        column.unify_dictionaries().combine_chunks() if column.num_chunks > 1 else column.chunk(0)
    )
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    return array


def _property(column: pa.ChunkedArray) -> Column:
    array = _dictionary(column)
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return Column(codes, array.dictionary)


def _column(column: pa.ChunkedArray, name: str) -> Column:
    array = column.combine_chunks()
    if pa.types.is_string(array.type):
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    if name in _DISTINCT:
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        codes = np.where(valid, np.arange(len(array)), -1).astype(np.int32)
        return Column(codes, array)
    return Column.from_arrow(array)
