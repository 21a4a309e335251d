"""A person's events, folded once into what each *slot* of the definition says at ``now``.

A slot is one compiled question about events: an engagement rule (how many points, fading
how fast), an ``EventTest`` of a stage, gate or BANT rule (did it happen, how often,
how recently), a sales-action matcher, the asset classes, the own-action matcher.
``SlotLayout`` (layout.py) lists the slots of a definition and routing.py says which
slots an event of each type feeds.

Two folds produce the same ``Activity``:

* ``fold_history`` (here) walks the full event list at a fixed ``now``. Engagement
  points are summed with ``math.fsum``, which is exactly rounded, so the result does
  not depend on the order the events arrive in.
* ``ActivitySummary`` (summary.py) folds events one at a time into a running state
  that the store keeps, so qualifying costs the same whatever the history length.

Why the full fold is shaped as it is (it is the hot path of ``qualify``; see
docs/engine.md, Performance): turning an event's datetime into seconds costs several
times more than any other step, so each event's age is worked out once, for its whole
event type, however many slots it feeds. Events are grouped by type first (one dict
look-up each), and a type whose slots filter on a property splits its events by that
property's value, remembered across people (routing.py), not event by event.
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
    "Activity",
    "PropertyTest",
    "Slot",
    "SlotKind",
    "decay_factor",
    "fold_history",
    "is_later",
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
    # An engagement rule whose points fade and add up (a half-life, not ``once``): the
    # only kind of slot that needs the age of every one of its events.
    decays: bool = False


@dataclass(slots=True, eq=False)
class Activity:
    """What the events say at ``now``, in the shape the decision steps read.

    ``held``: the slots whose question is answered yes (a test slot whose EventTest
    holds; any other slot that matched at least one event). ``totals``: an engagement
    slot's points at ``now`` before its cap (decayed; only the latest event for a
    ``once`` rule). ``lasts``: the latest matching event's (time, type) for the slots
    that keep it (sales actions, ``once`` rules; every matched slot of a summary when
    explaining). ``counts``, and from the full history ``matched`` (the events
    themselves) and ``ages``, are filled only when an explanation is wanted. Slots with
    no events are absent.

    Read-only by convention; plain dicts and a set, since the conditions and steps ask
    a dozen questions of it per qualification.
    """

    held: set[int]
    totals: dict[int, float]
    lasts: dict[int, tuple[datetime, str]]
    counts: dict[int, int] | None = None
    matched: dict[int, list[Event]] | None = None
    ages: dict[int, list[float]] | None = None  # a fading rule's events' ages, as matched


def decay_factor(age_seconds: float, half_life_seconds: float | None) -> float:
    """``0.5 ** (age / half_life)``; 1 when the points never fade."""
    if half_life_seconds is None:
        return 1.0
    factor: float = 0.5 ** (age_seconds / half_life_seconds)
    return factor


def is_later(at: datetime, kind: str, last: datetime | None, last_kind: str | None) -> bool:
    """Latest first, ties broken by event type, so 'the last event' is order independent."""
    return last is None or at > last or (at == last and kind > (last_kind or ""))


_WHEN = attrgetter("at", "type")
_AT = attrgetter("at")


@dataclass(slots=True, eq=False)
class _Part:
    """Some events of one type that feed a slot, with their ages (None: not needed)."""

    kind: str
    events: list[Event]
    ages: list[float] | None


_WHEN = attrgetter("at", "type")
_AT = attrgetter("at")


def fold_history(
    routes: Mapping[str, Route],
    slots: Sequence[Slot],
    events: Iterable[Event],
    now: datetime,
    *,
    explain: bool = False,
) -> Activity:
    """The Activity of the events up to ``now`` (later ones have not happened yet)."""
    fold = _Fold()
    for kind, group in _by_type(events).items():
        route = routes.get(kind)
        if route is not None:
            fold.route(route, group, now)
    activity = Activity(set(), {}, {})
    if explain:
        activity.counts, activity.matched, activity.ages = {}, {}, fold.ages
    for slot_id, matched in fold.matched.items():
        _finish(slots[slot_id], matched, fold.ages.get(slot_id), now, activity)
    return activity


def _by_type(events: Iterable[Event]) -> dict[str, list[Event]]:
    # One dict look-up per event: the only step that touches every event one by one.
    groups: dict[str, list[Event]] = {}
    for event in events:
        group = groups.get(event.type)
        if group is None:
            groups[event.type] = [event]
        else:
            group.append(event)
    return groups


class _Fold:
    """The events (and, for fading rules, their ages) each slot matched.

    Lists are shared between slots and never changed in place: a slot fed by a second
    group gets a new list.
    """

    __slots__ = ("ages", "matched")

    def __init__(self) -> None:
        self.matched: dict[int, list[Event]] = {}
        self.ages: dict[int, list[float]] = {}

    def route(self, route: Route, group: list[Event], now: datetime) -> None:
        """Send one type's events up to ``now`` to the slots that want them."""
        ages: list[float] = []
        if route.timed:
            # Ages in seconds, once per event, whatever the number of slots it feeds:
            # a datetime subtraction and total_seconds() cost more than all the rest.
            ages = [(now - event.at).total_seconds() for event in group]
            if min(ages) < 0:  # the future has not happened yet
                kept = [index for index, age in enumerate(ages) if age >= 0]
                group, ages = [group[i] for i in kept], [ages[i] for i in kept]
        elif max(map(_AT, group)) > now:
            group = [event for event in group if event.at <= now]
        if not group:
            return
        self.feed(route.always_slots, group, ages)
        if not route.conditional:
            return
        for accepted, indices in route.split(group):
            if len(indices) == len(group):
                self.feed(accepted, group, ages)
            else:
                chosen = [group[i] for i in indices]
                self.feed(accepted, chosen, [ages[i] for i in indices] if ages else ages)

    def feed(self, slots: Iterable[Slot], events: list[Event], ages: list[float]) -> None:
        matched = self.matched
        for slot in slots:
            slot_id = slot.id
            found = matched.get(slot_id)
            matched[slot_id] = events if found is None else found + events
            if slot.decays:
                before = self.ages.get(slot_id)
                self.ages[slot_id] = ages if before is None else before + ages


