"""Read every contact and event of a workspace store (SQLite or PostgreSQL) into frames.

Each table is read with one query, fetched in chunks of rows and turned into Arrow
arrays column by column; nothing is looked up per contact. The facts are the ones the
real-time path assembles for one person (services/facts.py, store/realtime.py):

    contact.*   the contact's columns, else its JSON ``attributes``
    account.*   the account's columns, else the account's ``attributes``
    source.*    source_channel / _medium / _campaign, purchased, vendor
    consent.*   the current status per channel
    BANT        the latest stated fact per criterion
    sales       conversations; the latest opportunity (by creation, then id); whether
                sales accepted the latest answered hand-off

``paths`` (optional) names the attribute paths a caller will read (``contact.title``,
``account.industry`` ...): only their columns and documents are read, which is what a
definition's tests need (``batch.attributes.attribute_paths``); other paths are absent.

``event_types`` (optional) names the event types a caller will read: the others are
left out of the query (a definition's types, ``batch.qualify.types_read``; none at all
for conditions on attributes alone).

``as_of`` leaves out what was not known yet at that moment: contacts created later,
their events, BANT facts and hand-off answers dated later (conversations and
opportunities carry their own dates, which the engine reads); consent is read as it
stood then, from its history (store/consent_history.py). Merged contacts are
left out: their events belong to the survivor.

JSON documents (attributes, event properties) are decoded once per distinct text.
Times are exact microseconds: PostgreSQL gives them as an integer, SQLite's text is
parsed by Arrow.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection

from leadflow.batch.frames import (
    MISSING_TIME,
    BantColumns,
    Column,
    ContactFrame,
    ConversationFrame,
    EventFrame,
    OpportunityColumns,
)
from leadflow.domain.facts import BANT_KEYS
from leadflow.store.consent_history import as_of_sql
from leadflow.store.realtime import CONTACT_COLUMNS

__all__ = ["SideTable", "StoreFrames", "read_store", "side_table"]

Ints = npt.NDArray[np.int64]
_CHUNK = 50_000
# The account columns that are facts (``account.<name>``), as the real-time path reads them.
ACCOUNT_COLUMNS: tuple[str, ...] = ("name", "domain", "industry", "employees", "revenue", "country")
_SOURCE = {
    "source.channel": "source_channel",
    "source.medium": "source_medium",
    "source.campaign": "source_campaign",
    "source.vendor": "vendor",
}


@dataclass(frozen=True, slots=True, eq=False)
class StoreFrames:
    """The workspace as frames, and where each lead stands in the stored lifecycle."""

    contacts: ContactFrame
    events: EventFrame
    stage: Column  # the stored lifecycle stage (absent: not in the funnel)
    recycled_us: Ints  # when it was recycled (MISSING_TIME: not recycled)


def read_store(
    connection: Connection,
    *,
    as_of: datetime,
    between: tuple[int, int] | None = None,
    paths: Collection[str] | None = None,
    event_types: Collection[str] | None = None,
) -> StoreFrames:
    """``between``: only the contacts whose id is in this inclusive range (with their
    events and consents), so a caller can go through a large store in bounded memory;
    ``paths``: only these attribute paths (None: every one); ``event_types``: only
    events of these types (None: every one)."""
    reader = _Reader(connection, as_of, between)
    wanted = _Wanted.of(paths)
    fields = wanted.fields()
    table = reader.table(_contacts_sql(reader, fields), ("id", *fields))
    ids = np.asarray(table["id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    attributes = _attributes(table, wanted)
    contacts = ContactFrame(
        ids=ids,
        attributes=attributes,
        identity=Column.from_arrow(table["identity"]),
        purchased=np.asarray(
            pc.fill_null(table["purchased"].cast(pa.bool_()), False).to_numpy(zero_copy_only=False),
            dtype=bool,
        ),
        bant=_bant(reader, ids),
        accepted=_accepted(reader, ids),
        opportunity=_opportunity(reader, ids),
        prediction=np.full(ids.shape[0], np.nan),
        conversations=_conversations(reader, ids),
    )
    for channel, column in _consents(reader, ids).items():
        attributes[f"consent.{channel}"] = column
    return StoreFrames(
        contacts,
        _events(reader, ids, event_types),
        Column.from_arrow(table["stage"]),
        reader.micros(table["recycled_at"]),
    )


_CONTACT_FIELDS = (
    *(f"c_{name}" for name in CONTACT_COLUMNS),
    "source_channel",
    "source_medium",
    "source_campaign",
    "purchased",
    "vendor",
    "identity",
    "c_attributes",
    *(f"a_{name}" for name in ACCOUNT_COLUMNS),
    "a_attributes",
    "stage",
    "recycled_at",
)
# The fields read whatever the paths: the frames' own columns.
_ALWAYS = frozenset({"purchased", "identity", "stage", "recycled_at"})
_NAMESPACES = {"contact": ("c_", CONTACT_COLUMNS), "account": ("a_", ACCOUNT_COLUMNS)}


@dataclass(frozen=True)
class _Wanted:
    """The first-level keys read per namespace (None: all of them)."""

    keys: Mapping[str, frozenset[str]] | None

    @classmethod
    def of(cls, paths: Collection[str] | None) -> _Wanted:
        if paths is None:
            return cls(None)
        keys: dict[str, set[str]] = {namespace: set() for namespace in (*_NAMESPACES, "source")}
        for path in paths:
            namespace, _, key = path.partition(".")
            if namespace in keys:
                keys[namespace].add(key.split(".", 1)[0])
        return cls({namespace: frozenset(found) for namespace, found in keys.items()})

    def wants(self, namespace: str, key: str) -> bool:
        return self.keys is None or key in self.keys[namespace]

    def any_of(self, namespace: str) -> bool:
        return self.keys is None or bool(self.keys[namespace])

    def fields(self) -> tuple[str, ...]:
        """The contact query's fields: a namespace's columns that are wanted, and its
        documents when any key of it is (a column's value falls back to the document's)."""
        if self.keys is None:
            return _CONTACT_FIELDS
        chosen = set(_ALWAYS)
        for namespace, (prefix, names) in _NAMESPACES.items():
            if self.any_of(namespace):
                chosen.add(f"{prefix}attributes")
                chosen.update(f"{prefix}{name}" for name in names if self.wants(namespace, name))
        chosen.update(name for path, name in _SOURCE.items() if self.wants("source", path[7:]))
        return tuple(field for field in _CONTACT_FIELDS if field in chosen)


class _Reader:
    """Queries fetched in chunks into Arrow tables, with the dialect's small differences."""

    def __init__(
        self, connection: Connection, as_of: datetime, between: tuple[int, int] | None = None
    ) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.as_of = as_of
        self.between = between

    def among(self, column: str) -> str:
        """The condition keeping the contacts asked for (none: every contact)."""
        return "" if self.between is None else f" AND {column} BETWEEN :lo AND :hi"

    def bind_as_of(self) -> object:
        if self.postgres:
            return self.as_of
        return self.as_of.replace(tzinfo=None).isoformat(" ", "microseconds")

    def json(self, column: str) -> str:
        return f"{column}::text" if self.postgres else column

    def time(self, column: str) -> str:
        """Exact microseconds on PostgreSQL; SQLite's stored text is parsed by Arrow."""
        if self.postgres:
            return f"(extract(epoch from {column}) * 1000000)::bigint"
        return column

    def table(self, sql: str, names: Sequence[str]) -> pa.Table:
        params: dict[str, object] = {"as_of": self.bind_as_of()}
        if self.between is not None:
            params["lo"], params["hi"] = self.between
        result = self.connection.exec_driver_sql(_params(sql, self.postgres), params)
        chunks: list[list[list[Any]]] = [[] for _ in names]
        while rows := result.fetchmany(_CHUNK):
            for index, values in enumerate(zip(*rows, strict=True)):
                chunks[index].append(list(values))
        return pa.table({name: _array(parts) for name, parts in zip(names, chunks, strict=True)})

    def micros(self, column: pa.ChunkedArray) -> Ints:
        array = column.combine_chunks() if column.num_chunks else pa.array([], pa.int64())
        if pa.types.is_string(array.type) or pa.types.is_null(array.type):
            array = array.cast(pa.string()).cast(pa.timestamp("us")).cast(pa.int64())
        filled = array.cast(pa.int64()).fill_null(MISSING_TIME)
        return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.int64)


