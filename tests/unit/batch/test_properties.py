"""The batch engine agrees with the real-time engine on every field of every contact.

Hypothesis draws random definitions (fit, engagement, BANT, gate and stage conditions
over attributes, derived values and event tests) and random worlds (mixed-type
attributes, events around ``now``, BANT facts, conversations, opportunities). Each
contact's ``BatchResult.qualification(row)`` must equal
``engine.qualify(facts, definition, now, explain=False)``: numbers to 1e-9, everything
else exactly; and ``advance_all`` must move the same leads, with the same ledger line,
as ``engine.lifecycle.advance``.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadflow.batch.frames import MISSING_TIME, Column, micros
from leadflow.batch.from_facts import frames_of
from leadflow.batch.lifecycle import advance_all, stage_codes
from leadflow.batch.qualify import qualify_frames
from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition
from leadflow.domain.facts import Facts
from leadflow.domain.lifecycle import LifecycleState
from leadflow.engine import advance, qualify
from tests.unit.batch.strategies import definitions, worlds

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
EXAMPLES = 60


def assert_same(batch: object, engine: object, where: str = "qualification") -> None:
    """Equal field by field; floats to 1e-9 (absolute or relative)."""
    if isinstance(engine, float) and isinstance(batch, float):
        assert math.isclose(batch, engine, rel_tol=1e-9, abs_tol=1e-9), (where, batch, engine)
    elif is_dataclass(engine) and not isinstance(engine, type):
        assert type(batch) is type(engine), (where, batch, engine)
        for item in fields(engine):
            name = item.name
            assert_same(getattr(batch, name), getattr(engine, name), f"{where}.{name}")
    elif isinstance(engine, tuple) and isinstance(batch, tuple):
        assert len(batch) == len(engine), (where, batch, engine)
        for index, (left, right) in enumerate(zip(batch, engine, strict=True)):
            assert_same(left, right, f"{where}[{index}]")
    else:
        assert batch == engine, (where, batch, engine)


def _states(definition: Definition) -> st.SearchStrategy[LifecycleState]:
    stages = [None, NURTURE, DISQUALIFIED, "retired-stage", *definition.stage_ids]
    recycled = st.none() | st.floats(min_value=0, max_value=200).map(
        lambda days: NOW - timedelta(days=days)
    )
    return st.builds(
        lambda stage, at: LifecycleState(stage=stage, recycled_at=at),
        st.sampled_from(stages),
        recycled,
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), people=worlds(NOW), partition=st.integers(1, 64), data=st.data())
def test_batch_equals_the_real_time_engine(
    definition: Definition, people: list[Facts], partition: int, data: st.DataObject
) -> None:
    contacts, events = frames_of(people)
    result = qualify_frames(definition, contacts, events, NOW, partition_events=partition)
    # The NumPy fold (used where numba is missing) answers the same, field by field.
    numpy_fold = qualify_frames(
        definition, contacts, events, NOW, partition_events=partition, compiled=False
    )
    states = [data.draw(_states(definition)) for _ in people]
    current = stage_codes(Column.from_python([s.stage for s in states]), definition.stage_ids)
    recycled = np.array(
        [MISSING_TIME if s.recycled_at is None else micros(s.recycled_at) for s in states]
    )
    moves = advance_all(current, recycled, result)
    for row, facts in enumerate(people):
        expected = qualify(facts, definition, NOW, explain=False)
        assert_same(result.qualification(row), expected)
        assert_same(numpy_fold.qualification(row), expected)
        step = advance(states[row], expected, NOW)
        moved = moves.transition(row, states[row].stage) if moves.moved[row] else None
        assert moved == step.transition
