"""One slot's running state inside an ActivitySummary (summary.py), and its stored forms.

Instants here are whole microseconds since the Unix epoch (``micros``): exact at
datetime's own resolution, and plain integer arithmetic where a datetime subtraction
costs a microsecond. They become datetimes again only where a result shows them
(``instant``), which the real-time path does for a handful of slots per event.

Per slot the state is:

    count       matching events folded in
    last        the latest one (time, and its type: ties broken by type, see is_later)
    recent      the latest ``min_count`` times, newest first, for a windowed EventTest
    total, ref  an engagement rule's decayed points, as they stood at ``ref``

Stored, a slot is one JSON row ``[slot, count, last, last_type, total, ref, recent]``
(``row`` / ``from_row``); summaries written before that form kept a dict per slot with
instants as integers or ISO text (``from_dict``), and are still read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from leadflow.domain.clock import parse_instant
from leadflow.engine.activity import Slot, SlotKind, decay_factor

__all__ = ["Running", "instant", "legacy_instant", "micros"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_ROW_LENGTH = 7
_NUMBERS = (float, int)


def micros(moment: datetime) -> int:
    """Whole microseconds since the Unix epoch (``moment`` must be timezone-aware)."""
    return (moment - _EPOCH) // _MICROSECOND


def instant(value: int) -> datetime:
    """The UTC datetime of ``micros``; positional timedelta arguments cost half the
    keyword form's, which matters a little: this runs per slot on the real-time path."""
    return _EPOCH + timedelta(0, 0, value)


class Running:
    """A slot's events folded so far (see the module docstring). Mutable on purpose."""

    __slots__ = ("count", "last", "last_type", "recent", "ref", "total")

    def __init__(self) -> None:
        self.count = 0
        self.last: int | None = None
        self.last_type: str | None = None
        self.recent: list[int] = []
        self.total = 0.0
        self.ref: int | None = None

    def fold(self, slot: Slot, at: int, kind: str) -> None:
        self.count += 1
        last = self.last
        # The same order as activity.is_later: latest first, ties by event type.
        if last is None or at > last or (at == last and kind > (self.last_type or "")):
            self.last, self.last_type = at, kind
        if slot.within is not None:
            recent = self.recent
            recent.append(at)
            recent.sort(reverse=True)
            del recent[slot.min_count :]
        if slot.kind == SlotKind.ENGAGEMENT and not slot.once:
            self._add_points(slot, at)

    def _add_points(self, slot: Slot, at: int) -> None:
        half_life = slot.half_life_seconds
        ref = self.ref
        if half_life is None:
            self.total += slot.points
        elif ref is None:
            self.total, self.ref = float(slot.points), at
        elif at <= ref:  # an earlier event: added already faded to ref
            self.total += slot.points * decay_factor((ref - at) / 1e6, half_life)
        else:  # a later one: the sum fades to the new ref, then the points are added
            self.total = self.total * decay_factor((at - ref) / 1e6, half_life) + slot.points
            self.ref = at

    def points_at(self, slot: Slot, now: int) -> float:
        """An engagement slot's points at ``now`` (micros), before the cap.

        The decay is ``activity.decay_factor``'s expression, so both folds give the same
        numbers.
        """
        half_life = slot.half_life_seconds
        if slot.once:  # only the latest event counts, faded from its own time
            last = self.last
            if last is None:
                return 0.0
            total = float(slot.points)
            if half_life is not None:
                total *= 0.5 ** ((now - last) / 1e6 / half_life)
            return total
        total = self.total  # the running sum, faded from ref
        ref = self.ref
        if ref is not None and half_life is not None:
            total *= 0.5 ** ((now - ref) / 1e6 / half_life)
        return total

    def holds_at(self, slot: Slot, now: int) -> bool:
        """Whether a test slot's EventTest holds at ``now`` (micros)."""
        window = slot.within_us
        if window is None:
            return self.count >= slot.min_count
        needed = slot.min_count
        return len(self.recent) >= needed and self.recent[needed - 1] >= now - window

    # Stored forms -------------------------------------------------------------------

    def row(self, slot_id: int) -> list[Any]:
        return [slot_id, self.count, self.last, self.last_type, self.total, self.ref, self.recent]

    @classmethod
    def from_row(cls, row: Any) -> tuple[int, Running]:
        """(slot id, state) from a stored row; TypeError or ValueError when malformed.

        Every value is checked (a damaged row is rebuilt from the events, not trusted),
        in one expression: this runs for every slot of every stored summary read.
        """
        if type(row) is not list or len(row) != _ROW_LENGTH:
            raise ValueError(f"a slot row has {_ROW_LENGTH} items, not {row!r}")
        slot_id, count, last, last_type, total, ref, recent = row
        if (
            type(slot_id) is not int  # bool is a subclass of int, and is refused too
            or type(count) is not int
            or (last is not None and type(last) is not int)
            or (last_type is not None and type(last_type) is not str)
            or type(total) not in _NUMBERS
            or (ref is not None and type(ref) is not int)
            or type(recent) is not list
            or (recent and any(type(moment) is not int for moment in recent))
        ):
            raise TypeError(f"malformed slot row {row!r}")
        running = cls.__new__(cls)  # every field is set here: no defaults to set first
        running.count, running.last, running.last_type = count, last, last_type
        running.total, running.ref, running.recent = float(total), ref, recent
        return slot_id, running

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Running:
        """The per-slot dict of summaries stored before the row form (``first`` is dropped:
        nothing reads it)."""
        running = cls()
        running.count = int(data["count"])
        running.last = legacy_instant(data.get("last"))
        running.last_type = data.get("last_type")
        running.recent = [_required_legacy_instant(value) for value in data.get("recent", [])]
        running.total = float(data.get("total", 0.0))
        running.ref = legacy_instant(data.get("ref"))
        return running


def _required_legacy_instant(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):  # summaries stored before instants became integers
        return micros(parse_instant(value))
    raise TypeError(f"expected an instant, got {value!r}")


def legacy_instant(value: object) -> int | None:
    """An instant of the dict form (integer micros, or ISO text before that), as micros."""
    return None if value is None else _required_legacy_instant(value)
