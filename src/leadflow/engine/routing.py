"""Routing an event to the slots it feeds, in one dictionary look-up or two.

For each event type a ``Route`` knows the slots that take every event of that type and
the slots that first look at a property (a ``where`` glob, the asset class). Which of
those accept an event depends only on the few property values they read, and the same
URLs and assets recur across events and people, so the answer is remembered per
combination of values (up to a bound). Routing a page view is then: the route by type,
the URL, one memo look-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadflow.engine.activity import Slot

__all__ = ["Route", "routes_for"]

_MEMO_LIMIT = 4096


@dataclass(eq=False, slots=True)
class Route:
    always: tuple[int, ...]  # slot ids fed by every event of the type
    conditional: tuple[Slot, ...]  # slots that test properties first
    keys: tuple[str, ...]  # the properties those tests read
    memo: dict[object, tuple[int, ...]] = field(default_factory=dict)

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

    def _decide(self, properties: Mapping[str, object]) -> tuple[int, ...]:
        accepted = tuple(
            slot.id
            for slot in self.conditional
            if slot.accepts is not None and slot.accepts(properties)
        )
        return self.always + accepted


_UNHASHED = object()


def _memo_key(keys: tuple[str, ...], properties: Mapping[str, object]) -> object:
    """The values the tests read; text and absence are remembered, anything else is not."""
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
    keys = sorted({key for slot in conditional for key in slot.reads})
    return Route(
        always=tuple(slot.id for slot in slots if slot.accepts is None),
        conditional=conditional,
        keys=tuple(keys),
    )
