"""The event fold of one partition as one compiled pass over its events (numba).

The twin of ``tally.tally_events`` (which stays as the NumPy path, used when numba is
not installed, and as a second reference in the tests): the same slots, the same
answers, but instead of splitting events by type and reducing each slot's runs with
one NumPy call after another, a loop compiled by numba reads each event once and adds
it to every slot it feeds:

    count      +1                                        (every slot)
    total      + 0.5^(age / half-life)                   (engagement rules that fade)
    last       the latest time, ties to the greater type name   (sales actions, ``once``)
    found      +1 when at or after ``now − within``      (windowed event tests)

A partition's events are clustered by contact, so the running sums of one contact sit
in a few cache lines while its events go by; nothing the size of the events is
allocated. The tallies are arrays of ``slots × rows`` (one row of each per slot that
needs it), returned as the same ``SlotTally`` objects the NumPy path returns.

What a slot accepts is compiled once per frame dictionary into integer tables
(``_Routing``): per event type, the entries (slot, how it filters) that type feeds;
per entry, a look-up table of verdicts by property code (answered once per distinct
value with the engine's own glob test, as in ``EventLookups``). A slot that reads
several properties at once is rare; its verdicts are worked out per partition with
NumPy (``tally._combinations``) and handed to the loop as a mask.

Decay factors are computed once per event and distinct half-life of its type: a slot
whose half-life divides one already computed by 2, 3 or 4 takes that factor's square,
cube or fourth power.

The first call compiles the loops (a few seconds per combination of column types);
numba caches the machine code next to this file (``cache=True``), so later processes
load it instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import MISSING_TIME, EventFrame
from leadflow.batch.jit import COMPILED, jit
from leadflow.batch.tally import EventLookups, SlotTally, _combinations
from leadflow.engine.activity import Slot, SlotKind
from leadflow.engine.layout import SlotLayout

__all__ = ["COMPILED", "Folded", "Folder"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int16]
Rows = npt.NDArray[np.int32]  # rows of a block's events, or their places in the partition
Oks = npt.NDArray[np.uint8]  # 1: the slot takes the event

_MICROSECOND = timedelta(microseconds=1)

# Columns of the per-entry table (one entry per event type and slot it feeds).
_SLOT, _MODE, _PROP, _TABLE, _TABLE_LEN, _MASK, _BASE, _POWER = range(8)
# How an entry filters: every event, by a property's table, by a mask, or none at all.
_ALL, _LOOKUP, _MASKED, _NONE = range(4)
# Columns of the per-slot table: rows in the output arrays (-1: not kept), the cut-off.
_TOTAL, _TOTAL_KIND, _LAST, _FOUND, _CUTOFF = range(5)
# How a slot's total is made: decayed sum, ``once`` (the latest event), or count × points.
_NO_TOTAL, _SUM, _ONCE, _COUNT = range(4)


# Events are taken in blocks of this many: a block's events regrouped by type and the
# tallies of its few dozen contacts stay in the processor's cache while each slot goes
# over them.
_BLOCK = 4096


@jit
def _fold_events(
    rows: npt.NDArray[Any],
    types: npt.NDArray[Any],
    at_us: Ints,
    props: tuple[npt.NDArray[Any], ...],
    masks: npt.NDArray[np.bool_],
    now_us: int,
    type_start: Ints,
    type_rank: Ints,
    entries: Ints,
    tables: Flags,
    half_lives: Floats,
    slots: Ints,
    count: Ints,
    total: Floats,
    last_us: Ints,
    last_rank: Ints,
    found: Ints,
    future: bool,
) -> None:  # pragma: no cover - compiled; its results are tested against the engine
    """Block by block, type by type, entry by entry: each inner loop does one thing to a
    run of events in contact order, so its branches go the same way every time round and
    its writes walk forward through the tallies.

    A block's events are first regrouped by type (each type has a region of ``_BLOCK``
    places, so no counting pass is needed), then each type's events up to ``now`` are
    gathered into ``row``/``at``/``index`` and folded into the slots the type feeds."""
    type_count = type_start.shape[0] - 1
    place = np.empty(type_count, np.int64)
    grouped = np.empty(type_count * _BLOCK, np.int32)
    row = np.empty(_BLOCK, np.int32)
    at = np.empty(_BLOCK, np.int64)
    index = np.empty(_BLOCK, np.int32)
    factor = np.empty(_BLOCK)
    powered = np.empty(_BLOCK)
    ok = np.empty(_BLOCK, np.uint8)
    for first in range(0, rows.shape[0], _BLOCK):
        for kind in range(type_count):
            place[kind] = kind * _BLOCK
        for i in range(first, min(rows.shape[0], first + _BLOCK)):
            kind = types[i]
            grouped[place[kind]] = i
            place[kind] += 1
        for kind in range(type_count):
            if type_start[kind] == type_start[kind + 1]:
                continue  # a type no slot reads
            size = place[kind] - kind * _BLOCK
            if future:  # some events are after now: they have not happened yet
                size = _gather_past(
                    grouped, kind * _BLOCK, size, rows, at_us, now_us, row, at, index
                )
            else:
                for k in range(size):
                    i = grouped[kind * _BLOCK + k]
                    row[k] = rows[i]
                    at[k] = at_us[i]
                    index[k] = i
            if size:
                _fold_type(
                    kind, size, row, at, index, ok, factor, powered,
                    props, masks, now_us, type_start, type_rank, entries, tables, half_lives,
                    slots, count, total, last_us, last_rank, found,
                )  # fmt: skip


@jit
def _gather_past(
    grouped: npt.NDArray[np.int32],
    start: int,
    size: int,
    rows: npt.NDArray[Any],
    at_us: Ints,
    now_us: int,
    row: Rows,
    at: Ints,
    index: Rows,
) -> int:  # pragma: no cover - compiled
    """The gather, leaving out events after ``now``; how many are left."""
    kept = 0
    for k in range(start, start + size):
        i = grouped[k]
        row[kept] = rows[i]
        at[kept] = at_us[i]
        index[kept] = i
        kept += at_us[i] <= now_us
    return kept


@jit
def _fold_type(
    kind: int,
    size: int,
    row: Rows,
    at: Ints,
    index: Rows,
    ok: Oks,
    factor: Floats,
    powered: Floats,
    props: tuple[npt.NDArray[Any], ...],
    masks: npt.NDArray[np.bool_],
    now_us: int,
    type_start: Ints,
    type_rank: Ints,
    entries: Ints,
    tables: Flags,
    half_lives: Floats,
    slots: Ints,
    count: Ints,
    total: Floats,
    last_us: Ints,
    last_rank: Ints,
    found: Ints,
) -> None:  # pragma: no cover - compiled
    """One type's events of a block (the first ``size`` of ``row``...) into its slots."""
    rank = type_rank[kind]
    base = -1
    for j in range(type_start[kind], type_start[kind + 1]):
        mode = entries[j, _MODE]
        if mode == _NONE:
            continue
        if mode == _LOOKUP:
            column = props[entries[j, _PROP]]
            table = tables[entries[j, _TABLE] : entries[j, _TABLE] + entries[j, _TABLE_LEN]]
            absent = entries[j, _TABLE_LEN] - 1
            for k in range(size):
                code = column[index[k]]
                ok[k] = table[absent if code < 0 else code]
        elif mode == _MASKED:
            mask = masks[entries[j, _MASK]]
            for k in range(size):
                ok[k] = mask[index[k]]
        else:
            ok[:size] = 1
        slot = entries[j, _SLOT]
        if mode == _ALL:
            _add_ones(count[slot], row, size)
        else:
            _add_counts(count[slot], row, ok, size)
        if slots[slot, _TOTAL_KIND] == _SUM:
            if entries[j, _BASE] != base:  # a type's entries come grouped by base
                base = entries[j, _BASE]
                _decay(at, size, now_us, half_lives[base], factor)
            power = entries[j, _POWER]
            _add_decayed(total[slots[slot, _TOTAL]], row, ok, factor, power, size, powered)
        if slots[slot, _LAST] >= 0:
            keep = slots[slot, _LAST]
            _latest(last_us[keep], last_rank[keep], row, at, ok, size, rank)
        if slots[slot, _FOUND] >= 0:  # the last use of ``ok``: narrowed to the window
            cutoff = slots[slot, _CUTOFF]
            for k in range(size):
                ok[k] &= at[k] >= cutoff
            _add_counts(found[slots[slot, _FOUND]], row, ok, size)


