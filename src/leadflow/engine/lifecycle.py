"""The lifecycle: how a lead moves through the funnel, one recorded transition at a time.

Rules (docs/engine.md, "Lifecycle"):

* ``advance`` moves a lead **forward** automatically, to the qualification's target
  stage when it is further in the funnel than the current one (or when the lead has no
  stage yet). It never moves a lead back, and never out of an off-ramp except by the
  re-qualification rule below.
* ``recycle`` (to ``nurture``: not sales-ready now, keep marketing to it) and
  ``disqualify`` (to ``disqualified``) are explicit: they need a reason and an actor.
* **Re-qualification**: a recycled lead leaves ``nurture`` automatically when it is
  sales-ready again on the strength of a sales-specific action made *after* it was
  recycled (domain.md: nurtured "until they are" sales-ready). It moves to its target
  stage. Old activity cannot bring it back, or recycling would undo itself.
* ``disqualified`` is left only explicitly, with ``move`` (or ``recycle``).
* A stage the qualifying definition no longer has is left only explicitly too, so a
  definition change never moves a lead silently: a rescore (batch/lifecycle.py,
  ``leave_retired``) is that explicit step.

Every move is a Transition; ``replay`` rebuilds the state from transitions and
``stage_at`` / ``funnel_at`` give the funnel at any past moment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from leadflow.definition.model import DISQUALIFIED, NURTURE
from leadflow.domain.clock import ensure_utc
from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.domain.qualification import Qualification

__all__ = [
    "LifecycleError",
    "LifecycleStep",
    "advance",
    "apply_transition",
    "disqualify",
    "funnel_at",
    "move",
    "recycle",
    "replay",
    "stage_at",
]

OFF_RAMPS = frozenset({NURTURE, DISQUALIFIED})


class LifecycleError(ValueError):
    """An explicit move that makes no sense (no reason, already there, to an off-ramp)."""


@dataclass(frozen=True, slots=True)
class LifecycleStep:
    """The state after a call, and the transition it recorded (None: the lead stayed)."""

    state: LifecycleState
    transition: Transition | None = None


def advance(state: LifecycleState, qualification: Qualification, now: datetime) -> LifecycleStep:
    """Move forward to the qualification's target stage when the rules allow it."""
    now = ensure_utc(now)
    target = qualification.stage
    reason = _forward_reason(state, qualification)
    if target is None or reason is None:
        return LifecycleStep(state)
    transition = Transition(
        from_stage=state.stage,
        to_stage=target,
        at=now,
        reason=reason,
        definition_version=qualification.definition_version,
        rule=f"stage:{target}",
    )
    return LifecycleStep(apply_transition(state, transition), transition)


def _forward_reason(state: LifecycleState, qualification: Qualification) -> str | None:
    """Why the lead may move to the target stage, or None when it must stay."""
    target = qualification.stage
    current = state.stage
    if target is None or current == DISQUALIFIED:
        return None
    if current == NURTURE:
        return _requalified(state, qualification)
    if current is None:
        return "entered the funnel"
    order = qualification.stages
    if current not in order or target not in order:
        return None
    if order.index(target) <= order.index(current):
        return None  # never back, and staying is not a move
    return f"moved forward: {target} holds"


def _requalified(state: LifecycleState, qualification: Qualification) -> str | None:
    action = qualification.last_sales_action
    if not qualification.sales_ready or action is None:
        return None
    if state.recycled_at is not None and action.at <= state.recycled_at:
        return None
    return f"re-qualified after recycling: {action.type} at {action.at.isoformat()}"


def recycle(state: LifecycleState, reason: str, actor: str, now: datetime) -> LifecycleStep:
    """Send the lead to ``nurture``: not sales-ready now, marketing keeps talking to it."""
    if state.stage == NURTURE:
        raise LifecycleError("the lead is already in nurture")
    return _explicit(state, NURTURE, reason, actor, now)


def disqualify(state: LifecycleState, reason: str, actor: str, now: datetime) -> LifecycleStep:
    """Take the lead out of the funnel for good, until someone explicitly moves it."""
    if state.stage == DISQUALIFIED:
        raise LifecycleError("the lead is already disqualified")
    return _explicit(state, DISQUALIFIED, reason, actor, now)


def move(
    state: LifecycleState, to_stage: str, reason: str, actor: str, now: datetime
) -> LifecycleStep:
    """An explicit move to a funnel stage, in any direction (a person decided it)."""
    if to_stage in OFF_RAMPS:
        raise LifecycleError(f"use recycle or disqualify to move a lead to {to_stage}")
    if to_stage == state.stage:
        raise LifecycleError(f"the lead is already in {to_stage}")
    return _explicit(state, to_stage, reason, actor, now)


def _explicit(
    state: LifecycleState, to_stage: str, reason: str, actor: str, now: datetime
) -> LifecycleStep:
    if not reason.strip():
        raise LifecycleError(f"moving a lead to {to_stage} needs a reason")
    if not actor.strip():
        raise LifecycleError(f"moving a lead to {to_stage} needs an actor")
    transition = Transition(
        from_stage=state.stage,
        to_stage=to_stage,
        at=ensure_utc(now),
        reason=reason.strip(),
        definition_version=state.definition_version,
        actor=actor.strip(),
    )
    return LifecycleStep(apply_transition(state, transition), transition)


def apply_transition(state: LifecycleState, transition: Transition) -> LifecycleState:
    """The state after one transition; the single place that defines what a move does."""
    moved = replace(
        state,
        stage=transition.to_stage,
        entered_at=transition.at,
        definition_version=transition.definition_version or state.definition_version,
    )
    if transition.to_stage == NURTURE:
        return replace(moved, recycled_at=transition.at, recycled_reason=transition.reason)
    if transition.to_stage == DISQUALIFIED:
        return replace(moved, disqualified_at=transition.at, disqualified_reason=transition.reason)
    # Back in the funnel: the off-ramp details no longer describe the lead.
    return replace(
        moved,
        funnel_stage=transition.to_stage,
        recycled_at=None,
        recycled_reason=None,
        disqualified_at=None,
        disqualified_reason=None,
    )


def replay(transitions: Iterable[Transition], until: datetime | None = None) -> LifecycleState:
    """Rebuild a lead's state from its transitions (those at or before ``until``)."""
    state = LifecycleState()
    for transition in sorted(transitions, key=lambda t: t.at):  # stable: same-time order kept
        if until is not None and transition.at > until:
            break
        state = apply_transition(state, transition)
    return state


def stage_at(transitions: Iterable[Transition], at: datetime) -> str | None:
    """Where the lead stood at ``at``; None before it entered the funnel."""
    return replay(transitions, ensure_utc(at)).stage


def funnel_at(histories: Iterable[Iterable[Transition]], at: datetime) -> Counter[str]:
    """How many leads stood in each stage (off-ramps included) at ``at``."""
    counts: Counter[str] = Counter()
    for transitions in histories:
        stage = stage_at(transitions, at)
        if stage is not None:
            counts[stage] += 1
    return counts
