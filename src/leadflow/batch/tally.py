"""Fold one partition of events into per-contact tallies, one per slot of the definition.

This is the vectorised twin of ``engine.activity.bucket_events``/``read_buckets``: the
same slots (engine/layout.py), the same questions, answered for every contact of a
partition at once:

    count      matching events up to ``now``                      (every slot)
    total      decayed points before the cap                       (engagement rules)
    last       the latest matching event's time, and its type's rank (sales actions,
               ``once`` rules); ties on time go to the greater type name, as in
               ``engine.activity.is_later``
    found      matching events inside the window                   (windowed event tests)

Events are grouped by type once (``np.flatnonzero``); each slot then takes the groups of
its types, filters them by its property globs through a look-up table built once per
distinct property value (``EventLookups``), and reduces them per contact with
``np.bincount`` (sums, counts) and ``np.maximum.reduceat`` (latest times): events of a
contact are contiguous, so a matched subset stays sorted by contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import MISSING_TIME, Column, EventFrame
from leadflow.engine.activity import Slot, SlotKind
from leadflow.engine.layout import SlotLayout

__all__ = ["EventLookups", "SlotTally", "tally_events"]

_MICROSECOND = timedelta(microseconds=1)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


@dataclass(slots=True, eq=False)
class SlotTally:
    """One slot's answer for every contact of a partition (arrays indexed by row)."""

    count: Ints
    total: Floats | None = None
    last_us: Ints | None = None
    last_rank: Ints | None = None  # rank of the latest event's type name; -1: none
    found: Ints | None = None
    folded: bool = False  # whether any type has been added yet

    @classmethod
    def empty(cls, slot: Slot, rows: int) -> SlotTally:
        tally = cls(np.zeros(rows, np.int64))
        if slot.kind == SlotKind.ENGAGEMENT:
            tally.total = np.zeros(rows)
        if slot.once or slot.keeps_last:
            tally.last_us = np.full(rows, MISSING_TIME, np.int64)
            tally.last_rank = np.full(rows, -1, np.int64)
        if slot.kind == SlotKind.TEST and slot.within is not None:
            tally.found = np.zeros(rows, np.int64)
        return tally


class EventLookups:
    """What each slot asks of an event's type and properties, answered once per value.

    Per tuple of type names (a frame's ``types``): the type codes each slot accepts, in
    type-name order (so a later type name wins a tie on time), and each type's rank in
    name order. Per slot reading one property and per distinct value of that property:
    whether the slot accepts it (the last entry: the property is absent). Answers are
    remembered across partitions that share a dictionary.
    """

    def __init__(self, layout: SlotLayout) -> None:
        self.layout = layout
        self._types: dict[tuple[str, ...], tuple[dict[int, tuple[int, ...]], Ints]] = {}
        self._tables: dict[tuple[int, int], tuple[object, Flags]] = {}

    def for_types(self, types: tuple[str, ...]) -> tuple[dict[int, tuple[int, ...]], Ints]:
        found = self._types.get(types)
        if found is None:
            order = sorted(range(len(types)), key=lambda code: types[code])
            rank = np.empty(len(types), np.int64)
            rank[order] = np.arange(len(types))
            codes = {
                slot.id: tuple(code for code in order if types[code] in slot.types)
                for slot in self.layout.slots
            }
            found = self._types[types] = (codes, rank)
        return found

    def table(self, slot: Slot, key: str, column: Column | None) -> Flags:
        values = None if column is None else column.values
        cache_key = (slot.id, id(values))
        found = self._tables.get(cache_key)
        if found is None or found[0] is not values:
            found = self._tables[cache_key] = (values, _value_table(slot, key, column))
        return found[1]


def _value_table(slot: Slot, key: str, column: Column | None) -> Flags:
    """Whether the slot accepts an event whose ``key`` property has each distinct value."""
    accepts = slot.accepts
    assert accepts is not None
    values = [] if column is None else column.python_values()
    table = [accepts({key: value}) for value in values]
    table.append(accepts({}))
    return np.array(table, dtype=bool)


