"""Condition trees as boolean arrays: one verdict per contact of a partition.

``AllOf`` is a logical AND of its items' arrays (true when empty), ``AnyOf`` an OR
(false when empty), ``Not`` a negation, as in ``engine.conditions``. Leaves are:

    attribute tests   precomputed for every contact (attributes.py), sliced
    derived tests     on what the partition has computed so far (fit, engagement,
                      BANT, lead type, sales-ready) or on sales facts as of ``now``:
                      few-valued paths are probed once per value (probes.py), numeric
                      paths are compared as arrays
    event tests       the slot's tally: matched, and enough events inside the window
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import Column
from leadflow.batch.probes import (
    CATEGORIES,
    NUMERIC_PATHS,
    derived_probe,
    numeric_test,
    predicate_of,
    verdicts,
)
from leadflow.batch.tally import SlotTally
from leadflow.definition.model import AllOf, AnyOf, Condition, EventTest, FieldTest, Not
from leadflow.engine.activity import Slot

__all__ = ["Known", "evaluate", "event_test_holds"]

Flags = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(slots=True, eq=False)
class Known:
    """What conditions of one partition can read, filled in step by step.

    ``codes[path]``: categorical derived values as codes into ``probes.CATEGORIES``
    (``opportunity.status`` as a Column); ``numbers[path]``: numeric values with NaN
    for missing; ``attributes``: the precomputed attribute verdicts for these rows.
    """

    rows: int
    now: datetime
    free_mail: frozenset[str]
    attributes: Mapping[int, Flags]
    tests: Mapping[EventTest, Slot]
    tallies: list[SlotTally]
    codes: dict[str, npt.NDArray[np.integer[Any]]] = field(default_factory=dict)
    numbers: dict[str, Floats] = field(default_factory=dict)
    status: Column | None = None  # opportunity.status as of now
    # Verdict tables of few-valued tests, shared by every partition of a run.
    tables: dict[int, Flags] = field(default_factory=dict)


def evaluate(condition: Condition, known: Known) -> Flags:
    if isinstance(condition, FieldTest):
        found = known.attributes.get(id(condition))
        return found if found is not None else _derived(condition, known)
    if isinstance(condition, EventTest):
        return event_test_holds(known.tests[condition], known.tallies, known.rows)
    if isinstance(condition, AllOf):
        result = np.ones(known.rows, dtype=bool)
        for item in condition.items:
            result &= evaluate(item, known)
        return result
    if isinstance(condition, AnyOf):
        result = np.zeros(known.rows, dtype=bool)
        for item in condition.items:
            result |= evaluate(item, known)
        return result
    if isinstance(condition, Not):
        return ~evaluate(condition.item, known)
    raise TypeError(f"not a condition: {condition!r}")


def event_test_holds(slot: Slot, tallies: list[SlotTally], rows: int) -> Flags:
    """``engine.conditions._event_predicate`` for every row."""
    if slot.min_count <= 0:
        return np.ones(rows, dtype=bool)
    tally = tallies[slot.id]
    found = tally.found if tally.found is not None else tally.count
    return (tally.count > 0) & (found >= slot.min_count)


def _derived(test: FieldTest, known: Known) -> Flags:
    path = test.field
    if path in NUMERIC_PATHS:
        numbers = known.numbers[path]
        present = ~np.isnan(numbers)
        fast = numeric_test(test, numbers, present)
        if fast is not None:
            return fast
        return _probe_numbers(test, numbers, present, known)
    if path == "opportunity.status":
        assert known.status is not None
        table = _table(test, known, [*known.status.python_values(), None])
        return table[np.where(known.status.codes < 0, len(known.status.values), known.status.codes)]
    table = _table(test, known, list(CATEGORIES[path]))
    found: Flags = table[known.codes[path]]
    return found


def _table(test: FieldTest, known: Known, values: list[object]) -> Flags:
    """The test's verdict for each possible value, probed once per partition run."""
    table = known.tables.get(id(test))
    if table is None:
        scopes = [derived_probe(test.field, v, known.now, known.free_mail) for v in values]
        table = known.tables[id(test)] = verdicts(predicate_of(test), scopes)
    return table


def _probe_numbers(test: FieldTest, numbers: Floats, present: Flags, known: Known) -> Flags:
    """Unusual operators on numbers: probe each distinct value (and the missing one)."""
    distinct = np.unique(numbers[present])
    codes = np.where(present, np.searchsorted(distinct, numbers), distinct.shape[0])
    values: list[object] = [_plain(test.field, v) for v in distinct.tolist()]
    values.append(None)
    scopes = [derived_probe(test.field, v, known.now, known.free_mail) for v in values]
    return verdicts(predicate_of(test), scopes)[codes]


def _plain(path: str, value: float) -> object:
    """Counts are ints in the engine (``sales.conversations``, ``bant.met``)."""
    return int(value) if path in ("sales.conversations", "bant.met") else value
