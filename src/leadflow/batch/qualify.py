"""Qualify every contact at once: ``qualify_frames`` (in memory) and ``qualify_partitions``.

Both cut the contacts into partitions of consecutive rows, run the kernel (kernel.py)
on each with that partition's events, and join the answers. Partitions hold about
``partition_events`` events, so the kernel's arrays stay small enough to live in the
processor's cache, and memory beyond the input is bounded by one partition.
``qualify_partitions`` takes the partitions' events from an iterator (the row groups of
a Parquet file, a query per block of contacts), so the events never need to be in memory
all at once.

The result equals ``engine.qualify(facts, definition, now, explain=False)`` for every
contact, field by field (tests/unit/batch/test_properties.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.fold import COMPILED
from leadflow.batch.frames import ContactFrame, EventFrame
from leadflow.batch.kernel import BantPart, Codes, Part, Run
from leadflow.batch.result import BatchResult
from leadflow.definition.model import Definition
from leadflow.domain.clock import ensure_utc
from leadflow.domain.facts import BANT_KEYS
from leadflow.engine.plan import plan_for

__all__ = [
    "DEFAULT_PARTITION_EVENTS",
    "partition_bounds",
    "properties_read",
    "qualify_frames",
    "qualify_partitions",
    "types_read",
]

# About a million events (some 20,000 contacts) per partition: the compiled fold works
# through a partition in blocks that fit the processor's cache whatever its size, so
# partitions only need to be large enough that the contact-side NumPy steps' per-call
# overhead is noise (5% less CPU than 260,000 on the 1M-contact benchmark), and small
# enough to add little to the peak memory (a few MB each) and to share out among threads.
DEFAULT_PARTITION_EVENTS = 1 << 20


def properties_read(definition: Definition) -> frozenset[str]:
    """The event properties a definition's rules look at (the only ones to load)."""
    return frozenset(key for slot in plan_for(definition).layout.slots for key in slot.reads)


def types_read(definition: Definition) -> frozenset[str]:
    """The event types a definition's rules look at: events of other types change no
    verdict, so a reader may leave them out (a filter pushed down to the scan)."""
    return frozenset(kind for slot in plan_for(definition).layout.slots for kind in slot.types)


def qualify_frames(
    definition: Definition,
    contacts: ContactFrame,
    events: EventFrame,
    now: datetime,
    *,
    partition_events: int = DEFAULT_PARTITION_EVENTS,
    workers: int = 1,
    attributes: dict[int, npt.NDArray[np.bool_]] | None = None,
    compiled: bool = COMPILED,
) -> BatchResult:
    """Qualify every contact of ``contacts`` from ``events`` (rows index ``contacts``).

    ``attributes``: the definition's attribute verdicts for these contacts, from
    ``batch.attributes.attribute_masks``, when several moments are qualified in a row.
    ``compiled``: fold events with the compiled loop (fold.py; the default where numba
    is installed) or with NumPy (tally.py); the answers are the same."""
    # No contacts still takes one (empty) partition: its verdicts have the right types,
    # so an empty workspace rescores and back-tests like any other.
    bounds = partition_bounds(events.row, contacts.size, partition_events) or [(0, 0)]
    blocks = ((first, stop, events.rows_slice(first, stop)) for first, stop in bounds)
    return qualify_partitions(
        definition, contacts, blocks, now, workers=workers, attributes=attributes, compiled=compiled
    )


def qualify_partitions(
    definition: Definition,
    contacts: ContactFrame,
    blocks: Iterable[tuple[int, int, EventFrame]],
    now: datetime,
    *,
    workers: int = 1,
    attributes: dict[int, npt.NDArray[np.bool_]] | None = None,
    compiled: bool = COMPILED,
) -> BatchResult:
    """Qualify from ``(first, stop, events)`` blocks covering rows 0..size in order; each
    block's events belong to rows ``first ≤ row < stop``, counted from ``first``.

    With ``workers`` > 1 partitions run on that many threads (numpy releases the GIL in
    its kernels); at most two blocks per worker are read ahead, so a stream of blocks
    still holds only a few in memory."""
    run = Run(definition, contacts, ensure_utc(now), attributes, compiled)
    columns = _Columns(contacts.size)
    expected = 0
    for first, stop, part in _run_blocks(run, blocks, workers):
        if first != expected:
            raise ValueError(f"partitions must cover the contacts in order: {first} != {expected}")
        if stop > contacts.size:
            raise ValueError(f"partitions covered {stop} of {contacts.size} contacts")
        columns.put(first, stop, part)
        expected = stop
    if expected != contacts.size:
        raise ValueError(f"partitions covered {expected} of {contacts.size} contacts")
    return columns.result(definition, run.now, contacts, run.standing.identity)