def _finish(
    slot: Slot, matched: list[Event], ages: list[float] | None, now: datetime, activity: Activity
) -> None:
    """Record what one slot says, from the events it matched."""
    slot_id = slot.id
    if activity.counts is not None and activity.matched is not None:
        activity.counts[slot_id] = len(matched)
        activity.matched[slot_id] = matched
    last: Event | None = None
    if slot.keeps_last:
        last = max(matched, key=_WHEN)  # by time, then type: order independent
        activity.lasts[slot_id] = (last.at, last.type)
    kind = slot.kind
    if kind == SlotKind.TEST:
        if _test_holds(slot, matched, now):
            activity.held.add(slot_id)
        return
    activity.held.add(slot_id)
    if kind != SlotKind.ENGAGEMENT:
        return
    half_life = slot.half_life_seconds
    points = slot.points
    if slot.once:
        assert last is not None  # a once rule keeps its last event
        total = points * decay_factor((now - last.at).total_seconds(), half_life)
    elif ages is None or half_life is None:
        total = points * len(matched)  # one rounding, like the exact sum of equal terms
    else:
        # fsum is exactly rounded: the same total whatever order the events came in.
        total = math.fsum([points * 0.5 ** (age / half_life) for age in ages])
    activity.totals[slot_id] = total


def _test_holds(slot: Slot, matched: list[Event], now: datetime) -> bool:
    if slot.within is None:
        return len(matched) >= slot.min_count
    cutoff = now - slot.within  # datetimes compared exactly, to the microsecond
    return sum(1 for event in matched if event.at >= cutoff) >= slot.min_count
