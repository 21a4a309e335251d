"""Routing an event to the slots it feeds, in one dictionary look-up or two.

For each event type a ``Route`` knows the slots that take every event of that type and
the slots that first look at a property (a ``where`` glob, the asset class). Which of
those accept an event depends only on the few property values they read, and the same
URLs and assets recur across events and people, so the answer is remembered per
combination of values (up to a bound). Routing a page view is then: the route by type,
the URL, one memo look-up.

Two ways in: ``slot_ids`` routes one event (the incremental summary folds events one
at a time), ``split`` routes all of a person's events of the type at once (the full
history), grouping them by property value so each distinct value is decided once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadflow.domain.facts import Event
from leadflow.engine.activity import Slot

__all__ = ["Route", "routes_for"]

_MEMO_LIMIT = 4096


@dataclass(eq=False, slots=True)
class Route:
    always: tuple[int, ...]  # slot ids fed by every event of the type
    conditional: tuple[Slot, ...]  # slots that test properties first
    keys: tuple[str, ...]  # the properties those tests read
    memo: dict[object, tuple[int, ...]] = field(default_factory=dict)
    always_slots: tuple[Slot, ...] = ()  # the slots of ``always``
    # Whether any slot of the type needs each event's age (a fading engagement rule).
    timed: bool = False
    # The conditional slots accepting each remembered combination of values.
    accepted_memo: dict[object, tuple[Slot, ...]] = field(default_factory=dict)

    def slot_ids(self, properties: Mapping[str, object]) -> tuple[int, ...]:
        if not self.conditional:
            return self.always
        key = _memo_key(self.keys, properties)
        if key is _UNHASHED:
            return self._decide(properties)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            found = self.memo[key] = self._decide(properties)
        return found

    def split(self, events: Sequence[Event]) -> list[tuple[tuple[Slot, ...], list[int]]]:
        """The conditional slots accepting each group of ``events`` (by index), for the
        groups some slot accepts.

        Events are grouped by the values the tests read, so each distinct value (a URL,
        an asset) is decided once per call, and remembered across calls.
        """
        by_value, odd = self._group_by_value(events)
        parts: dict[tuple[Slot, ...], list[int]] = {}
        for value, indices in by_value.items():
            accepted = self._accepted(value, events[indices[0]].properties)
            if accepted:
                found = parts.get(accepted)
                if found is None:
                    parts[accepted] = indices
                else:
                    found.extend(indices)
        for index in odd:  # values that cannot be remembered: decided one by one
            accepted = self._accepting(events[index].properties)
            if accepted:
                parts.setdefault(accepted, []).append(index)
        return list(parts.items())

    def _group_by_value(self, events: Sequence[Event]) -> tuple[dict[object, list[int]], list[int]]:
        by_value: dict[object, list[int]] = {}
        odd: list[int] = []
        if len(self.keys) == 1:
            # The common case, written out: one property (a URL, an asset) decides.
            (key,) = self.keys
            for index, event in enumerate(events):
                value = event.properties.get(key)
                if value is not None and value.__class__ is not str:
                    odd.append(index)
                    continue
                found = by_value.get(value)
                if found is None:
                    by_value[value] = [index]
                else:
                    found.append(index)
            return by_value, odd
        for index, event in enumerate(events):
            combination = _memo_key(self.keys, event.properties)
            if combination is _UNHASHED:
                odd.append(index)
            else:
                by_value.setdefault(combination, []).append(index)
        return by_value, odd

    def _accepted(self, value: object, properties: Mapping[str, object]) -> tuple[Slot, ...]:
        """The conditional slots accepting events whose tested values are ``value``."""
        found = self.accepted_memo.get(value)
        if found is None:
            if len(self.accepted_memo) >= _MEMO_LIMIT:
                self.accepted_memo.clear()
            found = self.accepted_memo[value] = self._accepting(properties)
        return found

    def _accepting(self, properties: Mapping[str, object]) -> tuple[Slot, ...]:
        return tuple(
            slot
            for slot in self.conditional
            if slot.accepts is not None and slot.accepts(properties)
        )

    def _decide(self, properties: Mapping[str, object]) -> tuple[int, ...]:
        return self.always + tuple(slot.id for slot in self._accepting(properties))


_UNHASHED = object()


def _memo_key(keys: tuple[str, ...], properties: Mapping[str, object]) -> object:
    """The values the tests read; text and absence are remembered, anything else is not
    (``1`` and ``True`` are equal keys, yet a glob reads them as different text)."""
    if len(keys) == 1:
        value = properties.get(keys[0])
        return value if value is None or value.__class__ is str else _UNHASHED
    values = tuple(properties.get(key) for key in keys)
    if all(value is None or value.__class__ is str for value in values):
        return values
    return _UNHASHED


def routes_for(slots: Sequence[Slot]) -> dict[str, Route]:
    by_type: dict[str, list[Slot]] = {}
    for slot in slots:
        for kind in slot.types:
            by_type.setdefault(kind, []).append(slot)
    return {kind: _route(found) for kind, found in by_type.items()}


def _route(slots: list[Slot]) -> Route:
    conditional = tuple(slot for slot in slots if slot.accepts is not None)
    always = tuple(slot for slot in slots if slot.accepts is None)
    keys = sorted({key for slot in conditional for key in slot.reads})
    return Route(
        always=tuple(slot.id for slot in always),
        conditional=conditional,
        keys=tuple(keys),
        always_slots=always,
        timed=any(slot.decays for slot in slots),
    )
