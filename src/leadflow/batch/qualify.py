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
from dataclasses import replace
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import ContactFrame, EventFrame
from leadflow.batch.kernel import Part, Run
from leadflow.batch.result import BatchResult
from leadflow.definition.model import Definition
from leadflow.domain.clock import ensure_utc
from leadflow.engine.plan import plan_for

__all__ = [
    "DEFAULT_PARTITION_EVENTS",
    "partition_bounds",
    "properties_read",
    "qualify_frames",
    "qualify_partitions",
]

# About 260,000 events per partition: large enough that numpy's per-call overhead is
# noise (the same CPU time as 1M or 4M), small enough that a partition's working set
# stays within a few MB of cache and adds little to the peak memory.
DEFAULT_PARTITION_EVENTS = 1 << 18


def properties_read(definition: Definition) -> frozenset[str]:
    """The event properties a definition's rules look at (the only ones to load)."""
    return frozenset(key for slot in plan_for(definition).layout.slots for key in slot.reads)


def qualify_frames(
    definition: Definition,
    contacts: ContactFrame,
    events: EventFrame,
    now: datetime,
    *,
    partition_events: int = DEFAULT_PARTITION_EVENTS,
    workers: int = 1,
    attributes: dict[int, npt.NDArray[np.bool_]] | None = None,
) -> BatchResult:
    """Qualify every contact of ``contacts`` from ``events`` (rows index ``contacts``).

    ``attributes``: the definition's attribute verdicts for these contacts, from
    ``batch.attributes.attribute_masks``, when several moments are qualified in a row."""
    bounds = partition_bounds(events.row, contacts.size, partition_events)
    blocks = ((first, stop, events.rows_slice(first, stop)) for first, stop in bounds)
    return qualify_partitions(
        definition, contacts, blocks, now, workers=workers, attributes=attributes
    )


def qualify_partitions(
    definition: Definition,
    contacts: ContactFrame,
    blocks: Iterable[tuple[int, int, EventFrame]],
    now: datetime,
    *,
    workers: int = 1,
    attributes: dict[int, npt.NDArray[np.bool_]] | None = None,
) -> BatchResult:
    """Qualify from ``(first, stop, events)`` blocks covering rows 0..size in order; each
    block's events belong to rows ``first ≤ row < stop``, counted from ``first``.

    With ``workers`` > 1 partitions run on that many threads (numpy releases the GIL in
    its kernels); at most two blocks per worker are read ahead, so a stream of blocks
    still holds only a few in memory."""
    run = Run(definition, contacts, ensure_utc(now), attributes)
    parts: list[Part] = []
    expected = 0
    for first, stop, part in _run_blocks(run, blocks, workers):
        if first != expected:
            raise ValueError(f"partitions must cover the contacts in order: {first} != {expected}")
        parts.append(part)
        expected = stop
    if expected != contacts.size:
        raise ValueError(f"partitions covered {expected} of {contacts.size} contacts")
    names = tuple(sorted({name for part in parts for name in part.action_names}))
    return BatchResult.concat(
        definition,
        run.now,
        contacts,
        run.standing.identity,
        names,
        [_renamed(p, names) for p in parts],
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


def _renamed(part: Part, names: tuple[str, ...]) -> Part:
    """Action types as positions in ``names`` (partitions may know different types)."""
    if part.action_names == names:
        return part
    table = np.array([names.index(name) for name in part.action_names] + [-1], dtype=np.int64)
    return replace(part, action_rank=table[part.action_rank], action_names=names)


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
