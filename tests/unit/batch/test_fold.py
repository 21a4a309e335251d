"""The compiled event fold gives the NumPy fold's tallies, slot by slot.

The property test compares whole qualifications with the real-time engine on small
worlds; here partitions are large enough to span many of the compiled loop's blocks,
with events after ``now``, ties on time, absent properties, two code widths, and a
second dictionary for the same properties (a new row group) on the same ``Folder``.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadflow.batch.fold import _BLOCK, COMPILED, Folder
from leadflow.batch.frames import Column, ContactFrame, EventFrame, micros
from leadflow.batch.kernel import Run
from leadflow.batch.tally import EventLookups, SlotTally, tally_events
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.engine.plan import plan_for
from tests.unit.batch.strategies import ASSETS, FORMS, TYPES, URLS, definitions
from tests.unit.batch.test_properties import NOW

ROWS = 100  # about 120 events a contact: decayed totals go past their caps
EVENTS = 3 * _BLOCK + 123


def _events(seed: int, types: tuple[str, ...] = TYPES) -> EventFrame:
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.integers(0, ROWS, EVENTS)).astype(np.int32)
    # Whole hours over 200 days, some after now: many events share a moment.
    hours = rng.integers(-200 * 24, 5 * 24, EVENTS)
    at_us = micros(NOW) + hours * 3_600_000_000
    values = {"url": URLS, "asset": ASSETS, "form": FORMS}
    properties = {}
    for key, choices in values.items():
        picked = rng.integers(-1, len(choices), EVENTS)
        column = Column.from_python([None if p < 0 else choices[p] for p in picked.tolist()])
        if key == "form":  # another code width than the other columns
            column = Column(column.codes.astype(np.int16), column.values)
        properties[key] = column
    return EventFrame(
        row=rows,
        type_code=rng.integers(0, len(types), EVENTS).astype(np.int8),
        types=types,
        at_us=at_us.astype(np.int64),
        properties=properties,
    )


def _assert_same_tallies(compiled: list[SlotTally], expected: list[SlotTally]) -> None:
    assert len(compiled) == len(expected)
    for slot, (mine, theirs) in enumerate(zip(compiled, expected, strict=True)):
        assert mine.count.tolist() == theirs.count.tolist(), slot
        for name in ("last_us", "last_rank", "found"):
            left, right = getattr(mine, name), getattr(theirs, name)
            assert (left is None) == (right is None), (slot, name)
            if left is not None:
                assert left.tolist() == right.tolist(), (slot, name)
        assert (mine.total is None) == (theirs.total is None), slot
        if mine.total is not None and theirs.total is not None:
            for a, b in zip(mine.total.tolist(), theirs.total.tolist(), strict=True):
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (slot, a, b)


def _both(definition: Definition, events: EventFrame, folder: Folder | None = None) -> None:
    plan = plan_for(definition)
    lookups = EventLookups(plan.layout)
    now_us = micros(NOW)
    folder = folder or Folder(plan.layout, lookups, now_us)
    expected = tally_events(plan.layout, lookups, events, ROWS, now_us)
    _assert_same_tallies(folder.fold(events, ROWS), expected)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), seed=st.integers(0, 2**16))
def test_the_compiled_fold_gives_the_numpy_tallies(definition: Definition, seed: int) -> None:
    _both(definition, _events(seed))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), seed=st.integers(0, 2**16))
def test_a_partition_qualifies_the_same_with_either_fold(definition: Definition, seed: int) -> None:
    """The compiled fold also gives the engagement score and the last sales action."""
    contacts = ContactFrame.bare(np.arange(ROWS, dtype=np.int64), {})
    events = _events(seed)
    compiled = Run(definition, contacts, NOW).partition(0, ROWS, events)
    numpy_fold = Run(definition, contacts, NOW, compiled=False).partition(0, ROWS, events)
    for a, b in zip(compiled.engagement.tolist(), numpy_fold.engagement.tolist(), strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (a, b)
    assert compiled.action_us.tolist() == numpy_fold.action_us.tolist()
    assert compiled.action_rank.tolist() == numpy_fold.action_rank.tolist()
    assert compiled.reason.tolist() == numpy_fold.reason.tolist()
    assert compiled.stage.tolist() == numpy_fold.stage.tolist()


def test_a_new_dictionary_on_the_same_folder_is_routed_anew() -> None:
    definition = load_definition("waterfall")
    plan = plan_for(definition)
    folder = Folder(plan.layout, EventLookups(plan.layout), micros(NOW))
    first = _events(1)
    _both(definition, first, folder)
    # The same events with other dictionaries: property values and types reordered.
    second = _events(2, tuple(reversed(TYPES)))
    recoded = {}
    for key, column in second.properties.items():
        values = list(column.python_values())
        order = list(reversed(range(len(values))))
        table = np.array([order.index(code) for code in range(len(values))] + [-1])
        recoded[key] = Column(table[column.codes].astype(column.codes.dtype), values[::-1])
    _both(
        definition,
        EventFrame(second.row, second.type_code, second.types, second.at_us, recoded),
        folder,
    )


def test_numba_is_imported_on_first_use_not_with_the_package() -> None:
    """The API and web processes import the batch package; numba costs ~130 MB there."""
    script = (
        "import sys; import leadflow.batch.qualify, leadflow.services.rescore;"
        " print('numba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_compiled_fold_is_what_runs() -> None:
    """numba is a dependency: a run that silently fell back to NumPy would be slow."""
    assert COMPILED
    contacts = ContactFrame.bare(np.arange(3, dtype=np.int64), {})
    assert Run(load_definition("waterfall"), contacts, NOW).folder is not None
    assert Run(load_definition("waterfall"), contacts, NOW, compiled=False).folder is None
