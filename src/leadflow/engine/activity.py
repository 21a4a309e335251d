"""A person's events, folded once into one tally per *slot* of the definition.

A slot is one compiled question about events: an engagement rule (how many points, fading
how fast), an ``EventTest`` of a stage, gate or BANT rule (did it happen, how often,
how recently), a sales-action matcher, the asset classes, the own-action matcher.
``SlotLayout`` (layout.py) lists the slots of a definition and routing.py sends each
event, once, to the slots that accept it.

Two folds produce the same ``Reading`` per slot:

* ``bucket_events`` and ``read_buckets`` (here) walk the full event list at a fixed
  ``now``. Engagement points are summed with ``math.fsum``, which is exactly rounded,
  so the result does not depend on the order the events arrive in.
* ``ActivitySummary`` (summary.py) folds events one at a time into a running state
  that the store keeps, so qualifying costs the same whatever the history length.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING

from leadflow.domain.facts import Event

if TYPE_CHECKING:
    from leadflow.engine.routing import Route

__all__ = [
    "SECONDS_PER_DAY",
    "Buckets",
    "Reading",
    "Slot",
    "SlotKind",
    "bucket_events",
    "decay_factor",
    "is_later",
    "read_buckets",
]

SECONDS_PER_DAY = 86_400.0

PropertyTest = Callable[[Mapping[str, object]], bool]


class SlotKind:
    """Plain string constants: slots are compared in the hot path, enums cost a lookup."""

    ENGAGEMENT = "engagement"
    TEST = "test"
    MARK = "mark"  # count and last time only: sales actions, assets, own actions


@dataclass(frozen=True, slots=True, eq=False)
class Slot:
    """One compiled question about events; ``id`` is its position in the layout."""

    id: int
    kind: str
    types: frozenset[str]
    accepts: PropertyTest | None  # None: every event of a listed type
    reads: tuple[str, ...]  # the event properties ``accepts`` looks at
    spec: tuple[object, ...]  # canonical description, for the state fingerprint
    points: float = 0.0
    half_life_seconds: float | None = None
    once: bool = False
    within: timedelta | None = None
    min_count: int = 1
    # ``within`` in whole microseconds, for the incremental summary's integer instants.
    within_us: int | None = None
    # Whether the latest matching event matters (sales actions, ``once`` rules); the
    # history fold skips finding it otherwise, since that is a pass over the events.
    keeps_last: bool = False


@dataclass(slots=True)
class Reading:
    """What a slot says at ``now``.

    ``last``/``last_type``: the latest matching event, for slots that keep it (the
    incremental summary keeps it for every slot). ``holds``: for a test slot, the
    EventTest is satisfied (enough events, recent
    enough); for other slots, at least one event matched. ``total``: for an engagement
    slot, its points at ``now`` before the cap (decayed; only the latest event when
    ``once``). Read-only by convention: a dozen are made per qualification, and a
    frozen dataclass costs several times more to build.
    """

    count: int
    last: datetime | None
    last_type: str | None
    holds: bool
    total: float = 0.0


def decay_factor(age_seconds: float, half_life_seconds: float | None) -> float:
    """``0.5 ** (age / half_life)``; 1 when the points never fade."""
    if half_life_seconds is None:
        return 1.0
    factor: float = 0.5 ** (age_seconds / half_life_seconds)
    return factor


def is_later(at: datetime, kind: str, last: datetime | None, last_kind: str | None) -> bool:
    """Latest first, ties broken by event type, so 'the last event' is order independent."""
    return last is None or at > last or (at == last and kind > (last_kind or ""))


# The events each slot matched, indexed by slot id (empty lists for the others).
Buckets = list[list[Event]]


def bucket_events(
    routes: Mapping[str, Route], slot_count: int, events: Iterable[Event], now: datetime
) -> Buckets:
    """The events up to ``now`` each slot matched (the one pass over the events)."""
    buckets: Buckets = [[] for _ in range(slot_count)]
    for event in events:
        route = routes.get(event.type)
        if route is None or event.at > now:  # the future has not happened yet
            continue
        for slot_id in route.slot_ids(event.properties):
            buckets[slot_id].append(event)
    return buckets


def read_buckets(buckets: Buckets, slots: Sequence[Slot], now: datetime) -> dict[int, Reading]:
    """One Reading per slot that matched something; ``slots[i].id == i``."""
    return {
        slot_id: _reading(slots[slot_id], bucket, now)
        for slot_id, bucket in enumerate(buckets)
        if bucket
    }


def _reading(slot: Slot, bucket: list[Event], now: datetime) -> Reading:
    count = len(bucket)
    last = last_type = None
    if slot.keeps_last:
        latest = max(bucket, key=_WHEN)  # by time, then type: order independent
        last, last_type = latest.at, latest.type
    kind = slot.kind
    if kind == SlotKind.TEST:
        found = count
        if slot.within is not None:
            cutoff = now - slot.within
            found = sum(1 for event in bucket if event.at >= cutoff)
        return Reading(count, last, last_type, found >= slot.min_count)
    if kind == SlotKind.ENGAGEMENT:
        return Reading(count, last, last_type, True, _points(slot, bucket, now))
    return Reading(count, last, last_type, True)


_WHEN = attrgetter("at", "type")


def _points(slot: Slot, bucket: list[Event], now: datetime) -> float:
    half_life = slot.half_life_seconds
    if slot.once:
        last = max(event.at for event in bucket)
        return slot.points * decay_factor((now - last).total_seconds(), half_life)
    if half_life is None:
        return slot.points * len(bucket)  # one rounding, like the exact sum of equal terms
    now_ts = now.timestamp()
    points = slot.points
    # fsum is exactly rounded: the same total whatever order the events came in.
    return math.fsum([points * 0.5 ** ((now_ts - e.at.timestamp()) / half_life) for e in bucket])
