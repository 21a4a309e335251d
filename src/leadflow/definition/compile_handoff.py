"""Compile the raw ``handoff`` section into ``model_handoff.HandoffConfig``.

What must make sense beyond the raw models: routing rule names and reject reason
codes are unique, opportunity stages and lost reasons are not repeated, and routing
conditions read only attribute paths (contact, account, source, consent) with no event
tests, because a lead is routed on who it is, not on what it did. Problems join the
compiler's list, with their key paths.
"""

from __future__ import annotations

from collections.abc import Sequence

from leadflow.definition.conditions import ConditionCompiler
from leadflow.definition.errors import Loc, Problem
from leadflow.definition.model import AllOf, AnyOf, Condition, EventTest, Not
from leadflow.definition.model_handoff import (
    CadenceConfig,
    HandoffConfig,
    OpportunityConfig,
    RejectAction,
    RejectReason,
    RoutingConfig,
    RoutingRule,
    SlaConfig,
)
from leadflow.definition.raw_handoff import HandoffSection, RoutingRuleSpec

__all__ = ["compile_handoff"]

_ROOT: Loc = ("handoff",)


def compile_handoff(raw: HandoffSection, conditions: ConditionCompiler) -> HandoffConfig:
    problems = conditions.problems
    sla, cadence, deals = raw.sla, raw.cadence, raw.opportunities
    routing: Loc = (*_ROOT, "routing", "rules")
    names = [rule.name.casefold() for rule in raw.routing.rules]
    _unique(names, "rule name", routing, "name", problems)
    codes = [reason.code for reason in raw.reject_reasons]
    _unique(codes, "reject reason", (*_ROOT, "reject_reasons"), "code", problems)
    _unique(deals.stages, "opportunity stage", (*_ROOT, "opportunities", "stages"), None, problems)
    lost: Loc = (*_ROOT, "opportunities", "lost_reasons")
    _unique(deals.lost_reasons, "lost reason", lost, None, problems)
    return HandoffConfig(
        routing=RoutingConfig(
            rules=tuple(
                _rule(rule, (*routing, index), conditions)
                for index, rule in enumerate(raw.routing.rules)
            ),
            fallback_any_rep=raw.routing.fallback == "any_rep",
        ),
        sla=SlaConfig(
            accept_within_hours=sla.accept_within_hours,
            first_touch_within_hours=sla.first_touch_within_hours,
            reassign_on_breach=sla.reassign_on_breach,
        ),
        cadence=CadenceConfig(
            calls=cadence.calls,
            emails=cadence.emails,
            business_days=cadence.business_days,
            min_attempts=cadence.min_attempts,
        ),
        reject_reasons=tuple(
            RejectReason(spec.code, RejectAction(spec.then), spec.note_required, spec.description)
            for spec in raw.reject_reasons
        ),
        opportunities=OpportunityConfig(
            stages=tuple(deals.stages),
            lost_reasons=tuple(deals.lost_reasons),
            recycle_lost=deals.recycle_lost,
        ),
    )


def _rule(spec: RoutingRuleSpec, loc: Loc, conditions: ConditionCompiler) -> RoutingRule:
    condition = None
    if spec.when is not None:
        condition = conditions.compile(spec.when, (*loc, "when"), attributes_only=True)
        if _has_event_test(condition):
            message = "routing conditions test who the lead is, not events; drop the event test"
            conditions.problems.append(Problem((*loc, "when"), message))
    return RoutingRule(spec.name, spec.named_account, spec.team, condition)


def _has_event_test(condition: Condition) -> bool:
    if isinstance(condition, EventTest):
        return True
    if isinstance(condition, AllOf | AnyOf):
        return any(_has_event_test(item) for item in condition.items)
    if isinstance(condition, Not):
        return _has_event_test(condition.item)
    return False


def _unique(
    values: Sequence[str], what: str, loc: Loc, key: str | None, problems: list[Problem]
) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            where = (*loc, index, key) if key else (*loc, index)
            message = f"duplicate {what} {value!r} (also {'.'.join(map(str, loc))}[{seen[value]}])"
            problems.append(Problem(where, message))
        seen.setdefault(value, index)