@jit
def _decay(at: Ints, size: int, now_us: int, half_life: float, factor: Floats) -> None:
    """0.5^(age / half-life). The age is taken exactly, in integer microseconds, and
    multiplied by a reciprocal rather than divided twice (a division takes several
    times as long); this differs from the engine's float seconds by ~1e-13 at most."""
    scale = 1.0 / (half_life * 1e6)
    for k in range(size):
        factor[k] = math.exp2((at[k] - now_us) * scale)


@jit
def _add_counts(counts: Ints, row: Rows, ok: Oks, size: int) -> None:
    """``counts[row[k]] += ok[k]`` in four interleaved lanes.

    Consecutive events mostly belong to one contact: done in order, each addition would
    wait for the previous one's store to the same place. Four lanes a quarter of the
    events apart work on different contacts, so four additions are in flight at once
    (where lanes meet on one contact, the processor keeps them in order)."""
    lane = size // 4
    for k in range(lane):
        counts[row[k]] += ok[k]
        counts[row[k + lane]] += ok[k + lane]
        counts[row[k + 2 * lane]] += ok[k + 2 * lane]
        counts[row[k + 3 * lane]] += ok[k + 3 * lane]
    for k in range(4 * lane, size):
        counts[row[k]] += ok[k]


@jit
def _add_ones(counts: Ints, row: Rows, size: int) -> None:
    """``counts[row[k]] += 1``, in four lanes as ``_add_counts``."""
    lane = size // 4
    for k in range(lane):
        counts[row[k]] += 1
        counts[row[k + lane]] += 1
        counts[row[k + 2 * lane]] += 1
        counts[row[k + 3 * lane]] += 1
    for k in range(4 * lane, size):
        counts[row[k]] += 1


