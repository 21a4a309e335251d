"""``qualify``: apply a definition to one person's facts at one moment.

The steps, each reading what the previous ones computed (stage and gate conditions may
name any of these paths):

    1. activity     fold the events up to ``now`` into the definition's slots
    2. fit          attribute rules → score 0–100 and grade
    3. engagement   decayed event points → score
    4. BANT         explicit facts, else rules → temperature
    5. lead type    SQL > SRL > IQL > MQL > MSRL > none
    6. sales-ready  fit grade AND recent sales action AND extras (the action's age
                    and the extras judged at ``learned_at`` when that is later than
                    ``now``: steps 1–5 measured again then, for the extras)
    7. stage        the furthest stage whose condition holds

``qualify`` reads the full event list; ``qualify_summary`` reads an ActivitySummary
folded incrementally and gives the same result (per-rule instead of per-event lines).
Both are pure: the same facts, definition and ``now`` give the same Qualification,
whatever order the events are listed in; events after ``now`` are ignored.

``learned_at`` is when leadflow learns of the facts, for the real-time path, which
qualifies a contact as of its latest event: an event that arrives late (an imported
history, a tool that sends weeks later) is scored as of when it happened, but the
sales-ready gate asks whether the sales action is recent *when sales would receive the
lead*. A demo request 40 days old when it arrives does not make the lead sales-ready
(nor put it in the sales-ready stage), as a rescore or ``leadflow qualify`` now would not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from leadflow.definition.model import Definition
from leadflow.domain.clock import ensure_utc
from leadflow.domain.facts import BANT_KEYS, Facts
from leadflow.domain.qualification import (
    BantResult,
    EngagementResult,
    FitResult,
    Qualification,
)
from leadflow.domain.vocabulary import LeadType, Temperature
from leadflow.engine.activity import Activity, fold_history
from leadflow.engine.bant import assess_bant, temperature_for
from leadflow.engine.engagement import score_engagement
from leadflow.engine.explain import Verdicts
from leadflow.engine.explain import explain as explanation_of
from leadflow.engine.fit import score_fit
from leadflow.engine.lead_type import lead_type_of
from leadflow.engine.plan import QualificationPlan, plan_for
from leadflow.engine.sales_ready import judge_sales_ready, last_sales_action
from leadflow.engine.scope import Scope
from leadflow.engine.summary import ActivitySummary, SummaryMismatchError

__all__ = ["qualify", "qualify_summary"]

_BANT_PATHS = {key: f"bant.{key}" for key in BANT_KEYS}


def qualify(
    facts: Facts,
    definition: Definition,
    now: datetime,
    *,
    explain: bool = True,
    learned_at: datetime | None = None,
) -> Qualification:
    """Qualify from the full event history.

    With ``explain`` (the default) every fit rule and every counted event is its own
    contribution and the readable explanation is built; without it only the scores and
    verdicts are computed (no contributions, no explanation), which is what bulk
    scoring wants.
    """
    now = _utc(now)
    plan = plan_for(definition)
    layout = plan.layout
    activity = fold_history(layout.routes, layout.slots, facts.events, now, explain=explain)

    def activity_at(later: datetime) -> Activity:
        # Only what had happened by ``now`` is known then, judged as of ``later``.
        known = [event for event in facts.events if event.at <= now]
        return fold_history(layout.routes, layout.slots, known, later)

    judged_at = _judged_at(now, learned_at)
    return _decide(plan, facts, activity, now, explain, judged_at, activity_at)


def qualify_summary(
    facts: Facts,
    summary: ActivitySummary,
    definition: Definition,
    now: datetime,
    *,
    explain: bool = True,
    learned_at: datetime | None = None,
) -> Qualification:
    """Qualify from an incremental summary; ``facts.events`` are not read.

    With ``explain``, engagement contributions are one per rule (count, last event),
    since the summary no longer holds the events themselves.

    Raises SummaryMismatchError when the summary was folded for another definition, and
    ValueError when ``now`` precedes an event already folded in.
    """
    now = _utc(now)
    plan = plan_for(definition)
    if summary.fingerprint != plan.layout.fingerprint:
        raise SummaryMismatchError(
            f"summary folded for {summary.fingerprint}, not for {definition.name} "
            f"{definition.version}; rebuild it from the events"
        )
    activity = summary.activity(now, explain=explain)
    judged_at = _judged_at(now, learned_at)
    return _decide(plan, facts, activity, now, explain, judged_at, summary.activity)


def _utc(now: datetime) -> datetime:
    # ensure_utc returns a UTC moment unchanged; the identity test skips its checks
    # (a microsecond, of the few dozen a qualification from a summary costs).
    return now if now.tzinfo is UTC else ensure_utc(now)


def _judged_at(now: datetime, learned_at: datetime | None) -> datetime:
    """The moment the sales action must be recent at: ``now``, or later when leadflow
    learns of the facts later than they happened."""
    return now if learned_at is None else max(now, _utc(learned_at))


@dataclass(frozen=True, slots=True)
class _Measures:
    """Steps 2–5 at one moment: the scope conditions read, and what was put in it."""

    scope: Scope
    fit: FitResult
    engagement: EngagementResult
    bant: BantResult
    temperature: Temperature
    lead_type: LeadType


def _measure(
    plan: QualificationPlan, facts: Facts, activity: Activity, at: datetime, explain: bool
) -> _Measures:
    definition = plan.definition
    scope = Scope(facts, at, activity.held, definition.free_mail_domains)
    values = scope.values
    fit = score_fit(plan, scope, explain=explain)
    values["fit.score"] = fit.score
    values["fit.grade"] = fit.grade
    engagement = score_engagement(plan, activity, at, explain=explain)
    values["engagement.score"] = engagement.score
    bant = assess_bant(plan, scope)
    temperature = values["temperature"] = temperature_for(
        _record_bant(bant, values), definition.temperature
    )
    lead_type = values["lead_type"] = lead_type_of(plan, scope)
    return _Measures(scope, fit, engagement, bant, temperature, lead_type)


def _decide(
    plan: QualificationPlan,
    facts: Facts,
    activity: Activity,
    now: datetime,
    with_explanation: bool,
    judged_at: datetime,
    activity_at: Callable[[datetime], Activity],
) -> Qualification:
    definition = plan.definition
    measured = _measure(plan, facts, activity, now, with_explanation)
    scope, fit, engagement = measured.scope, measured.fit, measured.engagement

    def extras_then() -> tuple[Scope, EngagementResult]:
        # The gate's extras as of when leadflow learns of the facts, like the sales
        # action's age: measured again on the activity at that moment (only for a lead
        # whose fit and sales action passed, and only when learned later).
        late = _measure(plan, facts, activity_at(judged_at), judged_at, False)
        return late.scope, late.engagement

    action = last_sales_action(plan, activity.lasts)
    sales_ready, reason = judge_sales_ready(
        plan, scope, fit, engagement, action, judged_at, extras_then
    )
    scope.values["sales_ready"] = sales_ready
    stage = _target_stage(plan, scope)
    explanation: tuple[str, ...] = ()
    if with_explanation:
        said = Verdicts(
            measured.lead_type,
            facts.source.purchased,
            sales_ready,
            reason,
            stage,
            facts.prediction,
        )
        explanation = explanation_of(fit, engagement, measured.bant, measured.temperature, said)
    return Qualification(
        definition_name=definition.name,
        definition_version=definition.version,
        at=now,
        identity=facts.identity,
        fit=fit,
        engagement=engagement,
        bant=measured.bant,
        temperature=measured.temperature,
        lead_type=measured.lead_type,
        purchased=facts.source.purchased,
        sales_ready=sales_ready,
        sales_ready_reason=reason,
        last_sales_action=action,
        stage=stage,
        stages=plan.stage_ids,
        explanation=explanation,
    )


def _target_stage(plan: QualificationPlan, scope: Scope) -> str | None:
    """The furthest stage whose condition holds."""
    for holds, stage_id in plan.stage_checks:
        if holds(scope):
            return stage_id
    return None


def _record_bant(bant: BantResult, values: dict[str, object]) -> int:
    """Expose the criteria to stage and gate conditions; return how many are met."""
    met = 0
    for criterion in bant.criteria:
        values[_BANT_PATHS[criterion.key]] = criterion.met
        met += criterion.met is True
    values["bant.met"] = met
    return met
