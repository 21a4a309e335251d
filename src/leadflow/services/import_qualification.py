"""Qualify the contacts an import created, changed or merged into, in its transaction.

Two ways, one answer:

* **one by one**, with the real-time path's own code (``services.requalify``): exact for
  any contact (its history, hand-offs, webhooks), about 230 µs a contact on the test
  machine (docs/importing.md, *Speed*);
* **at once**, for the many contacts a large file *creates*: the batch engine
  (``batch/``, the same verdicts as the real-time engine field for field) qualifies them
  together, and their rows are written with one executemany per table, for about a
  third of the cost. A contact the import created has no events, no sales facts and no
  stage, so what the real-time path would do with it is small and known: qualify it at
  the import's moment, move it into its target stage ("entered the funnel", dated when
  the contact was created if that is earlier: the CRM's creation date), write the
  ledger line and the ``stage.changed`` message, and store the empty activity summary.
  The batch path writes exactly that (a test compares the two paths' rows).

What the batch path leaves to the one-by-one path: contacts changed or merged into (they
have a history), a created contact the batch finds sales-ready (a definition that needs
no sales action: its hand-off is the real-time path's), one whose record is dated after
the import's moment (the batch reads the store as of that moment), and everything when
the active definition uses a learned model (its prediction is the real-time path's).

The batch path reads the store for a range of ids at a time (``_CHUNK`` created
contacts), so its memory stays bounded; it is taken from ``_BATCH_FROM`` created contacts.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import datetime
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from leadflow.batch.attributes import attribute_paths
from leadflow.batch.lifecycle import Moves, advance_all, stage_codes
from leadflow.batch.qualify import qualify_frames
from leadflow.batch.result import BatchResult
from leadflow.batch.store import read_store
from leadflow.domain.lifecycle import Transition
from leadflow.domain.vocabulary import Grade, LeadType, Temperature
from leadflow.engine.summary import ActivitySummary
from leadflow.services.bulk_insert import insert_rows
from leadflow.services.definitions import (
    ActiveDefinition,
    NoActiveDefinitionError,
    active_definition,
)
from leadflow.services.outbox import STAGE_CHANGED
from leadflow.services.requalify import requalify_contact
from leadflow.store.driver import driver_for, json_text
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_qualification import QUALIFICATION_COLUMNS

__all__ = ["qualify_imported"]

# Below this many created contacts, one by one: the batch engine's fixed cost (frames,
# compiled kernels: 1-2 s) exceeds what it saves (about 170 µs a contact, docs/importing.md).
_BATCH_FROM = 10_000
# Created contacts qualified together: a range of ids read into frames at a time, so
# memory stays bounded whatever the file's size (about 2.5 kB of frames a contact).
_CHUNK = 50_000

_QUALIFICATION_ROW = ("contact_id", *QUALIFICATION_COLUMNS, "updated_at")
_LEDGER_ROW = ("contact_id", "from_stage", "to_stage", "at", "rule", "actor", "reason",
               "definition_version_id", "event_id")  # fmt: skip
_OUTBOX_ROW = ("id", "kind", "payload", "created_at", "dispatched_at")


def qualify_imported(
    connection: Connection,
    touched: Collection[int],
    created: Collection[int],
    merged_into: Collection[int],
    now: datetime,
    *,
    in_batch: bool | None = None,
) -> int | None:
    """Qualify every ``touched`` contact (repeats allowed); ``created``: those the import
    created, ``merged_into``: survivors of its merges (they have a history). The number
    qualified, or None when the store has no active definition. ``in_batch`` None: the
    batch path from ``_BATCH_FROM`` created contacts."""
    every = _distinct(np.asarray(touched, dtype=np.int64))
    if every.size == 0:
        return 0
    with Session(bind=connection) as session:
        try:
            active = active_definition(session)
        except NoActiveDefinitionError:
            return None
    fresh = _distinct(np.asarray(created, dtype=np.int64))
    survivors = np.fromiter(merged_into, dtype=np.int64, count=len(merged_into))
    fresh = fresh[np.isin(fresh, every) & ~np.isin(fresh, survivors)]
    left = every[~np.isin(every, fresh)]  # one by one: they have a history
    if getattr(active, "model", None) is None and _worth_a_batch(fresh.size, in_batch):
        undone = [left]
        for start in range(0, fresh.size, _CHUNK):
            chunk = fresh[start : start + _CHUNK]
            done = _qualify_at_once(connection, chunk, active, now)
            undone.append(chunk[~np.isin(chunk, done)])
        left = _distinct(np.concatenate(undone))
    else:
        left = every
    store = RealtimeStore(driver_for(connection))
    for contact_id in left.tolist():
        store.lock_contact(contact_id)
        requalify_contact(store, contact_id, active, now)
    return int(every.size)


def _distinct(ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct ids, ascending. By sorting: NumPy 2's ``unique`` hashes, which takes
    0.5 s for a million ids against 15 ms."""
    ordered = np.sort(ids)
    keep = np.ones(ordered.shape[0], dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _worth_a_batch(created: int, forced: bool | None) -> bool:
    return forced if forced is not None else created >= _BATCH_FROM


def _qualify_at_once(
    connection: Connection, created: npt.NDArray[np.int64], active: ActiveDefinition, now: datetime
) -> npt.NDArray[np.int64]:
    """Qualify and write the created contacts (ascending ids) the batch path can do;
    their ids. The store is read for this range of ids only."""
    definition = active.definition
    between = (int(created[0]), int(created[-1]))
    paths = attribute_paths(definition)  # only what the tests read is read back
    frames = read_store(connection, as_of=now, between=between, paths=paths)
    result = qualify_frames(definition, frames.contacts, frames.events, now)
    moves = advance_all(stage_codes(frames.stage, definition.stage_ids), frames.recycled_us, result)
    ids = frames.contacts.ids
    with_events = np.zeros(ids.shape[0], dtype=bool)
    with_events[np.asarray(frames.events.row, dtype=np.int64)] = True
    wanted = np.isin(ids, created)
    rows = np.flatnonzero(wanted & ~with_events & ~result.sales_ready)
    rows = rows[~np.isin(ids[rows], _dated_later(connection, now))]
    _write_at_once(connection, result, moves, rows, active, now)
    return np.asarray(ids[rows], dtype=np.int64)


def _write_at_once(
    connection: Connection,
    result: BatchResult,
    moves: Moves,
    rows: npt.NDArray[np.intp],
    active: ActiveDefinition,
    now: datetime,
) -> None:
    """The rows the real-time path would write for these created contacts, column by
    column: every one enters the funnel (it had no stage), so the ledger line and the
    message of one target stage are the same but for the contact's id."""
    driver, definition, version_id = driver_for(connection), active.definition, active.version_id
    at = driver.instant(now)
    contact_ids = result.contacts.ids[rows].tolist()
    targets = np.where(moves.why[rows] > 0, result.stage[rows], -1).tolist()
    stages = [None if code < 0 else definition.stages[code].id for code in targets]
    # Each enters the funnel when it was created, if earlier (requalify._entry_moment).
    entries_at = _entry_instants(connection, contact_ids, now)
    entered = [
        None if stage is None else entries_at[cid]
        for cid, stage in zip(contact_ids, stages, strict=True)
    ]
    versions = [None if stage is None else definition.version for stage in stages]
    state = driver.document_text(json_text(ActivitySummary.of(definition, ()).to_data()))
    # In QUALIFICATION_COLUMNS order; the last Nones: the four off-ramp columns and the
    # prediction (the batch path runs only when no learned model is active). Without an
    # event or sales fact, the last activity is when the contact became known: its entry.
    known = [entries_at[cid] for cid in contact_ids]
    qualifications = zip(
        contact_ids, stages, result.fit[rows].tolist(),
        _words(Grade, result.grade[rows]), result.engagement[rows].tolist(),
        _words(Temperature, result.temperature[rows]), _words(LeadType, result.lead_type[rows]),
        repeat(False), repeat(version_id), repeat(state), repeat(at), entered, versions, stages,
        repeat(None), repeat(None), repeat(None), repeat(None), repeat(None), known, repeat(at),
    )  # fmt: skip
    insert_rows(connection, "qualifications", _QUALIFICATION_ROW, list(qualifications))
    listed = zip(contact_ids, rows.tolist(), stages, strict=True)
    moved = [(cid, row, stage) for cid, row, stage in listed if stage is not None]
    entries: dict[str, Transition] = {}
    for _, row, stage in moved:
        if stage not in entries:  # one per target stage: they differ in contact and moment
            entries[stage] = moves.transition(row, None)
    ledger = [
        (cid, None, stage, entries_at[cid], entries[stage].rule, None, entries[stage].reason[:500],
         version_id, None)
        for cid, _, stage in moved
    ]  # fmt: skip
    insert_rows(connection, "stage_transitions", _LEDGER_ROW, ledger)
    messages = {stage: _MessageText(entry) for stage, entry in entries.items()}
    texts = (messages[stage].text(cid, driver.iso_text(entries_at[cid])) for cid, _, stage in moved)
    outbox = [
        (message_id, STAGE_CHANGED, driver.document_text(text), at, None)
        for message_id, text in zip(_uuids(len(moved)), texts, strict=True)
    ]
    insert_rows(connection, "outbox_messages", _OUTBOX_ROW, outbox)


def _entry_instants(
    connection: Connection, contact_ids: list[int], now: datetime
) -> dict[int, object]:
    """Each contact's creation time, or ``now`` when that is later or unknown, as the
    store writes instants (compared in that form: no datetime is built for SQLite's text)."""
    driver = driver_for(connection)
    latest = driver.instant(now)
    entries = dict.fromkeys(contact_ids, latest)
    if not contact_ids:
        return entries
    rows = driver.all(
        "SELECT id, created_at FROM contacts WHERE id BETWEEN :first AND :last",
        {"first": min(contact_ids), "last": max(contact_ids)},
    )
    for contact_id, created in rows:
        if contact_id in entries and created is not None:
            stored: Any = driver.stored_instant(created)
            entries[contact_id] = min(stored, latest)
    return entries


class _MessageText:
    """The ``stage.changed`` message of one entry into a stage, as JSON text for any
    contact and moment: ``{"contact_id": ..., **transition.to_dict()}``, as
    ``outbox.announce_qualified`` writes it, serialised once and filled in per contact."""

    _AT = "@entry-moment@"

    def __init__(self, entry: Transition) -> None:
        text = json_text({"contact_id": 0, **entry.to_dict(), "at": self._AT})
        head, tail = text.split(f'"{self._AT}"')
        prefix = '{"contact_id":0,'
        if not head.startswith(prefix) or self._AT in tail:  # the layout json_text writes
            raise AssertionError(f"unexpected message layout: {text}")
        self._middle, self._tail = head.removeprefix(prefix), tail

    def text(self, contact_id: int, at_iso: str) -> str:
        return f'{{"contact_id":{contact_id},{self._middle}"{at_iso}"{self._tail}'


def _words(kind: type[Grade | Temperature | LeadType], codes: npt.NDArray[Any]) -> list[str]:
    values = [member.value for member in kind]
    return [values[code] for code in codes.tolist()]


def _uuids(count: int) -> list[str]:
    """Message ids as ``uuid.uuid4`` makes them (random, version 4, RFC 4122 variant),
    from one read of the random source instead of a system call and an object each."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    return [
        f"{text[at : at + 8]}-{text[at + 8 : at + 12]}-{text[at + 12 : at + 16]}-"
        f"{text[at + 16 : at + 20]}-{text[at + 20 : at + 32]}"
        for at in range(0, len(text), 32)
    ]


def _dated_later(connection: Connection, now: datetime) -> list[int]:
    """Contacts with consent dated after ``now``: the store read as of ``now`` lacks it."""
    driver = driver_for(connection)
    rows = driver.all(
        "SELECT contact_id FROM consents WHERE at > :now", {"now": driver.instant(now)}
    )
    return [int(row[0]) for row in rows]
