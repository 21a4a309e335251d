"""Frames from ``Facts`` objects: the batch engine over people built in Python.

This is the row-by-row way in (one Python object per person), meant for tests, small
sets and tools that already hold ``Facts``; the readers (parquet.py, store.py) build the
same frames column-wise from files and databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from leadflow.batch.frames import (
    MISSING_TIME,
    BantColumns,
    Column,
    ContactFrame,
    ConversationFrame,
    EventFrame,
    OpportunityColumns,
    instant,
    micros,
)
from leadflow.domain.facts import BANT_KEYS, Event, Facts, Source
from leadflow.domain.vocabulary import Identity

__all__ = ["facts_of_row", "frames_of"]

_SOURCE_KEYS = ("channel", "purchased", "campaign", "medium", "vendor")


def frames_of(people: Sequence[Facts]) -> tuple[ContactFrame, EventFrame]:
    """One contact row per person (ids 0..n-1) and their events, clustered by row."""
    attributes: dict[str, Column] = {}
    for namespace in ("contact", "account", "consent"):
        mappings = [getattr(facts, namespace) for facts in people]
        for key in sorted({key for mapping in mappings for key in mapping}):
            attributes[f"{namespace}.{key}"] = Column.from_python([m.get(key) for m in mappings])
    for key in _SOURCE_KEYS:
        attributes[f"source.{key}"] = Column.from_python(
            [getattr(facts.source, key) for facts in people]
        )
    contacts = ContactFrame(
        ids=np.arange(len(people), dtype=np.int64),
        attributes=attributes,
        identity=Column.from_python([facts.identity for facts in people]),
        purchased=np.array([bool(facts.source.purchased) for facts in people], dtype=bool),
        bant={key: _bant(people, key) for key in BANT_KEYS},
        accepted=_tri([facts.sales.accepted for facts in people]),
        opportunity=_opportunity(people),
        prediction=np.array(
            [np.nan if f.prediction is None else f.prediction for f in people], dtype=np.float64
        ),
        conversations=_conversations(people),
    )
    return contacts, _events(people)


def _tri(values: Sequence[bool | None]) -> npt.NDArray[np.int8]:
    return np.array([-1 if v is None else int(bool(v)) for v in values], dtype=np.int8)


def _bant(people: Sequence[Facts], key: str) -> BantColumns:
    facts = [person.bant.get(key) for person in people]
    return BantColumns(
        _tri([fact.met for fact in facts]), Column.from_python([fact.evidence for fact in facts])
    )


def _time(moment: datetime | None) -> int:
    return MISSING_TIME if moment is None else micros(moment)


def _opportunity(people: Sequence[Facts]) -> OpportunityColumns:
    deals = [person.sales.opportunity for person in people]
    return OpportunityColumns(
        status=Column.from_python([None if d is None else d.status for d in deals]),
        amount=np.array(
            [np.nan if d is None or d.amount is None else d.amount for d in deals], np.float64
        ),
        created_us=np.array([_time(None if d is None else d.created_at) for d in deals], np.int64),
        closed_us=np.array([_time(None if d is None else d.closed_at) for d in deals], np.int64),
    )


def _conversations(people: Sequence[Facts]) -> ConversationFrame:
    rows, times, outcomes = [], [], []
    for row, person in enumerate(people):
        for talk in person.sales.conversations:
            rows.append(row)
            times.append(micros(talk.at))
            outcomes.append(talk.outcome)
    return ConversationFrame(
        np.array(rows, np.int64), np.array(times, np.int64), Column.from_python(outcomes)
    )


def _events(people: Sequence[Facts]) -> EventFrame:
    types = tuple(sorted({event.type for person in people for event in person.events}))
    code = {name: index for index, name in enumerate(types)}
    keys = sorted({key for person in people for event in person.events for key in event.properties})
    rows, kinds, times = [], [], []
    values: dict[str, list[object]] = {key: [] for key in keys}
    for row, person in enumerate(people):
        for event in person.events:
            rows.append(row)
            kinds.append(code[event.type])
            times.append(micros(event.at))
            for key in keys:
                values[key].append(event.properties.get(key))
    return EventFrame(
        row=np.array(rows, np.int64),
        type_code=np.array(kinds, np.int16),
        types=types,
        at_us=np.array(times, np.int64),
        properties={key: Column.from_python(column) for key, column in values.items()},
    )


def facts_of_row(contacts: ContactFrame, events: EventFrame, row: int) -> Facts:
    """The ``Facts`` of one contact row, read back from the frames (events of that row
    only): what the real-time engine would be given for the same person."""
    attributes: dict[str, dict[str, object]] = {"contact": {}, "account": {}, "consent": {}}
    source: dict[str, object] = {}
    for path, column in contacts.attributes.items():
        namespace, _, key = path.partition(".")
        code = int(column.codes[row])
        if code < 0:
            continue
        value = _value(column, code)
        if namespace == "source":
            source[key] = value
        else:
            attributes[namespace][key] = value
    needles = np.array([row, row + 1], dtype=events.row.dtype)
    start, stop = (int(x) for x in np.searchsorted(events.row, needles))
    happened = tuple(
        Event(
            events.types[int(events.type_code[i])],
            instant(int(events.at_us[i])),
            {
                key: _value(column, int(column.codes[i]))
                for key, column in events.properties.items()
                if column.codes[i] >= 0
            },
        )
        for i in range(start, stop)
    )
    return Facts(
        contact=attributes["contact"],
        account=attributes["account"],
        consent={key: str(value) for key, value in attributes["consent"].items()},
        identity=_identity(contacts.identity, row),
        source=Source(
            channel=source.get("channel"),  # type: ignore[arg-type]  # stored text
            purchased=bool(contacts.purchased[row]),
            campaign=source.get("campaign"),  # type: ignore[arg-type]
            medium=source.get("medium"),  # type: ignore[arg-type]
            vendor=source.get("vendor"),  # type: ignore[arg-type]
        ),
        events=happened,
    )


def _value(column: Column, code: int) -> object:
    values = column.values
    if isinstance(values, pa.Array):
        return values[code].as_py()
    return values[code]


def _identity(column: Column, row: int) -> Identity:
    code = int(column.codes[row])
    value = _value(column, code) if code >= 0 else "known"
    try:
        return Identity(str(value))
    except ValueError:
        return Identity.KNOWN
