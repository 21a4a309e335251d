"""What a workspace's contacts hold, counted from the batch frames without a loop over
contacts: the contacts with a value per attribute path, the contacts per distinct value,
and the contacts each condition (a fit or BANT rule) holds for.

Every count works on a Column's distinct values and spreads the answer by code
(frames.py), so it costs one pass of NumPy over the contacts whatever the number of
values. ``leadflow definition check`` compares these counts with what a definition reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.batch.frames import Column, ContactFrame, EventFrame
from leadflow.batch.kernel import Run
from leadflow.batch.qualify import DEFAULT_PARTITION_EVENTS, partition_bounds
from leadflow.definition.model import Condition, Definition

__all__ = ["condition_counts", "filled_counts", "value_counts"]


def filled_counts(contacts: ContactFrame) -> dict[str, int]:
    """Per attribute path, the contacts holding a value that is not empty.

    ``source.purchased`` is the frame's own flag, not an attribute column when read from
    a store: every contact holds it (``false`` is a value, as the ``exists`` test sees it).
    """
    filled = {path: _filled(column) for path, column in contacts.attributes.items()}
    filled["source.purchased"] = contacts.size
    return filled


def _filled(column: Column) -> int:
    filled = np.array([_has_value(value) for value in column.python_values()], dtype=bool)
    return int(np.count_nonzero(filled[column.codes[column.codes >= 0]]))


def _has_value(value: object) -> bool:
    """As the ``exists`` test sees it: not None, not empty text, not an empty list."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict | tuple):
        return bool(value)
    return value is not None


def value_counts(column: Column) -> dict[str, int]:
    """The contacts per distinct value, as text (``1`` and ``"1"`` are one value)."""
    present = column.codes[column.codes >= 0]
    per_code = np.bincount(present, minlength=len(column.values)).tolist()
    counts: dict[str, int] = {}
    for value, count in zip(column.python_values(), per_code, strict=True):
        if count and _has_value(value):
            text = str(value)
            counts[text] = counts.get(text, 0) + int(count)
    return counts


def condition_counts(
    definition: Definition,
    contacts: ContactFrame,
    events: EventFrame,
    now: datetime,
    conditions: Sequence[Condition],
) -> list[int]:
    """How many contacts each condition holds for. The conditions may read attributes
    and events only (fit and BANT rules); ``events`` must hold every type they name."""
    # The NumPy fold: the events read here are few (often none), and loading the
    # compiled loops would cost more than it saves.
    run = Run(definition, contacts, now, compiled=False)
    totals = np.zeros(len(conditions), dtype=np.int64)
    bounds = partition_bounds(events.row, contacts.size, DEFAULT_PARTITION_EVENTS) or [(0, 0)]
    for first, stop in bounds:
        verdicts = run.attribute_verdicts(first, stop, events.rows_slice(first, stop), conditions)
        totals += np.array([_count(flags) for flags in verdicts], dtype=np.int64)
    return [int(total) for total in totals.tolist()]


def _count(flags: npt.NDArray[np.bool_]) -> int:
    return int(np.count_nonzero(flags))