class _Group:
    """The events of one type in a partition, gathered once for every slot that reads it:
    their rows and times, the runs of each contact (for slots that take every event of
    the type), their property codes and decay factors (for slots that share them)."""

    __slots__ = ("_age", "_codes", "_decay", "_runs", "at_us", "index", "now_seconds", "rows")

    def __init__(self, index: Ints, events: EventFrame, now_us: int) -> None:
        self.index = index
        self.rows = events.row[index]
        self.at_us = events.at_us[index]
        self.now_seconds = now_us / 1e6
        self._age: Floats | None = None
        self._decay: dict[float, Floats] = {}
        self._runs: tuple[Ints, Ints, Ints] | None = None
        self._codes: dict[str, npt.NDArray[np.integer[Any]]] = {}

    def runs(self) -> tuple[Ints, Ints, Ints]:
        if self._runs is None:
            self._runs = runs_of(self.rows)
        return self._runs

    def codes(self, key: str, column: Column) -> npt.NDArray[np.integer[Any]]:
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = column.codes[self.index]
        return found

    def factors(self, half_life_seconds: float) -> Floats:
        """0.5^((now − at) / half-life) per event, shared by rules with the same half-life.

        The age is ``now.timestamp() − at.timestamp()`` as the engine computes it. A
        half-life that divides one already computed by 2, 3 or 4 reuses its factors
        (0.5^(2a) = (0.5^a)², a multiplication instead of an exponential)."""
        found = self._decay.get(half_life_seconds)
        if found is not None:
            return found
        for known, factors in self._decay.items():
            ratio = known / half_life_seconds
            if ratio in (2.0, 3.0, 4.0):
                found = factors * factors
                for _ in range(int(ratio) - 2):
                    found *= factors
                break
        else:
            if self._age is None:
                age = self.at_us / 1e6
                np.subtract(self.now_seconds, age, out=age)
                self._age = age
            found = self._age / -half_life_seconds
            np.exp2(found, out=found)
        self._decay[half_life_seconds] = found
        return found


def runs_of(rows: npt.NDArray[np.integer[Any]]) -> tuple[Ints, Ints, Ints]:
    """For rows in order: where each contact's run starts, whose it is, how long it is."""
    size = rows.shape[0]
    if size == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    change = np.flatnonzero(rows[1:] != rows[:-1])
    starts = np.empty(change.shape[0] + 1, dtype=np.int64)
    starts[0] = 0
    np.add(change, 1, out=starts[1:])
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = size
    return starts, rows[starts].astype(np.int64), ends - starts


def _groups(events: EventFrame, wanted: set[int], now_us: int) -> dict[int, _Group]:
    """The partition's events split by type with one stable sort (each group stays in
    row order), leaving out types no slot reads and events after ``now``."""
    codes = events.type_code
    if int(events.at_us.max()) > now_us:  # the future has not happened yet
        codes = np.where(events.at_us <= now_us, codes, -1)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    groups = {}
    # Needles of the haystack's dtype: a mixed search would copy the whole column.
    needles = np.arange(-1, len(events.types) + 1).astype(ordered.dtype)
    bounds = np.searchsorted(ordered, needles)
    for code in sorted(wanted):
        start, stop = int(bounds[code + 1]), int(bounds[code + 2])
        if stop > start:
            groups[code] = _Group(order[start:stop], events, now_us)
    return groups


def tally_events(
    layout: SlotLayout, lookups: EventLookups, events: EventFrame, rows: int, now_us: int
) -> list[SlotTally]:
    """Every slot's tally for the ``rows`` contacts of one partition, at ``now_us``."""
    tallies = [SlotTally.empty(slot, rows) for slot in layout.slots]
    if events.size == 0:
        return tallies
    type_codes, rank = lookups.for_types(events.types)
    wanted = {code for codes in type_codes.values() for code in codes}
    groups = _groups(events, wanted, now_us)
    for slot in layout.slots:
        tally = tallies[slot.id]
        for code in type_codes[slot.id]:
            group = groups.get(code)
            if group is None:
                continue
            chosen = _accepted(slot, lookups, events, group)
            if chosen is None or chosen.any():
                _fold(slot, tally, group, chosen, int(rank[code]), now_us)
    for slot in layout.slots:
        _finish(slot, tallies[slot.id], now_us)
    return tallies


