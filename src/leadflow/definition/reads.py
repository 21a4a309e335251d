"""What a definition reads from a workspace's data: field paths, the words it compares
them with, and event types, each with the rules that read it.

``leadflow definition check`` holds this list against the store, so each entry keeps
where it comes from, in the words of the file (``fit rule 'target industry'``,
``stage mql``, ``routing rule 'Benelux'``). Only what the data can disagree with is
listed:

    fields        contact.*, account.*, source.* and consent.* paths of any condition
                  (derived paths such as ``fit.grade`` are computed, never stored)
    values        the text operands of ``equals`` and ``in`` on stored attributes, as
                  written (consent states and booleans are checked when the file loads)
    event types   those of engagement rules and of event tests in conditions; the
                  defaults of sales actions, assets and own actions are left out, since
                  a workspace need not have every kind of sales action
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from leadflow.definition.model import (
    ATTRIBUTE_NAMESPACES,
    Condition,
    Definition,
    EventTest,
    FieldTest,
    Op,
    condition_leaves,
)

__all__ = [
    "DataReads",
    "EventTypeRead",
    "FieldRead",
    "ValueRead",
    "conditions",
    "data_reads",
    "stored_path",
]

# Attribute paths computed from other values, not stored as such.
_COMPUTED: frozenset[str] = frozenset({"contact.email_domain", "contact.free_mail"})


@dataclass(frozen=True, slots=True)
class ValueRead:
    """A word a field is compared with, as written, and the rules comparing with it."""

    value: str
    read_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldRead:
    """A field path, the rules reading it and the words they compare it with (in the
    order first met, each once)."""

    path: str
    read_by: tuple[str, ...]
    values: tuple[ValueRead, ...] = ()


@dataclass(frozen=True, slots=True)
class EventTypeRead:
    type: str
    read_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataReads:
    fields: tuple[FieldRead, ...]  # by path
    event_types: tuple[EventTypeRead, ...]  # by type


def stored_path(path: str) -> str:
    """The stored field a path's value comes from: the e-mail for the paths derived from it."""
    return "contact.email" if path in _COMPUTED else path


def data_reads(definition: Definition) -> DataReads:
    fields: dict[str, tuple[list[str], dict[str, list[str]]]] = {}
    types: dict[str, list[str]] = {}
    for where, condition in conditions(definition):
        for test in condition_leaves(condition):
            if isinstance(test, EventTest):
                for kind in sorted(test.matcher.types):
                    _add(types.setdefault(kind, []), where)
                continue
            if test.field.partition(".")[0] not in ATTRIBUTE_NAMESPACES:
                continue
            readers, values = fields.setdefault(test.field, ([], {}))
            _add(readers, where)
            for value in _words(test):
                _add(values.setdefault(value, []), where)
    for rule in definition.engagement.rules:
        for kind in sorted(rule.matcher.types):
            _add(types.setdefault(kind, []), f"engagement rule {rule.name!r}")
    return DataReads(
        tuple(
            FieldRead(
                path,
                tuple(readers),
                tuple(ValueRead(value, tuple(by)) for value, by in values.items()),
            )
            for path, (readers, values) in sorted(fields.items())
        ),
        tuple(EventTypeRead(kind, tuple(readers)) for kind, readers in sorted(types.items())),
    )


def conditions(definition: Definition) -> Iterator[tuple[str, Condition]]:
    """Every condition with the words naming it, in the order of the file's sections."""
    for rule in definition.fit.rules:
        yield f"fit rule {rule.name!r}", rule.condition
    for criterion, rules in definition.bant.rules.items():
        for bant in rules:
            yield f"bant {criterion} rule {bant.name!r}", bant.condition
    if definition.sales_ready.condition is not None:
        yield "sales-ready gate", definition.sales_ready.condition
    for stage in definition.stages:
        # The stage's own condition: those of its ``requires`` are read by their stages.
        yield f"stage {stage.id}", stage.own_condition or stage.condition
    for routing in definition.handoff.routing.rules:
        if routing.condition is not None:
            yield f"routing rule {routing.name!r}", routing.condition


def _words(test: FieldTest) -> list[str]:
    """The text a test compares a stored attribute with, as the file wrote it."""
    namespace = test.field.partition(".")[0]
    if namespace == "consent" or test.field in _COMPUTED or test.field == "source.purchased":
        return []
    if test.op is Op.EQUALS:
        written = [test.written]
    elif test.op is Op.IN and isinstance(test.written, list | tuple):
        written = list(test.written)
    else:
        return []
    return [value for value in written if isinstance(value, str)]


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