@jit
def _add_decayed(
    total: Floats, row: Rows, ok: Oks, base: Floats, power: int, size: int, factor: Floats
) -> None:
    """``total[row[k]] += base[k] ** power`` where ``ok[k]``, in four lanes as above
    (``factor``: room for the powers)."""
    if power == 1:
        factor = base
    else:
        for k in range(size):
            value = base[k]
            square = value * value
            factor[k] = square if power == 2 else square * value if power == 3 else square * square
    lane = size // 4
    for k in range(lane):
        total[row[k]] += factor[k] * ok[k]
        total[row[k + lane]] += factor[k + lane] * ok[k + lane]
        total[row[k + 2 * lane]] += factor[k + 2 * lane] * ok[k + 2 * lane]
        total[row[k + 3 * lane]] += factor[k + 3 * lane] * ok[k + 3 * lane]
    for k in range(4 * lane, size):
        total[row[k]] += factor[k] * ok[k]


@jit
def _latest(
    last_us: Ints,
    last_rank: Ints,
    row: Rows,
    at: Ints,
    ok: Oks,
    size: int,
    rank: int,
) -> None:
    """The latest event; a tie on time goes to the greater type name (``is_later``)."""
    for k in range(size):
        if ok[k]:
            latest = last_us[row[k]]
            if at[k] > latest or (at[k] == latest and rank > last_rank[row[k]]):
                last_us[row[k]] = at[k]
                last_rank[row[k]] = rank