def _accepted(slot: Slot, lookups: EventLookups, events: EventFrame, group: _Group) -> Flags | None:
    """Which events of the group the slot's property globs accept (None: all of them)."""
    if slot.accepts is None:
        return None
    if len(slot.reads) == 1:
        key = slot.reads[0]
        column = events.properties.get(key)
        table = lookups.table(slot, key, column)
        if column is None:
            return None if bool(table[-1]) else np.zeros(group.index.size, dtype=bool)
        chosen: Flags = table[group.codes(key, column)]
        return chosen
    return _combinations(slot, events, group.index)


def _combinations(slot: Slot, events: EventFrame, group: Ints) -> Flags:
    """A slot reading several properties: test each distinct combination of their values."""
    accepts = slot.accepts
    assert accepts is not None
    columns = [events.properties.get(key) for key in slot.reads]
    codes = np.stack(
        [np.full(group.size, -1, np.int32) if c is None else c.codes[group] for c in columns]
    )
    distinct, inverse = np.unique(codes, axis=1, return_inverse=True)
    values = [[] if c is None else c.python_values() for c in columns]
    verdicts = np.array(
        [
            accepts(
                {
                    key: vals[code]
                    for key, vals, code in zip(slot.reads, values, combo.tolist(), strict=True)
                    if code >= 0
                }
            )
            for combo in distinct.T
        ],
        dtype=bool,
    )
    chosen: Flags = verdicts[inverse.reshape(-1)]
    return chosen


def _fold(
    slot: Slot,
    tally: SlotTally,
    group: _Group,
    chosen: Flags | None,
    rank: int,
    now_us: int,
) -> None:
    """Add one type's matching events to a slot's tally.

    A group's events are in row order, so each contact's are one run, and ``reduceat``
    sums (or takes the latest of) each run. A slot that filters by property reduces the
    whole group with the rejected events weighted 0 (or dated never), which reuses the
    group's runs instead of finding new ones. A slot's first type assigns instead of
    adding (its tally is still zero).
    """
    starts, owners, counts = group.runs()
    if chosen is not None:
        counts = np.add.reduceat(chosen, starts, dtype=np.int64)
    first = not tally.folded
    tally.folded = True
    _add(tally.count, owners, counts, first)
    if tally.total is not None and not slot.once and slot.half_life_seconds is not None:
        factors = group.factors(slot.half_life_seconds)
        weights = factors if chosen is None else factors * chosen
        _add(tally.total, owners, slot.points * np.add.reduceat(weights, starts), first)
    if tally.last_us is not None and tally.last_rank is not None:
        at = group.at_us if chosen is None else np.where(chosen, group.at_us, MISSING_TIME)
        latest = np.maximum.reduceat(at, starts)
        # Types come in name order: ">=" lets the greater type name win a tie on time.
        later = (latest >= tally.last_us[owners]) & (counts > 0)
        tally.last_us[owners[later]] = latest[later]
        tally.last_rank[owners[later]] = rank
    if tally.found is not None and slot.within is not None:
        inside = group.at_us >= now_us - _micros(slot)
        if chosen is not None:
            inside &= chosen
        _add(tally.found, owners, np.add.reduceat(inside, starts, dtype=np.int64), first)


def _add(target: npt.NDArray[Any], owners: Ints, values: npt.NDArray[Any], first: bool) -> None:
    if first:
        target[owners] = values
    else:
        target[owners] += values


def _micros(slot: Slot) -> int:
    assert slot.within is not None
    return int(slot.within // _MICROSECOND)


def _finish(slot: Slot, tally: SlotTally, now_us: int) -> None:
    """Totals that are not sums of decayed terms: ``once`` rules, rules that never fade."""
    if tally.total is None:
        return
    if slot.once:
        assert tally.last_us is not None
        seen = tally.count > 0
        # The age as the engine has it: (now − last).total_seconds(), from microseconds.
        age = (now_us - np.where(seen, tally.last_us, now_us)) / 1e6
        factor = 1.0 if slot.half_life_seconds is None else np.exp2(-(age / slot.half_life_seconds))
        tally.total = np.where(seen, slot.points * factor, 0.0)
    elif slot.half_life_seconds is None:
        # One multiplication, as the engine does for equal terms.
        tally.total = slot.points * tally.count.astype(np.float64)
