"""How many stored events, and of how many contacts, each event type and each engagement
rule matches: set-based SQL, never a pass over the events in Python.

    type_counts        one GROUP BY over the events
    EventCounter       per matcher: without ``where``, a count over its types; with
                       ``where``, the distinct values of the properties it reads, grouped
                       in SQL once per types and properties, judged by the engine's own
                       glob test (engine/layout.py) once per value, then the contacts of
                       the accepted values counted in SQL

Property values are compared as JSON text (``"https://acme.example/pricing"``), which
SQLite's ``->`` and PostgreSQL's ``jsonb -> key`` both give, so the accepted values can
be handed back to the database as they came. Events of anonymous visitors count as
events, not as contacts.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, text

from leadflow.definition.model import EventMatcher
from leadflow.engine.activity import PropertyTest

__all__ = ["EventCount", "EventCounter", "type_counts"]

# Beyond this many accepted property values the contacts are not counted (the events
# still are): an IN list that long is slower than the answer is worth.
_MOST_VALUES = 5_000
# Between the JSON texts of two properties; JSON text never holds a raw control character.
_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class EventCount:
    events: int
    contacts: int | None  # None: not counted (see _MOST_VALUES)


def type_counts(connection: Connection) -> dict[str, EventCount]:
    rows = connection.execute(
        text("SELECT type, COUNT(*), COUNT(DISTINCT contact_id) FROM events GROUP BY type")
    )
    return {str(kind): EventCount(int(events), int(contacts)) for kind, events, contacts in rows}


class EventCounter:
    """Counts for the matchers of one definition. The distinct property values of a set
    of types are grouped once, whichever rules read them (the waterfall preset's pricing
    and product page rules share the page views' URLs)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.by_type = type_counts(connection)
        self._grouped: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, int]]] = {}

    def matched(self, matcher: EventMatcher, accepts: PropertyTest | None) -> EventCount:
        """The events ``matcher`` accepts (``accepts`` is its slot's property test)."""
        types = tuple(sorted(matcher.types))
        events = sum(self.by_type[kind].events for kind in types if kind in self.by_type)
        if events == 0:
            return EventCount(0, 0)
        if accepts is None:
            if len(types) == 1:
                return self.by_type[types[0]]
            return EventCount(events, _contacts(self.connection, types, None, ()))
        properties = _Properties.of(self.connection, [key for key, _ in matcher.where])
        values = {
            combined: count
            for combined, count in self._values(types, properties)
            if accepts(properties.decoded(combined))
        }
        if not values:
            return EventCount(0, 0)
        matched = sum(values.values())
        if len(values) > _MOST_VALUES:
            return EventCount(matched, None)
        return EventCount(matched, _contacts(self.connection, types, properties, tuple(values)))

    def _values(self, types: tuple[str, ...], properties: _Properties) -> list[tuple[str, int]]:
        """The combined property texts of these types' events, with their numbers of
        events; events missing a property are left out (a glob never matches them)."""
        key = (types, properties.keys)
        found = self._grouped.get(key)
        if found is None:
            query = text(
                f"SELECT {properties.expression}, COUNT(*) FROM events"
                " WHERE type IN :types GROUP BY 1"
            ).bindparams(bindparam("types", expanding=True))
            rows = self.connection.execute(query, {"types": list(types), **properties.params})
            found = [
                (str(combined), int(count)) for combined, count in rows if combined is not None
            ]
            self._grouped[key] = found
        return found


@dataclass(frozen=True, slots=True)
class _Properties:
    """The SQL text of some event properties' JSON texts, joined by the separator (NULL
    when one is missing), and the parameters naming them."""

    keys: tuple[str, ...]
    expression: str
    params: Mapping[str, str]

    @classmethod
    def of(cls, connection: Connection, keys: Sequence[str]) -> _Properties:
        postgres = connection.dialect.name == "postgresql"
        parts, params = [], {}
        for index, key in enumerate(keys):
            name = f"key{index}"
            if postgres:
                parts.append(f"(properties -> CAST(:{name} AS TEXT))::text")
                params[name] = key
            else:  # a JSON path; a quote inside a key is escaped as in JSON
                parts.append(f"(properties -> :{name})")
                params[name] = "$." + json.dumps(key)
        return cls(tuple(keys), f" || '{_SEPARATOR}' || ".join(parts), params)

    def decoded(self, combined: str) -> dict[str, object]:
        parts = combined.split(_SEPARATOR)
        return {key: json.loads(part) for key, part in zip(self.keys, parts, strict=True)}


def _contacts(
    connection: Connection,
    types: Sequence[str],
    properties: _Properties | None,
    values: Collection[str],
) -> int:
    params: dict[str, object] = {"types": list(types)}
    where = "type IN :types"
    expanding: list[BindParameter[Any]] = [bindparam("types", expanding=True)]
    if properties is not None:
        where += f" AND {properties.expression} IN :values"
        expanding.append(bindparam("values", expanding=True))
        params.update(properties.params, values=list(values))
    query = text(f"SELECT COUNT(DISTINCT contact_id) FROM events WHERE {where}")
    return int(connection.execute(query.bindparams(*expanding), params).scalar_one())
