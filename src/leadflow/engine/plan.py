"""A definition compiled for the engine: predicates, slots and look-up tables, built once.

``plan_for(definition)`` returns the plan of a definition, compiling it on first use and
remembering it (by identity: a compiled Definition is immutable) for the next person, so
qualifying a million contacts compiles the rules once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

from leadflow.definition.model import (
    BantRule,
    Condition,
    Definition,
    EngagementRule,
    FitRule,
    Stage,
)
from leadflow.domain.facts import BANT_KEYS
from leadflow.domain.qualification import FROM_RULE, BantCriterion
from leadflow.engine.activity import Slot
from leadflow.engine.conditions import Predicate, compile_condition, fields_of
from leadflow.engine.layout import SlotLayout
from leadflow.engine.scope import PathReader, path_reader

__all__ = ["CompiledBantRule", "CompiledFitRule", "CompiledStage", "QualificationPlan", "plan_for"]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledFitRule:
    rule: FitRule
    holds: Predicate
    fields: tuple[str, ...]  # the paths it reads, to show their values in the explanation
    readers: tuple[PathReader, ...]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledBantRule:
    rule: BantRule
    holds: Predicate
    verdict: BantCriterion  # what the rule says when it holds: the same every time


@dataclass(frozen=True, slots=True, eq=False)
class CompiledStage:
    stage: Stage
    index: int
    holds: Predicate


@dataclass(frozen=True, slots=True, eq=False)
class QualificationPlan:
    definition: Definition
    layout: SlotLayout
    fit_rules: tuple[CompiledFitRule, ...]
    engagement: tuple[tuple[EngagementRule, Slot], ...]
    engagement_caps: tuple[tuple[int, float | None], ...]  # (slot id, cap) of each rule
    bant: tuple[tuple[str, tuple[CompiledBantRule, ...]], ...]
    gate: Predicate | None
    # Furthest first: the target stage is the first of these whose condition holds.
    stages_furthest_first: tuple[CompiledStage, ...]
    stage_ids: tuple[str, ...]
    # The same rules again as flat tuples for the hot path, read without attribute hops
    # (the fields above stay for the batch engine and the explanation):
    fit_checks: tuple[tuple[Predicate, float], ...]  # (condition, points) of each fit rule
    stage_checks: tuple[tuple[Predicate, str], ...]  # (condition, stage id), furthest first
    sales_slots: tuple[int, ...]  # slot ids of the sales-action matchers
    min_fit_rank: int  # the gate's minimum fit grade, as a rank
    sales_within: timedelta  # how recent the last sales action must be

    @classmethod
    def compile(cls, definition: Definition) -> QualificationPlan:
        layout = SlotLayout.for_definition(definition)
        tests = layout.tests

        def compiled(condition: Condition) -> Predicate:
            return compile_condition(condition, tests)

        fit = tuple(
            CompiledFitRule(
                rule,
                compiled(rule.condition),
                fields_of(rule.condition),
                tuple(path_reader(path) for path in fields_of(rule.condition)),
            )
            for rule in definition.fit.rules
        )
        bant = tuple(
            (
                key,
                tuple(
                    CompiledBantRule(rule, compiled(rule.condition), _verdict(key, rule))
                    for rule in definition.bant.rules.get(key, ())
                ),
            )
            for key in BANT_KEYS
        )
        stages = tuple(
            CompiledStage(stage, index, compiled(stage.condition))
            for index, stage in enumerate(definition.stages)
            if not stage.manual  # manual stages are entered only explicitly
        )
        gate = definition.sales_ready.condition
        furthest_first = tuple(reversed(stages))
        return cls(
            definition=definition,
            layout=layout,
            fit_rules=fit,
            engagement=tuple(zip(definition.engagement.rules, layout.engagement, strict=True)),
            engagement_caps=tuple(
                (slot.id, rule.cap)
                for rule, slot in zip(definition.engagement.rules, layout.engagement, strict=True)
            ),
            bant=bant,
            gate=None if gate is None else compiled(gate),
            stages_furthest_first=furthest_first,
            stage_ids=definition.stage_ids,
            fit_checks=tuple((rule.holds, rule.rule.points) for rule in fit),
            stage_checks=tuple((stage.holds, stage.stage.id) for stage in furthest_first),
            sales_slots=tuple(slot.id for slot in layout.sales_actions),
            min_fit_rank=definition.sales_ready.min_fit_grade.rank,
            sales_within=timedelta(days=definition.sales_actions.within_days),
        )


def _verdict(key: str, rule: BantRule) -> BantCriterion:
    return BantCriterion(key, rule.met, rule.evidence or rule.name, FROM_RULE, rule.name)


_CACHE_SIZE = 32
# Keyed by id(); an entry keeps its definition alive, so that id cannot be reused meanwhile.
# Reads take no lock (a dict read is atomic); compiling twice in a race is harmless.
_plans: dict[int, QualificationPlan] = {}
_lock = threading.Lock()


def plan_for(definition: Definition) -> QualificationPlan:
    plan = _plans.get(id(definition))
    if plan is not None and plan.definition is definition:
        return plan
    plan = QualificationPlan.compile(definition)
    with _lock:
        if len(_plans) >= _CACHE_SIZE:
            del _plans[next(iter(_plans))]  # oldest first: definitions change rarely
        _plans[id(definition)] = plan
    return plan
