"""Qualification and lifecycle: pure functions of (facts, definition, now).

    qualify.py      qualify(), qualify_summary(): the seven steps, in order
    plan.py         a Definition compiled once: predicates, slots (plan_for caches it)
    layout.py       the slots: every question asked about events, and the fingerprint
    routing.py      which slots an event feeds (by type, then remembered property values)
    activity.py     Activity (what events say at ``now``), and the full event list folded
    summary.py      ActivitySummary: the same fold, incremental, stored as JSON
    scope.py        what conditions see: fact paths and computed values
    conditions.py   FieldTest / EventTest / AllOf / AnyOf / Not compiled to predicates
    fit.py, engagement.py, bant.py, lead_type.py, sales_ready.py   one step each
    explain.py      the readable explanation
    lifecycle.py    advance (forward only), recycle, disqualify, move, replay, stage_at

Nothing here does I/O or reads the clock: ``now`` is always a parameter.
"""

from leadflow.engine.lifecycle import (
    LifecycleError,
    LifecycleStep,
    advance,
    disqualify,
    funnel_at,
    move,
    recycle,
    replay,
    stage_at,
)
from leadflow.engine.qualify import qualify, qualify_summary
from leadflow.engine.summary import ActivitySummary, SummaryMismatchError

__all__ = [
    "ActivitySummary",
    "LifecycleError",
    "LifecycleStep",
    "SummaryMismatchError",
    "advance",
    "disqualify",
    "funnel_at",
    "move",
    "qualify",
    "qualify_summary",
    "recycle",
    "replay",
    "stage_at",
]
