"""Incremental activity state: fold events one at a time, qualify in constant time.

The real-time path keeps, per contact, an ``ActivitySummary`` that the store persists as
JSON. Each new event is folded in (in any order, late arrivals included), and
``engine.qualify_summary`` reads it without looking at the history again.

Per slot (layout.py) the summary keeps the count, the last time and the last event's
type, the most recent ``min_count`` times of a windowed EventTest, and for an
engagement rule its decayed points at a reference time ``ref`` (running.py). Exponential
decay makes that running sum exact: every term fades by the same factor, so

    S(t) = S(ref) × 0.5 ^ ((t − ref) / half_life)

A later event moves ``ref`` forward (the old sum fades to the new ref, then the points
are added); an earlier one is added already faded. The store keeps ``ref`` at the latest
event, which keeps every factor ≤ 1 and the arithmetic well conditioned.

A summary is only valid for the slot layout it was folded for: ``fingerprint`` names it,
and ``from_json`` refuses a summary made for another definition (the store rebuilds it
from the event history). Qualifying at a moment before the latest folded event is
refused too: the summary cannot forget events, the full history can.

The JSON form is written and read for every recorded event, so it is compact: a version
tag, the fingerprint, the latest instant (integer microseconds) and one array per slot,

    [2, "<fingerprint>", <latest>, [[slot, count, last, last_type, total, ref, recent], ...]]

which encodes and decodes several times faster than an object per slot. The object form
written before it (``{"fingerprint": ..., "slots": {...}}``) is still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from leadflow.definition.model import Definition
from leadflow.domain.facts import Event
from leadflow.engine.activity import Activity, SlotKind
from leadflow.engine.layout import SlotLayout
from leadflow.engine.plan import plan_for
from leadflow.engine.running import Running, instant, legacy_instant, micros

__all__ = ["ActivitySummary", "SummaryMismatchError"]

# The version tag of the compact form; the object form before it had none.
_FORMAT = 2


class SummaryMismatchError(ValueError):
    """The stored summary was folded for another definition: rebuild it from the events."""


class ActivitySummary:
    """A contact's events folded per slot. Mutable: ``add`` updates it in place."""

    __slots__ = ("_latest", "_layout", "_tallies")

    def __init__(self, layout: SlotLayout) -> None:
        self._layout = layout
        self._tallies: dict[int, Running] = {}
        self._latest: int | None = None  # the latest event folded in, in micros

    @classmethod
    def empty(cls, definition: Definition) -> ActivitySummary:
        return cls(plan_for(definition).layout)

    @classmethod
    def of(cls, definition: Definition, events: Iterable[Event]) -> ActivitySummary:
        summary = cls.empty(definition)
        summary.add_all(events)
        return summary

    @property
    def fingerprint(self) -> str:
        return self._layout.fingerprint

    @property
    def latest(self) -> datetime | None:
        """The time of the latest event folded in (None before any)."""
        return None if self._latest is None else instant(self._latest)

    def fits(self, definition: Definition) -> bool:
        """False when the definition changed since this summary was folded."""
        return plan_for(definition).layout.fingerprint == self.fingerprint

    def counts(self) -> dict[int, int]:
        """How many events each slot has folded in, by slot id (slots with none left out)."""
        return {slot_id: tally.count for slot_id, tally in sorted(self._tallies.items())}

    def add(self, event: Event) -> None:
        at = micros(event.at)
        if self._latest is None or at > self._latest:
            self._latest = at
        route = self._layout.routes.get(event.type)
        if route is None:
            return
        slots = self._layout.slots
        tallies = self._tallies
        for slot_id in route.slot_ids(event.properties):
            tally = tallies.get(slot_id)
            if tally is None:
                tally = tallies[slot_id] = Running()
            tally.fold(slots[slot_id], at, event.type)

    def add_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.add(event)

    def activity(self, now: datetime, *, explain: bool = False) -> Activity:
        """What the folded events say at ``now``; ``now`` may not precede the latest event.

        The latest event of a slot is given (as a datetime) only for the slots whose
        verdicts need it (``Slot.keeps_last``: sales actions, ``once`` rules), or for
        every slot with ``explain``, which also fills in the counts.
        """
        at = micros(now)
        if self._latest is not None and at < self._latest:
            latest = instant(self._latest)
            raise ValueError(
                f"the summary holds events up to {latest.isoformat()}, after "
                f"{now.isoformat()}; qualify from the full event history instead"
            )
        slots = self._layout.slots
        held: set[int] = set()
        totals: dict[int, float] = {}
        lasts: dict[int, tuple[datetime, str]] = {}
        counts: dict[int, int] | None = {} if explain else None
        # One loop, no helper per slot kind beyond the tally's own: this runs for every
        # slot of every qualification on the real-time path.
        for slot_id, tally in self._tallies.items():
            slot = slots[slot_id]
            kind = slot.kind
            if kind == SlotKind.TEST:
                if tally.holds_at(slot, at):
                    held.add(slot_id)
            else:
                if tally.count > 0:
                    held.add(slot_id)
                if kind == SlotKind.ENGAGEMENT:
                    totals[slot_id] = tally.points_at(slot, at)
            last, last_type = tally.last, tally.last_type
            if (explain or slot.keeps_last) and last is not None and last_type is not None:
                lasts[slot_id] = (instant(last), last_type)
            if counts is not None:
                counts[slot_id] = tally.count
        return Activity(held, totals, lasts, counts)

    def to_json(self) -> str:
        return json.dumps(self.to_data(), separators=(",", ":"))

    def to_data(self) -> list[Any]:
        """The compact form as plain lists, numbers and text, for any JSON encoder (the
        store uses a faster one than the standard library's)."""
        # By slot: the same state gives the same text, whatever order events came in.
        rows = [tally.row(key) for key, tally in sorted(self._tallies.items())]
        return [_FORMAT, self.fingerprint, self._latest, rows]

    @classmethod
    def from_json(cls, text: str, definition: Definition) -> ActivitySummary:
        """Load a stored summary; SummaryMismatchError when made for another definition."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"malformed activity summary: {error}") from error
        return cls.from_data(data, definition)

    @classmethod
    def from_data(cls, data: Any, definition: Definition) -> ActivitySummary:
        """``from_json`` for a document some JSON decoder already read (either form)."""
        layout = plan_for(definition).layout
        try:
            summary = cls(layout)
            if type(data) is dict:
                _check(data["fingerprint"], layout, definition)
                summary._load_objects(data)
            else:
                version, stored, latest, rows = data
                if version != _FORMAT:
                    raise ValueError(f"unknown summary format {version!r}")
                _check(stored, layout, definition)
                summary._latest = legacy_instant(latest)
                summary._load_rows(rows)
        except SummaryMismatchError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"malformed activity summary: {error}") from error
        return summary

    def _load_rows(self, rows: Any) -> None:
        limit = len(self._layout.slots)
        tallies = self._tallies
        for row in rows:
            slot_id, tally = Running.from_row(row)
            if not 0 <= slot_id < limit:
                raise ValueError(f"slot {slot_id} out of range")
            tallies[slot_id] = tally

    def _load_objects(self, data: dict[str, Any]) -> None:
        """The object form written before the compact one."""
        self._latest = legacy_instant(data.get("latest"))
        for key, tally in data["slots"].items():
            slot_id = int(key)
            if not 0 <= slot_id < len(self._layout.slots):
                raise ValueError(f"slot {slot_id} out of range")
            self._tallies[slot_id] = Running.from_dict(tally)


def _check(stored: object, layout: SlotLayout, definition: Definition) -> None:
    if stored != layout.fingerprint:
        raise SummaryMismatchError(
            f"summary folded for layout {stored}, definition "
            f"{definition.name} {definition.version} has {layout.fingerprint}"
        )
