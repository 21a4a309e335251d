"""The sales-ready gate: only a lead that fits AND asked for sales goes to sales.

Sales-ready = fit grade ≥ ``min_fit_grade``
              AND a sales-specific action within ``sales_actions.within_days`` (when
                  ``require_sales_action``; the last one counts)
              AND engagement ≥ ``min_engagement`` (when set)
              AND the gate's extra ``condition`` (when set).

"Within" counts back from the moment the verdict is for: the qualification's ``now``, or
the later moment leadflow learns of the facts (``qualify(..., learned_at=)``), so a sales
action older than the window when it arrives never makes a lead sales-ready. The extras
(``min_engagement``, the ``condition``'s event windows) are judged at that moment too,
on the activity as it stands then: a product-led gate with no sales action is not met by
usage a year old when it arrives, although the same history reaches marketing stages. This is the
one place the window is applied to a single lead (the batch engine applies it to all at
once, at its ``now``, batch/kernel.py); the hand-off follows the verdict.

The verdict comes with a one-line reason naming every test that passed or the first
thing that failed, which the explanation and the hand-off show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from leadflow.definition.describe import gate_condition_failed, gate_passed
from leadflow.domain.qualification import EngagementResult, FitResult, SalesAction
from leadflow.domain.vocabulary import Grade
from leadflow.engine.activity import SECONDS_PER_DAY, is_later
from leadflow.engine.plan import QualificationPlan
from leadflow.engine.scope import Scope

__all__ = ["Extras", "judge_sales_ready", "last_sales_action"]

_RANK = {grade: grade.rank for grade in Grade}


def last_sales_action(
    plan: QualificationPlan, lasts: Mapping[int, tuple[datetime, str]]
) -> SalesAction | None:
    """The latest of the sales-action slots' latest events (ties by type)."""
    last_at: datetime | None = None
    last_type: str | None = None
    for slot_id in plan.sales_slots:
        last = lasts.get(slot_id)
        if last is not None and is_later(last[0], last[1], last_at, last_type):
            last_at, last_type = last
    if last_at is None or last_type is None:
        return None
    return SalesAction(last_type, last_at)


# The scope and engagement the gate's extras (``min_engagement``, ``condition``) are judged
# on, as of the moment the verdict is for; asked for only once fit and action passed.
Extras = Callable[[], tuple[Scope, EngagementResult]]


def judge_sales_ready(
    plan: QualificationPlan,
    scope: Scope,
    fit: FitResult,
    engagement: EngagementResult,
    action: SalesAction | None,
    judged_at: datetime | None = None,
    extras_then: Extras | None = None,
) -> tuple[bool, str]:
    """(sales-ready, the reason): what passed, or the first thing that failed. The sales
    action must be recent at ``judged_at`` (default: the scope's ``now``), and the extras
    hold on ``extras_then()``: the scope and engagement at ``judged_at`` (default: these)."""
    at = scope.now if judged_at is None else judged_at
    gate = plan.definition.sales_ready
    if _RANK[fit.grade] < plan.min_fit_rank:
        return False, f"fit grade {fit.grade} is below {gate.min_fit_grade}"
    if gate.require_sales_action:
        if action is None:
            return False, "no sales-specific action yet"
        if action.at < at - plan.sales_within:
            age = _days(at - action.at)
            within_days = plan.definition.sales_actions.within_days
            return False, f"last sales action {action.type} was {age} days ago (> {within_days:g})"
    late_scope, late_engagement = (
        (scope, engagement) if extras_then is None or at <= scope.now else extras_then()
    )
    failed = _extras_failed(plan, late_scope, late_engagement)
    if failed is not None:
        if late_scope is not scope and _extras_failed(plan, scope, engagement) is None:
            # Met when the events happened, not when leadflow learned of them: say so, or
            # the lead page would contradict the stage the same history reached.
            moment = at.isoformat(timespec="minutes")
            failed += f", counted back from {moment}, when leadflow learned of it"
        return False, failed
    recent = None if action is None else f"{action.type} {_days(at - action.at)} days ago"
    return True, gate_passed(gate, fit.grade, recent, late_engagement.score)


def _extras_failed(
    plan: QualificationPlan, scope: Scope, engagement: EngagementResult
) -> str | None:
    gate = plan.definition.sales_ready
    if gate.min_engagement is not None and engagement.score < gate.min_engagement:
        return f"engagement {engagement.score:.1f} is below {gate.min_engagement:g}"
    if plan.gate is not None and not plan.gate(scope):
        assert gate.condition is not None  # plan.gate is compiled from it
        return gate_condition_failed(gate.condition)
    return None


def _days(age: timedelta) -> str:
    return f"{age.total_seconds() / SECONDS_PER_DAY:.1f}"
