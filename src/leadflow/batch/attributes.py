"""Attribute field tests (contact, account, source, consent) over every contact at once.

Each test's verdict depends only on the attribute values it reads, so it is computed
once per distinct value (or combination of values) with the engine's own predicate
(probes.py) and spread to all contacts by code. The result is one boolean per contact,
computed before the partitions run: attributes do not change with ``now``.

Two contact paths are derived from the e-mail address (``contact.email_domain``,
``contact.free_mail``). Addresses are nearly all distinct, so their domains are worked
out with Arrow string kernels first (for printable ASCII, where Arrow's and Python's
trimming and lower-casing agree; other addresses go through ``engine.scope.email_domain``)
and the tests are then probed once per distinct domain.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from leadflow.batch.frames import Column, ContactFrame
from leadflow.batch.probes import attribute_probe, numeric_test, predicate_of, verdicts
from leadflow.definition.model import (
    ATTRIBUTE_NAMESPACES,
    AllOf,
    AnyOf,
    Condition,
    Definition,
    FieldTest,
    Not,
)
from leadflow.domain.facts import Facts
from leadflow.engine.scope import email_domain

__all__ = ["attribute_masks", "attribute_tests", "email_domain_column", "free_mail_column"]

Flags = npt.NDArray[np.bool_]
_DERIVED_FROM_EMAIL = ("email_domain", "free_mail")


def attribute_tests(definition: Definition) -> list[FieldTest]:
    """Every field test on an attribute path, in fit, BANT, gate and stage conditions."""
    conditions: list[Condition] = [rule.condition for rule in definition.fit.rules]
    for rules in definition.bant.rules.values():
        conditions.extend(rule.condition for rule in rules)
    if definition.sales_ready.condition is not None:
        conditions.append(definition.sales_ready.condition)
    conditions.extend(stage.condition for stage in definition.stages)
    found: dict[int, FieldTest] = {}
    for condition in conditions:
        for test in _field_tests(condition):
            if test.field.partition(".")[0] in ATTRIBUTE_NAMESPACES:
                found.setdefault(id(test), test)
    return list(found.values())


def _field_tests(condition: Condition) -> Iterator[FieldTest]:
    if isinstance(condition, FieldTest):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from _field_tests(item)
    elif isinstance(condition, Not):
        yield from _field_tests(condition.item)


def attribute_masks(
    definition: Definition, contacts: ContactFrame, now: datetime
) -> dict[int, Flags]:
    """``id(test)`` -> the test's verdict for every contact."""
    derived: dict[str, Column] = {}
    masks: dict[int, Flags] = {}
    for test in attribute_tests(definition):
        namespace, _, key = test.field.partition(".")
        if namespace == "contact" and key in _DERIVED_FROM_EMAIL and key not in derived:
            _derive(derived, contacts, definition.free_mail_domains)
        masks[id(test)] = _mask(test, contacts, now, definition.free_mail_domains, derived)
    return masks


def _derive(derived: dict[str, Column], contacts: ContactFrame, free_mail: frozenset[str]) -> None:
    """Stand-in addresses for the derived paths: same domain, or same free-mail verdict."""
    domains = email_domain_column(contacts.attribute("contact.email"))
    derived["email_domain"] = domains
    derived["free_mail"] = free_mail_column(domains, free_mail)


def _mask(
    test: FieldTest,
    contacts: ContactFrame,
    now: datetime,
    free_mail: frozenset[str],
    derived: dict[str, Column],
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
    namespace: str, key: str, contacts: ContactFrame, derived: dict[str, Column]
) -> list[tuple[str, Column]]:
    """The first-level keys a path reads, and their columns."""
    if namespace == "source" and key == "purchased":
        return [(key, Column(contacts.purchased.astype(np.int32), [False, True]))]
    if namespace == "contact" and key in _DERIVED_FROM_EMAIL:
        # The explicit attribute wins; without one the engine derives it from the e-mail,
        # for which a stand-in address with the same domain (or verdict) will do.
        return [(key, contacts.attribute(f"contact.{key}")), ("email", derived[key])]
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
    return verdicts(predicate, scopes)[combined]


def _combine(columns: list[Column]) -> tuple[npt.NDArray[np.int64], list[tuple[int, ...]]]:
    """One code per row for the combination of the columns' codes, and the combinations."""
    if len(columns) == 1:
        codes = columns[0].codes.astype(np.int64)
        width = len(columns[0].values)
        # -1 (absent) becomes the last combination.
        singles: list[tuple[int, ...]] = [(code,) for code in range(width)]
        return np.where(codes < 0, width, codes), [*singles, (-1,)]
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


def email_domain_column(emails: Column) -> Column:
    """Each contact's e-mail domain as ``engine.scope.email_domain`` derives it, as
    ``"@" + domain`` (an address with that domain, so a probe derives the same value)."""
    values = emails.values
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        domains = Column.from_arrow(_arrow_domains(values))
    else:
        domains = Column.from_python([_python_domain(value) for value in emails.python_values()])
    table = np.append(domains.codes, -1)
    return Column(table[emails.codes], domains.values)


def free_mail_column(domains: Column, free_mail: frozenset[str]) -> Column:
    """Whether each contact's address is free mail, as a stand-in address: one with a
    free-mail domain, one without, or none (no address: unknown)."""
    values = domains.values
    listed = domains.python_values()
    if isinstance(values, pa.Array):
        bare = pc.utf8_slice_codeunits(values, 1)
        flags = pc.is_in(bare, value_set=pa.array(sorted(free_mail), pa.string())).to_numpy(
            zero_copy_only=False
        )
    else:
        flags = np.array([str(v)[1:] in free_mail for v in listed], dtype=bool)
    table = np.append(flags.astype(np.int32), -1)
    stand_ins = ["@" + _outside(free_mail), "@" + min(free_mail) if free_mail else "@"]
    return Column(table[domains.codes], stand_ins)


def _outside(domains: frozenset[str]) -> str:
    """A domain that is not in ``domains``."""
    return "x" * (max((len(d) for d in domains), default=0) + 1) + ".invalid"


def _arrow_domains(values: pa.Array) -> pa.Array:
    """``@domain`` per address with Arrow kernels; addresses outside printable ASCII (where
    Arrow's and Python's trimming or lower-casing could differ) go through Python."""
    printable = pc.invert(pc.match_substring_regex(values, r"[^ -~]").fill_null(True))
    after = pc.struct_field(pc.extract_regex(values, r"@(?P<domain>[^@]*)$"), [0])
    domain = pc.ascii_lower(pc.utf8_trim(after, " "))
    domain = pc.if_else(pc.equal(domain, ""), pa.scalar(None, pa.string()), domain)
    found = pc.binary_join_element_wise("@", domain, "")
    if pc.all(printable).as_py() is not False:
        return found
    listed = found.to_pylist()
    raw = values.to_pylist()
    for index, ok in enumerate(printable.to_pylist()):
        if not ok:
            listed[index] = _python_domain(raw[index])
    return pa.array(listed, pa.string())


def _python_domain(value: object) -> str | None:
    domain = email_domain(Facts(contact={"email": value}))
    return None if domain is None else "@" + domain