class _Columns:
    """The result's columns, allocated once at their full length: each partition's
    verdicts are copied into its rows and then dropped, so the verdicts are never held
    twice (as parts and as their concatenation)."""

    _FIELDS = (
        "fit", "grade", "engagement", "temperature", "lead_type", "action_us",
        "sales_ready", "reason", "stage",
    )  # fmt: skip

    def __init__(self, size: int) -> None:
        self.size = size
        self.arrays: dict[str, npt.NDArray[Any]] = {}
        self.names: list[str] = []  # action types in order of first sight

    def _column(self, name: str, like: npt.NDArray[Any]) -> npt.NDArray[Any]:
        found = self.arrays.get(name)
        if found is None:
            found = self.arrays[name] = np.empty(self.size, like.dtype)
        return found

    def put(self, first: int, stop: int, part: Part) -> None:
        for name in self._FIELDS:
            value = getattr(part, name)
            self._column(name, value)[first:stop] = value
        for key, bant in part.bant.items():
            for name in ("met", "source", "rule"):
                value = getattr(bant, name)
                self._column(f"bant.{key}.{name}", value)[first:stop] = value
        # Partitions may know different action types: ranks become positions in ``names``.
        for name in part.action_names:
            if name not in self.names:
                self.names.append(name)
        table = np.array([self.names.index(n) for n in part.action_names] + [-1], np.int16)
        self._column("action_rank", table)[first:stop] = table[part.action_rank]

    def result(
        self, definition: Definition, now: datetime, contacts: ContactFrame, identity: Codes
    ) -> BatchResult:
        names = sorted(self.names)
        # From first-sight positions to positions in name order (-1 stays -1).
        order = np.array([names.index(n) for n in self.names] + [-1], np.int16)
        ranks = self.arrays.get("action_rank")
        columns = {name: self.arrays.get(name, np.empty(0)) for name in self._FIELDS}
        bant = {
            key: BantPart(
                *(
                    self.arrays.get(f"bant.{key}.{name}", np.empty(0, np.int8))
                    for name in ("met", "source", "rule")
                )
            )
            for key in BANT_KEYS
        }
        return BatchResult(
            definition=definition,
            now=now,
            contacts=contacts,
            action_types=tuple(names),
            identity=identity,
            bant=bant,
            action_rank=np.empty(0, np.int16) if ranks is None else order[ranks],
            **columns,
        )


def _run_blocks(
    run: Run, blocks: Iterable[tuple[int, int, EventFrame]], workers: int
) -> Iterator[tuple[int, int, Part]]:
    if workers <= 1:
        for first, stop, events in blocks:
            yield first, stop, run.partition(first, stop, events)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[int, int, Future[Part]]] = deque()
        for first, stop, events in blocks:
            pending.append((first, stop, pool.submit(run.partition, first, stop, events)))
            if len(pending) >= 2 * workers:
                done_first, done_stop, future = pending.popleft()
                yield done_first, done_stop, future.result()
        while pending:
            done_first, done_stop, future = pending.popleft()
            yield done_first, done_stop, future.result()


def partition_bounds(
    rows: npt.NDArray[np.integer[Any]], contacts: int, target: int
) -> list[tuple[int, int]]:
    """Row ranges of about ``target`` events each; a contact is never split, and rows
    without events join a neighbouring range."""
    if contacts == 0:
        return []
    step = max(1, target)
    # The contact owning every step-th event starts a new partition.
    cuts = {int(row) for row in rows[step::step]}
    edges = sorted({0, contacts, *(cut for cut in cuts if 0 < cut < contacts)})
    return list(pairwise(edges))
