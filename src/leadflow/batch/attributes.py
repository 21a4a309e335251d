"""Attribute field tests (contact, account, source, consent) over every contact at once.

Each test's verdict depends only on the attribute values it reads, so it is computed
once per distinct value (or combination of values) with the engine's own predicate
(probes.py) and spread to all contacts by code. The result is one boolean per contact,
computed before the partitions run: attributes do not change with ``now``.

Two contact paths are derived from the e-mail address (``contact.email_domain``,
``contact.free_mail``); emails.py works out every address's domain at once and gives
each contact a stand-in address, so those tests are probed once per distinct domain
(or twice in all, for free mail).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from leadflow.batch.emails import domain_column, domains_of, free_mail_column
from leadflow.batch.frames import Column, ContactFrame
from leadflow.batch.probes import attribute_probe, numeric_test, predicate_of, verdicts
from leadflow.definition.model import (
    ATTRIBUTE_NAMESPACES,
    Condition,
    Definition,
    FieldTest,
    condition_leaves,
)
from leadflow.engine.layout import definition_conditions

__all__ = ["attribute_masks", "attribute_paths", "attribute_tests"]

Flags = npt.NDArray[np.bool_]
_DERIVED_FROM_EMAIL = ("email_domain", "free_mail")


def attribute_tests(definition: Definition) -> list[FieldTest]:
    """Every field test on an attribute path, in fit, BANT, gate and stage conditions."""
    found: dict[int, FieldTest] = {}
    for condition in definition_conditions(definition):
        for test in _field_tests(condition):
            if test.field.partition(".")[0] in ATTRIBUTE_NAMESPACES:
                found.setdefault(id(test), test)
    return list(found.values())


def attribute_paths(definition: Definition) -> frozenset[str]:
    """The attribute paths the definition's tests read (``batch.store.read_store`` can read
    only these): each test's path, and the e-mail for the paths derived from it."""
    paths = {test.field for test in attribute_tests(definition)}
    if any(path in (f"contact.{key}" for key in _DERIVED_FROM_EMAIL) for path in paths):
        paths.add("contact.email")
    return frozenset(paths)


def _field_tests(condition: Condition) -> Iterator[FieldTest]:
    return (test for test in condition_leaves(condition) if isinstance(test, FieldTest))


def attribute_masks(
    definition: Definition, contacts: ContactFrame, now: datetime
) -> dict[int, Flags]:
    """``id(test)`` -> the test's verdict for every contact."""
    derived = _Derived(contacts, definition.free_mail_domains)
    masks = {
        id(test): _mask(test, contacts, now, definition.free_mail_domains, derived)
        for test in attribute_tests(definition)
    }
    # The string work on a million addresses leaves Arrow's allocator holding memory.
    pa.default_memory_pool().release_unused()
    return masks


class _Derived:
    """The stand-in address columns of the e-mail-derived paths, made when first asked."""

    def __init__(self, contacts: ContactFrame, free_mail: frozenset[str]) -> None:
        self.emails = contacts.attribute("contact.email")
        self.free_mail = free_mail
        self._domains: pa.Array | None = None
        self._columns: dict[str, Column] = {}

    def column(self, key: str) -> Column:
        found = self._columns.get(key)
        if found is None:
            if self._domains is None:
                self._domains = domains_of(self.emails)
            if key == "email_domain":
                found = domain_column(self.emails, self._domains)
            else:
                found = free_mail_column(self.emails, self._domains, self.free_mail)
            self._columns[key] = found
        return found


def _mask(
    test: FieldTest,
    contacts: ContactFrame,
    now: datetime,
    free_mail: frozenset[str],
    derived: _Derived,
) -> Flags:
    namespace, _, key = test.field.partition(".")
    # A key no contact has is simply absent from every probe.
    columns = [pair for pair in _columns(namespace, key, contacts, derived) if len(pair[1].values)]
    if not columns:
        columns = [(key, Column.absent(contacts.size))]
    if len(columns) == 1:
        fast = _numeric_mask(test, columns[0][1])
        if fast is not None:
            return fast
    return _probed(test, namespace, columns, now, free_mail)


def _columns(
    namespace: str, key: str, contacts: ContactFrame, derived: _Derived
) -> list[tuple[str, Column]]:
    """The first-level keys a path reads, and their columns."""
    if namespace == "source" and key == "purchased":
        return [(key, Column(contacts.purchased.astype(np.int32), [False, True]))]
    if namespace == "contact" and key in _DERIVED_FROM_EMAIL:
        # The explicit attribute wins; without one the engine derives it from the e-mail,
        # for which a stand-in address with the same domain (or verdict) will do.
        return [(key, contacts.attribute(f"contact.{key}")), ("email", derived.column(key))]
    if "." in key:
        first = key.split(".", 1)[0]
        return [
            (first, contacts.attribute(f"{namespace}.{first}")),
            (key, contacts.attribute(f"{namespace}.{key}")),
        ]
    return [(key, contacts.attribute(f"{namespace}.{key}"))]


def _numeric_mask(test: FieldTest, column: Column) -> Flags | None:
    values = column.values
    if not isinstance(values, pa.Array):
        return None
    kind = values.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return None
    numbers = np.append(values.to_numpy(zero_copy_only=False).astype(np.float64), np.nan)
    present = np.ones(numbers.shape[0], dtype=bool)
    present[-1] = False
    table = numeric_test(test, numbers, present)
    return None if table is None else table[column.codes]


def _probed(
    test: FieldTest,
    namespace: str,
    columns: list[tuple[str, Column]],
    now: datetime,
    free_mail: frozenset[str],
) -> Flags:
    """Probe each distinct combination of the columns' values."""
    predicate = predicate_of(test)
    listed = [column.python_values() for _, column in columns]
    combined, distinct = _combine([column for _, column in columns])
    scopes = []
    for combo in distinct:
        values = {
            key: listed[i][code]
            for i, ((key, _), code) in enumerate(zip(columns, combo, strict=True))
            if code >= 0
        }
        scopes.append(attribute_probe(namespace, values, now, free_mail))
    found: Flags = verdicts(predicate, scopes)[combined]
    return found


def _combine(
    columns: list[Column],
) -> tuple[npt.NDArray[np.integer[Any]], list[tuple[int, ...]]]:
    """One code per row for the combination of the columns' codes, and the combinations."""
    if len(columns) == 1:
        width = len(columns[0].values)
        # The absent value is the last combination, which code -1 indexes as it is.
        singles: list[tuple[int, ...]] = [(code,) for code in range(width)]
        return columns[0].codes, [*singles, (-1,)]
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        key = key * (len(column.values) + 1) + (column.codes.astype(np.int64) + 1)
    distinct, inverse = np.unique(key, return_inverse=True)
    combos: list[tuple[int, ...]] = []
    for value in distinct.tolist():
        parts: list[int] = []
        for column in reversed(columns):
            value, code = divmod(value, len(column.values) + 1)
            parts.append(code - 1)
        combos.append(tuple(reversed(parts)))
    return inverse.reshape(-1), combos