@jit
def _finish(
    now_us: int,
    slots: Ints,
    points: Floats,
    half_lives: Floats,
    count: Ints,
    total: Floats,
    last_us: Ints,
) -> None:  # pragma: no cover - compiled
    """Totals as the engine makes them: points × the decayed sum; for ``once`` rules the
    points decayed from the latest event; for rules that never fade, points × count."""
    for slot in range(slots.shape[0]):
        kind = slots[slot, _TOTAL_KIND]
        if kind == _NO_TOTAL:
            continue
        target = slots[slot, _TOTAL]
        worth = points[slot]
        for row in range(count.shape[1]):
            if kind == _SUM:
                total[target, row] *= worth
            elif kind == _COUNT:
                total[target, row] = worth * count[slot, row]
            elif count[slot, row] == 0:
                total[target, row] = 0.0
            elif math.isnan(half_lives[slot]):
                total[target, row] = worth
            else:
                age = (now_us - last_us[slots[slot, _LAST], row]) / 1e6
                total[target, row] = worth * math.exp2(-(age / half_lives[slot]))


@jit
def _engagement(
    count: Ints, total: Floats, slots: Ints, engaging: Ints, caps: Floats, score: Floats
) -> None:  # pragma: no cover - compiled
    """Σ over the engagement rules that matched of their total, capped (kernel step 3),
    added in the rules' order as the NumPy step adds them."""
    for row in range(score.shape[0]):
        value = 0.0
        for rule in range(engaging.shape[0]):
            slot = engaging[rule]
            if count[slot, row] > 0:
                points = total[slots[slot, _TOTAL], row]
                cap = caps[rule]
                if not math.isnan(cap):
                    points = max(-cap, min(cap, points))
                value += points
        score[row] = value


@jit
def _last_action(
    last_us: Ints, last_rank: Ints, slots: Ints, sales: Ints, best_us: Ints, best_rank: Codes
) -> None:  # pragma: no cover - compiled
    """The latest sales action over every sales slot: by time, then by type name."""
    for row in range(best_us.shape[0]):
        when = MISSING_TIME
        rank = -1
        for slot in sales:
            keep = slots[slot, _LAST]
            at, kind = last_us[keep, row], last_rank[keep, row]
            if at > when or (at == when and kind > rank):
                when, rank = at, kind
        best_us[row] = when
        best_rank[row] = rank


@dataclass(frozen=True, slots=True, eq=False)
class Folded:
    """A partition's tallies, with the two contact-side steps that read only them."""

    tallies: list[SlotTally]
    engagement: Floats
    action_us: Ints
    action_rank: Codes  # ranks of type names in the frame's types, sorted; -1: none


@dataclass(frozen=True, slots=True, eq=False)
class _Routing:
    """A frame dictionary's routing: which entries each event type feeds, and how."""

    type_start: Ints  # entries of type code t: type_start[t] ≤ j < type_start[t + 1]
    type_rank: Ints  # each type code's rank in name order (ties on time)
    entries: Ints  # one row per (type, slot): the columns _SLOT ... _POWER
    tables: Flags  # the look-up tables of every entry, end to end
    half_lives: Floats  # the decay bases ``entries[:, _BASE]`` index
    keys: tuple[str, ...]  # the properties ``entries[:, _PROP]`` index, in that order
    masked: tuple[Slot, ...]  # slots whose verdicts come as mask rows, in that order
    dictionaries: tuple[object, ...]  # what the routing was built for (kept alive)