def _params(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql
    for name in ("as_of", "lo", "hi"):
        sql = sql.replace(f":{name}", f"%({name})s")
    return sql


def _array(parts: list[list[Any]]) -> pa.ChunkedArray:
    arrays = [pa.array(part) for part in parts]
    if not arrays:
        return pa.chunked_array([], pa.null())
    kinds = {a.type for a in arrays if not pa.types.is_null(a.type)}
    if len(kinds) > 1:  # e.g. ints in one chunk, floats in another
        return pa.chunked_array([pa.array([value for part in parts for value in part])])
    kind = kinds.pop() if kinds else pa.null()
    return pa.chunked_array([a.cast(kind) for a in arrays], kind)


def _contacts_sql(reader: _Reader, fields: Sequence[str]) -> str:
    expressions = {
        **{f"c_{name}": f"c.{name}" for name in CONTACT_COLUMNS},
        **{name: f"c.{name}" for name in (*_SOURCE.values(), "purchased", "identity")},
        "c_attributes": reader.json("c.attributes"),
        **{f"a_{name}": f"a.{name}" for name in ACCOUNT_COLUMNS},
        "a_attributes": reader.json("a.attributes"),
        "stage": "q.stage",
        "recycled_at": reader.time("q.recycled_at"),
    }
    chosen = ", ".join(expressions[field] for field in fields)
    created = "c.created_at <= :as_of"
    return (
        f"SELECT c.id, {chosen}"
        " FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id"
        " LEFT JOIN qualifications q ON q.contact_id = c.id"
        f" WHERE c.merged_into_id IS NULL AND {created}{reader.among('c.id')} ORDER BY c.id"
    )


def _attributes(table: pa.Table, wanted: _Wanted) -> dict[str, Column]:
    """Columns win over the JSON document's keys, as in the real-time path."""
    attributes: dict[str, Column] = {}
    for namespace, (prefix, names) in _NAMESPACES.items():
        if not wanted.any_of(namespace):
            continue
        documents = _documents(table[f"{prefix}attributes"])
        keys = set(names) | {
            key for doc in documents.python_values() if isinstance(doc, dict) for key in doc
        }
        for key in sorted(key for key in keys if wanted.wants(namespace, key)):
            column = Column.from_arrow(table[f"{prefix}{key}"]) if key in names else None
            attributes[f"{namespace}.{key}"] = _merged(column, documents, key)
    for path, name in _SOURCE.items():
        if wanted.wants("source", path[7:]):
            # Source values are read as text (services/facts.py: str(value)).
            attributes[path] = Column.from_arrow(table[name].cast(pa.string()))
    return attributes


def _documents(column: pa.ChunkedArray) -> Column:
    """JSON text per row, decoded once per distinct text."""
    texts = Column.from_arrow(column.cast(pa.string()))
    return Column(texts.codes, [json.loads(str(text)) for text in texts.python_values()])


def _merged(column: Column | None, documents: Column, key: str) -> Column:
    from_docs = [
        doc.get(key) if isinstance(doc, dict) else None for doc in documents.python_values()
    ]
    encoded = Column.from_python(from_docs)
    doc_codes = np.append(encoded.codes, -1)[documents.codes]
    if column is None:
        return Column(doc_codes, encoded.values)
    values = [*column.python_values(), *encoded.python_values()]
    shifted = np.where(doc_codes >= 0, doc_codes + len(column.values), -1)
    return Column(np.where(column.codes >= 0, column.codes, shifted).astype(np.int32), values)


def _rows(ids: Ints, contact_ids: npt.NDArray[Any]) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Rows of the contacts named, and which of them are among ``ids``."""
    found = np.searchsorted(ids, contact_ids)
    inside = found < ids.shape[0]
    known = np.zeros(found.shape[0], dtype=bool)
    known[inside] = ids[found[inside]] == contact_ids[inside]
    return found, known


def _latest(reader: _Reader, ids: Ints, sql: str, names: Sequence[str]) -> tuple[pa.Table, Ints]:
    """A side table ordered so that each contact's first row is the one that counts."""
    table = reader.table(sql, ("contact_id", *names))
    contact = np.asarray(table["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    first = np.ones(contact.shape[0], dtype=bool)
    first[1:] = contact[1:] != contact[:-1]
    keep = np.flatnonzero(first & known)
    return table.take(pa.array(keep)), rows[keep]


def _bant(reader: _Reader, ids: Ints) -> dict[str, BantColumns]:
    facts = reader.table(
        "SELECT contact_id, criterion, met, evidence FROM bant_facts WHERE at <= :as_of"
        " ORDER BY contact_id, criterion, at, id",
        ("contact_id", "criterion", "met", "evidence"),
    )
    size = ids.shape[0]
    met = {key: np.full(size, -1, np.int8) for key in BANT_KEYS}
    said: dict[str, list[object]] = {key: [None] * size for key in BANT_KEYS}
    contact = np.asarray(facts["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    listed = zip(
        rows.tolist(), known.tolist(), facts["criterion"].to_pylist(),
        facts["met"].to_pylist(), facts["evidence"].to_pylist(), strict=True,
    )  # fmt: skip
    for row, ok, criterion, verdict, evidence in listed:
        if ok and criterion in met:  # later rows overwrite: the latest fact counts
            met[criterion][row] = -1 if verdict is None else int(bool(verdict))
            said[criterion][row] = evidence
    return {key: BantColumns(met[key], Column.from_python(said[key])) for key in BANT_KEYS}


def _accepted(reader: _Reader, ids: Ints) -> npt.NDArray[np.int8]:
    table, rows = _latest(
        reader,
        ids,
        # Sales' answer to the latest hand-off as of the moment (services' sales_answer).
        "SELECT contact_id, CASE WHEN answered_at <= :as_of THEN status END AS status"
        " FROM handoffs WHERE at <= :as_of ORDER BY contact_id, at DESC, id DESC",
        ("status",),
    )
    answer = np.full(ids.shape[0], -1, np.int8)
    codes = {"accepted": 1, "rejected": 0}
    statuses = table["status"].to_pylist()
    answer[rows] = np.array([codes.get(str(status), -1) for status in statuses], np.int8)
    return answer


def _opportunity(reader: _Reader, ids: Ints) -> OpportunityColumns:
    table, rows = _latest(
        reader,
        ids,
        f"SELECT contact_id, status, amount, {reader.time('created_at')},"
        f" {reader.time('closed_at')} FROM opportunities"
        " WHERE contact_id IS NOT NULL"  # a company's deal (imported) is nobody's fact
        " ORDER BY contact_id, created_at DESC, id DESC",
        ("status", "amount", "created_at", "closed_at"),
    )
    size = ids.shape[0]
    deal = OpportunityColumns.none(size)
    status = Column.from_arrow(table["status"].cast(pa.string()))
    codes = np.full(size, -1, np.int32)
    codes[rows] = status.codes
    amount = deal.amount.copy()
    amount[rows] = pc.fill_null(table["amount"].cast(pa.float64()), np.nan).to_numpy(
        zero_copy_only=False
    )
    created = deal.created_us.copy()
    created[rows] = reader.micros(table["created_at"])
    closed = deal.closed_us.copy()
    closed[rows] = reader.micros(table["closed_at"])
    return OpportunityColumns(Column(codes, status.values), amount, created, closed)


def _conversations(reader: _Reader, ids: Ints) -> ConversationFrame:
    table = reader.table(
        f"SELECT contact_id, {reader.time('at')}, outcome FROM conversations ORDER BY contact_id",
        ("contact_id", "at", "outcome"),
    )
    contact = np.asarray(table["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    keep = np.flatnonzero(known)
    outcome = Column.from_arrow(table["outcome"].cast(pa.string()))
    return ConversationFrame(rows[keep], reader.micros(table["at"])[keep], outcome.take(keep))


def _consents(reader: _Reader, ids: Ints) -> dict[str, Column]:
    table = reader.table(
        as_of_sql(reader.among("contact_id"), reader.among("h.contact_id")),
        ("contact_id", "channel", "status"),
    )
    contact = np.asarray(table["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    found: dict[str, list[object]] = {}
    listed = zip(
        rows.tolist(),
        known.tolist(),
        table["channel"].to_pylist(),
        table["status"].to_pylist(),
        strict=True,
    )
    for row, ok, channel, status in listed:
        if ok:
            # Not setdefault: its default (a list as long as the store) would be built for
            # every consent row, which made reading 1M contacts quadratic.
            values = found.get(str(channel))
            if values is None:
                values = found[str(channel)] = [None] * ids.shape[0]
            values[row] = str(status)
    return {channel: Column.from_python(values) for channel, values in found.items()}


def _events(reader: _Reader, ids: Ints, types: Collection[str] | None) -> EventFrame:
    if types is not None and not types:
        return EventFrame.empty()
    table = reader.table(
        f"SELECT e.contact_id, e.type, {reader.time('e.at')}, {reader.json('e.properties')}"
        " FROM events e JOIN contacts c ON c.id = e.contact_id"
        f" WHERE c.merged_into_id IS NULL AND e.at <= :as_of{reader.among('e.contact_id')}"
        f"{_type_filter(types)} ORDER BY e.contact_id",
        ("contact_id", "type", "at", "properties"),
    )
    contact = np.asarray(table["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    keep = np.flatnonzero(known)
    kinds = Column.from_arrow(table["type"].cast(pa.string()))
    documents = _documents(table["properties"])
    keys = sorted(
        {key for doc in documents.python_values() if isinstance(doc, dict) for key in doc}
    )
    properties = {key: _merged(None, documents, key).take(keep) for key in keys}
    return EventFrame(
        row=rows[keep].astype(np.int32),
        type_code=kinds.codes[keep].astype(np.int16),
        types=tuple(str(name) for name in kinds.python_values()),
        at_us=reader.micros(table["at"])[keep],
        properties=properties,
    )


def _type_filter(types: Collection[str] | None) -> str:
    """The types as SQL literals (the reader binds only the moment and the id range);
    event types are snake_case words, and a quote would be doubled all the same."""
    if types is None:
        return ""
    listed = ", ".join("'" + kind.replace("'", "''") + "'" for kind in sorted(types))
    return f" AND e.type IN ({listed})"


@dataclass(frozen=True, slots=True, eq=False)
class SideTable:
    """Rows of a side table that belong to known contacts, with their contact rows."""

    table: pa.Table
    rows: Ints
    reader: _Reader

    def times(self, name: str) -> Ints:
        return self.reader.micros(self.table[name])

    def values(self, name: str) -> list[Any]:
        listed: list[Any] = self.table[name].to_pylist()
        return listed


class _Times(dict[str, str]):
    """``{column}`` in a query becomes the dialect's exact-microseconds expression."""

    def __init__(self, reader: _Reader) -> None:
        super().__init__()
        self.reader = reader

    def __missing__(self, key: str) -> str:
        return self.reader.time(key)


def side_table(
    connection: Connection, as_of: datetime, sql: str, ids: Ints, names: Sequence[str]
) -> SideTable:
    """Run ``sql`` (first column: a contact id; ``{column}`` marks a time column) and keep
    the rows of the contacts in ``ids``, in the query's order."""
    reader = _Reader(connection, as_of)
    table = reader.table(sql.format_map(_Times(reader)), ("contact_id", *names))
    contact = np.asarray(table["contact_id"].to_numpy(zero_copy_only=False), dtype=np.int64)
    rows, known = _rows(ids, contact)
    keep = np.flatnonzero(known)
    return SideTable(table.take(pa.array(keep, pa.int64())), rows[keep], reader)
