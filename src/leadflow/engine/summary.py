"""Incremental activity state: fold events one at a time, qualify in constant time.

The real-time path keeps, per contact, an ``ActivitySummary`` that the store persists as
JSON. Each new event is folded in (in any order, late arrivals included), and
``engine.qualify_summary`` reads it without looking at the history again.

Per slot (layout.py) the summary keeps the count, the first and last time, the last
event's type, the most recent ``min_count`` times of a windowed EventTest, and for an
engagement rule its decayed points at a reference time ``ref``. Exponential decay makes
that running sum exact: every term fades by the same factor, so

    S(t) = S(ref) × 0.5 ^ ((t − ref) / half_life)

A later event moves ``ref`` forward (the old sum fades to the new ref, then the points
are added); an earlier one is added already faded. The store keeps ``ref`` at the latest
event, which keeps every factor ≤ 1 and the arithmetic well conditioned.

A summary is only valid for the slot layout it was folded for: ``fingerprint`` names it,
and ``from_json`` refuses a summary made for another definition (the store rebuilds it
from the event history). Qualifying at a moment before the latest folded event is
refused too: the summary cannot forget events, the full history can.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from leadflow.definition.model import Definition
from leadflow.domain.clock import parse_instant
from leadflow.domain.facts import Event
from leadflow.engine.activity import Reading, Slot, SlotKind, decay_factor, is_later
from leadflow.engine.layout import SlotLayout
from leadflow.engine.plan import plan_for

__all__ = ["ActivitySummary", "SummaryMismatchError"]


class SummaryMismatchError(ValueError):
    """The stored summary was folded for another definition: rebuild it from the events."""


class _Running:
    __slots__ = ("count", "first", "last", "last_type", "recent", "ref", "total")

    def __init__(self) -> None:
        self.count = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.last_type: str | None = None
        self.recent: list[datetime] = []  # newest first, at most slot.min_count
        self.total = 0.0
        self.ref: datetime | None = None

    def fold(self, slot: Slot, event: Event) -> None:
        at = event.at
        self.count += 1
        if self.first is None or at < self.first:
            self.first = at
        if is_later(at, event.type, self.last, self.last_type):
            self.last, self.last_type = at, event.type
        if slot.within is not None:
            self.recent = sorted([*self.recent, at], reverse=True)[: slot.min_count]
        if slot.kind == SlotKind.ENGAGEMENT and not slot.once:
            self._add_points(slot, at)

    def _add_points(self, slot: Slot, at: datetime) -> None:
        half_life = slot.half_life_seconds
        if half_life is None:
            self.total += slot.points
        elif self.ref is None:
            self.total, self.ref = float(slot.points), at
        elif at <= self.ref:
            age = (self.ref - at).total_seconds()
            self.total += slot.points * decay_factor(age, half_life)
        else:
            age = (at - self.ref).total_seconds()
            self.total = self.total * decay_factor(age, half_life) + slot.points
            self.ref = at

    def reading(self, slot: Slot, now: datetime) -> Reading:
        if slot.kind == SlotKind.TEST:
            return Reading(self.count, self.last, self.last_type, self._test_holds(slot, now))
        total = 0.0
        if slot.kind == SlotKind.ENGAGEMENT:
            total = self._points_at(slot, now)
        return Reading(self.count, self.last, self.last_type, self.count > 0, total)

    def _test_holds(self, slot: Slot, now: datetime) -> bool:
        if slot.within is None:
            return self.count >= slot.min_count
        needed = slot.min_count
        return len(self.recent) >= needed and self.recent[needed - 1] >= now - slot.within

    def _points_at(self, slot: Slot, now: datetime) -> float:
        if slot.once:
            if self.last is None:
                return 0.0
            age = (now - self.last).total_seconds()
            return slot.points * decay_factor(age, slot.half_life_seconds)
        if self.ref is None:
            return self.total
        return self.total * decay_factor((now - self.ref).total_seconds(), slot.half_life_seconds)

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "first": _micros(self.first),
            "last": _micros(self.last),
            "last_type": self.last_type,
            "recent": [_micros(moment) for moment in self.recent],
            "total": self.total,
            "ref": _micros(self.ref),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Running:
        running = cls()
        running.count = int(data["count"])
        running.first = _instant(data.get("first"))
        running.last = _instant(data.get("last"))
        running.last_type = data.get("last_type")
        running.recent = [_required_instant(value) for value in data.get("recent", [])]
        running.total = float(data.get("total", 0.0))
        running.ref = _instant(data.get("ref"))
        return running


class ActivitySummary:
    """A contact's events folded per slot. Mutable: ``add`` updates it in place."""

    __slots__ = ("_layout", "_tallies", "latest")

    def __init__(self, layout: SlotLayout) -> None:
        self._layout = layout
        self._tallies: dict[int, _Running] = {}
        self.latest: datetime | None = None  # the latest event folded in

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

    def fits(self, definition: Definition) -> bool:
        """False when the definition changed since this summary was folded."""
        return plan_for(definition).layout.fingerprint == self.fingerprint

    def add(self, event: Event) -> None:
        if self.latest is None or event.at > self.latest:
            self.latest = event.at
        route = self._layout.routes.get(event.type)
        if route is None:
            return
        slots = self._layout.slots
        for slot_id in route.slot_ids(event.properties):
            tally = self._tallies.get(slot_id)
            if tally is None:
                tally = self._tallies[slot_id] = _Running()
            tally.fold(slots[slot_id], event)

    def add_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.add(event)

    def readings(self, now: datetime) -> dict[int, Reading]:
        """Every slot's Reading at ``now``; ``now`` may not precede the latest event."""
        if self.latest is not None and now < self.latest:
            raise ValueError(
                f"the summary holds events up to {self.latest.isoformat()}, after "
                f"{now.isoformat()}; qualify from the full event history instead"
            )
        slots = self._layout.slots
        return {key: tally.reading(slots[key], now) for key, tally in self._tallies.items()}

    def to_json(self) -> str:
        return json.dumps(
            {
                "fingerprint": self.fingerprint,
                "latest": _micros(self.latest),
                "slots": {str(key): tally.to_dict() for key, tally in self._tallies.items()},
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str, definition: Definition) -> ActivitySummary:
        """Load a stored summary; SummaryMismatchError when made for another definition."""
        layout = plan_for(definition).layout
        try:
            data = json.loads(text)
            stored = data["fingerprint"]
            if stored != layout.fingerprint:
                raise SummaryMismatchError(
                    f"summary folded for layout {stored}, definition "
                    f"{definition.name} {definition.version} has {layout.fingerprint}"
                )
            summary = cls(layout)
            summary.latest = _instant(data.get("latest"))
            for key, tally in data["slots"].items():
                slot_id = int(key)
                if not 0 <= slot_id < len(layout.slots):
                    raise ValueError(f"slot {slot_id} out of range")
                summary._tallies[slot_id] = _Running.from_dict(tally)
        except SummaryMismatchError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"malformed activity summary: {error}") from error
        return summary


# Instants are stored as whole microseconds since the Unix epoch: exact (datetime's own
# resolution) and several times cheaper to write and read than ISO 8601 text, which
# matters because the real-time path loads and stores a summary for every event.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // _MICROSECOND


def _instant(value: object) -> datetime | None:
    return None if value is None else _required_instant(value)


def _required_instant(value: object) -> datetime:
    if isinstance(value, int) and not isinstance(value, bool):
        return _EPOCH + timedelta(microseconds=value)
    if isinstance(value, str):  # summaries stored before instants became integers
        return parse_instant(value)
    raise TypeError(f"expected an instant, got {value!r}")