class Folder:
    """Folds partitions of events into tallies for one layout at one moment.

    Shared by the workers of a run: routings are built under no lock, and a race only
    builds the same routing twice."""

    def __init__(
        self,
        layout: SlotLayout,
        lookups: EventLookups,
        now_us: int,
        caps: Sequence[float | None] = (),
    ) -> None:
        """``caps``: the engagement rules' caps, in the order of ``layout.engagement``
        (the definition's rules), for the engagement score; none given: no caps."""
        self.layout = layout
        self.lookups = lookups
        self.now_us = now_us
        self._routings: dict[tuple[object, ...], _Routing] = {}
        self.keys = tuple(sorted({key for slot in layout.slots for key in slot.reads}))
        self.engaging = np.array([slot.id for slot in layout.engagement], np.int64)
        given = list(caps) or [None] * len(layout.engagement)
        self.caps = np.array([math.nan if cap is None else cap for cap in given], np.float64)
        self.sales = np.array([slot.id for slot in layout.sales_actions], np.int64)
        self.slots = np.full((len(layout.slots), 5), -1, np.int64)
        self.points = np.array([slot.points for slot in layout.slots], np.float64)
        self.half_lives = np.array(
            [math.nan if s.half_life_seconds is None else s.half_life_seconds for s in layout.slots]
        )
        self.totals = self.lasts = self.founds = 0
        for slot in layout.slots:
            self._describe(slot)

    def _describe(self, slot: Slot) -> None:
        row = self.slots[slot.id]
        row[_TOTAL_KIND] = _NO_TOTAL
        if slot.kind == SlotKind.ENGAGEMENT:
            row[_TOTAL] = self.totals
            self.totals += 1
            if slot.once:
                row[_TOTAL_KIND] = _ONCE
            elif slot.half_life_seconds is None:
                row[_TOTAL_KIND] = _COUNT
            else:
                row[_TOTAL_KIND] = _SUM
        if slot.once or slot.keeps_last:
            row[_LAST] = self.lasts
            self.lasts += 1
        if slot.kind == SlotKind.TEST and slot.within is not None:
            row[_FOUND] = self.founds
            self.founds += 1
            row[_CUTOFF] = self.now_us - slot.within // _MICROSECOND

    def fold(self, events: EventFrame, rows: int) -> list[SlotTally]:
        """Every slot's tally for the ``rows`` contacts of one partition."""
        return self.fold_all(events, rows).tallies

    def fold_all(self, events: EventFrame, rows: int) -> Folded:
        """The tallies, and from them the engagement score and the last sales action."""
        count = np.zeros((len(self.layout.slots), rows), np.int64)
        total = np.zeros((self.totals, rows))
        last_us = np.full((self.lasts, rows), MISSING_TIME, np.int64)
        last_rank = np.full((self.lasts, rows), -1, np.int64)
        found = np.zeros((self.founds, rows), np.int64)
        if events.size:
            routing = self._routing(events)
            _fold_events(
                events.row, events.type_code, events.at_us,
                _codes(events, routing.keys), _masks(events, routing),
                self.now_us, routing.type_start, routing.type_rank, routing.entries,
                routing.tables, routing.half_lives, self.slots,
                count, total, last_us, last_rank, found, bool(events.at_us.max() > self.now_us),
            )  # fmt: skip
        _finish(self.now_us, self.slots, self.points, self.half_lives, count, total, last_us)
        engagement = np.empty(rows)
        _engagement(count, total, self.slots, self.engaging, self.caps, engagement)
        action_us = np.empty(rows, np.int64)
        action_rank = np.empty(rows, np.int16)
        _last_action(last_us, last_rank, self.slots, self.sales, action_us, action_rank)
        tallies = [
            self._tally(slot.id, count, total, last_us, last_rank, found)
            for slot in self.layout.slots
        ]
        return Folded(tallies, engagement, action_us, action_rank)

    def _tally(
        self, slot: int, count: Ints, total: Floats, last_us: Ints, last_rank: Ints, found: Ints
    ) -> SlotTally:
        total_row, last_row, found_row = (int(self.slots[slot, k]) for k in (_TOTAL, _LAST, _FOUND))
        return SlotTally(
            count=count[slot],
            total=None if total_row < 0 else total[total_row],
            last_us=None if last_row < 0 else last_us[last_row],
            last_rank=None if last_row < 0 else last_rank[last_row],
            found=None if found_row < 0 else found[found_row],
            folded=True,
        )

    def _routing(self, events: EventFrame) -> _Routing:
        keys = self.keys
        dictionaries = (events.types, *(_values(events, key) for key in keys))
        cache_key = tuple(id(item) for item in dictionaries)
        found = self._routings.get(cache_key)
        pairs = zip(found.dictionaries if found else (), dictionaries, strict=False)
        if found is None or any(old is not new for old, new in pairs):
            found = self._routings[cache_key] = self._route(events, keys, dictionaries)
        return found

    def _route(
        self, events: EventFrame, keys: tuple[str, ...], dictionaries: tuple[object, ...]
    ) -> _Routing:
        type_codes, rank = self.lookups.for_types(events.types)
        present = tuple(key for key in keys if key in events.properties)
        masked = tuple(s for s in self.layout.slots if s.accepts is not None and len(s.reads) > 1)
        per_type: list[list[int]] = [[] for _ in events.types]
        for slot in self.layout.slots:
            for code in type_codes[slot.id]:
                per_type[code].append(slot.id)
        entries: list[list[int]] = []
        tables: list[Flags] = []
        offset = 0
        bases: list[float] = []
        type_start = [0]
        for slot_ids in per_type:
            decay = _Decay(bases)
            mine: list[list[int]] = []
            for slot_id in slot_ids:
                slot = self.layout.slots[slot_id]
                entry = [slot_id, _ALL, -1, -1, 0, -1, -1, 1]
                if slot.accepts is not None and len(slot.reads) > 1:
                    entry[_MODE], entry[_MASK] = _MASKED, masked.index(slot)
                elif slot.accepts is not None:
                    key = slot.reads[0]
                    column = events.properties.get(key)
                    table = self.lookups.table(slot, key, column)
                    if column is None:
                        entry[_MODE] = _ALL if bool(table[-1]) else _NONE
                    else:
                        entry[_MODE], entry[_PROP] = _LOOKUP, present.index(key)
                        entry[_TABLE], entry[_TABLE_LEN] = offset, table.shape[0]
                        tables.append(table)
                        offset += table.shape[0]
                if self.slots[slot_id, _TOTAL_KIND] == _SUM:
                    assert slot.half_life_seconds is not None
                    entry[_BASE], entry[_POWER] = decay.base(slot.half_life_seconds)
                mine.append(entry)
            # Grouped by decay base: the loop computes each base's factors once per type.
            entries.extend(sorted(mine, key=lambda entry: entry[_BASE]))
            type_start.append(len(entries))
        return _Routing(
            type_start=np.array(type_start, np.int64),
            type_rank=rank,
            entries=np.array(entries, np.int64).reshape(-1, 8),
            tables=np.concatenate(tables) if tables else np.zeros(1, bool),
            half_lives=np.array(bases or [1.0], np.float64),
            keys=present,
            masked=masked,
            dictionaries=dictionaries,
        )


class _Decay:
    """The decay bases of one event type: a half-life that divides one already taken by
    2, 3 or 4 takes a power of its factor (0.5^(2a) = (0.5^a)²) instead of an exp2."""

    def __init__(self, bases: list[float]) -> None:
        self.bases = bases  # shared by all types: indexes are global
        self.mine: list[int] = []

    def base(self, half_life: float) -> tuple[int, int]:
        for index in self.mine:
            ratio = self.bases[index] / half_life
            if ratio in (1.0, 2.0, 3.0, 4.0):
                return index, int(ratio)
        self.bases.append(half_life)
        self.mine.append(len(self.bases) - 1)
        return self.mine[-1], 1


def _values(events: EventFrame, key: str) -> object:
    column = events.properties.get(key)
    return None if column is None else column.values


def _codes(events: EventFrame, keys: tuple[str, ...]) -> tuple[npt.NDArray[Any], ...]:
    """The property code columns the routing reads, all of one dtype (a tuple the
    compiled loop indexes)."""
    columns = [events.properties[key].codes for key in keys]
    if not columns:
        return (np.zeros(1, np.int32),)
    if len({column.dtype for column in columns}) > 1:
        columns = [column.astype(np.int32) for column in columns]
    return tuple(columns)


def _masks(events: EventFrame, routing: _Routing) -> Flags:
    """Verdicts of the slots that read several properties, one row per slot."""
    if not routing.masked:
        return np.zeros((0, 0), bool)
    masks = np.zeros((len(routing.masked), events.size), bool)
    types = set(range(len(events.types)))
    for index, slot in enumerate(routing.masked):
        codes = [code for code in types if events.types[code] in slot.types]
        chosen = np.flatnonzero(np.isin(events.type_code, codes))
        if chosen.size:
            masks[index, chosen] = _combinations(slot, events, chosen)
    return masks
