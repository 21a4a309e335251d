"""Compile a well-formed ``RawDefinition`` into the engine's ``Definition``.

This is where a definition has to *make sense*: rule names are unique, stage ids are
unique and not an off-ramp's, ``requires`` names known stages without a cycle, and
every condition names a fact path it may use. Every problem is collected and raised
together as a ``CompileError``, with the key path it belongs to.

A stage's ``requires`` are folded into its condition here (in dependency order), so the
engine only ever evaluates ``Stage.condition``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from leadflow.definition.compile_handoff import compile_handoff
from leadflow.definition.conditions import NEVER, ConditionCompiler, event_matcher
from leadflow.definition.errors import CompileError, Loc, Problem
from leadflow.definition.model import (
    DISQUALIFIED,
    NURTURE,
    AllOf,
    AssetsConfig,
    BantConfig,
    BantRule,
    Condition,
    Definition,
    EngagementConfig,
    EngagementRule,
    FitConfig,
    FitRule,
    LeadTypeConfig,
    SalesActionConfig,
    SalesReadyGate,
    Stage,
    StageKind,
    TemperatureConfig,
)
from leadflow.definition.raw import BantSection, RawDefinition, StageSpec
from leadflow.domain.vocabulary import Grade

__all__ = ["compile_definition"]


def compile_definition(raw: RawDefinition, builtin_free_mail: frozenset[str]) -> Definition:
    """The compiled definition, or a CompileError listing every problem."""
    conditions = ConditionCompiler()
    problems = conditions.problems
    definition = Definition(
        name=raw.name,
        version=raw.version,
        description=raw.description,
        stages=_stages(raw.stages, conditions),
        fit=_fit(raw, conditions),
        engagement=_engagement(raw, problems),
        assets=AssetsConfig(
            product_specific=tuple(raw.assets.product_specific),
            general=tuple(raw.assets.general),
            events=frozenset(raw.assets.events),
            property=raw.assets.property,
        ),
        sales_actions=SalesActionConfig(
            matchers=tuple(event_matcher(a.event, a.where) for a in raw.sales_actions.actions),
            within_days=raw.sales_actions.within_days,
        ),
        sales_ready=_sales_ready(raw, conditions),
        bant=_bant(raw, conditions),
        temperature=TemperatureConfig(
            hot_min=raw.temperature.hot,
            warm_min=raw.temperature.warm,
            cold_min=raw.temperature.cold,
        ),
        lead_types=LeadTypeConfig(
            own_actions=event_matcher(raw.lead_types.own_actions, {}),
            sql_outcomes=frozenset(o.casefold() for o in raw.lead_types.sql_outcomes),
        ),
        off_ramp_labels={
            NURTURE: dict(raw.off_ramps.nurture),
            DISQUALIFIED: dict(raw.off_ramps.disqualified),
        },
        free_mail_domains=builtin_free_mail
        | {domain.casefold().lstrip("@") for domain in raw.free_mail_domains},
        handoff=compile_handoff(raw.handoff, conditions),
    )
    if problems:
        raise CompileError(problems)
    return definition


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def _unique_names(rules: Sequence[_Named], loc: Loc, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        key = rule.name.casefold()
        if key in seen:
            message = f"duplicate rule name {rule.name!r} (also {_path(loc)}[{seen[key]}])"
            problems.append(Problem((*loc, index, "name"), message))
        seen.setdefault(key, index)


def _path(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _fit(raw: RawDefinition, conditions: ConditionCompiler) -> FitConfig:
    loc: Loc = ("fit", "rules")
    _unique_names(raw.fit.rules, loc, conditions.problems)
    rules = tuple(
        FitRule(
            rule.name,
            rule.points,
            conditions.compile(rule.when, (*loc, index, "when"), attributes_only=True),
        )
        for index, rule in enumerate(raw.fit.rules)
    )
    grades = raw.fit.grades
    return FitConfig(rules, ((Grade.A, grades.A), (Grade.B, grades.B), (Grade.C, grades.C)))


def _engagement(raw: RawDefinition, problems: list[Problem]) -> EngagementConfig:
    _unique_names(raw.engagement.rules, ("engagement", "rules"), problems)
    return EngagementConfig(
        tuple(
            EngagementRule(
                name=rule.name,
                matcher=event_matcher(rule.event, rule.where),
                points=rule.points,
                half_life_days=rule.half_life_days,
                cap=rule.cap,
                once=rule.once,
            )
            for rule in raw.engagement.rules
        )
    )


def _sales_ready(raw: RawDefinition, conditions: ConditionCompiler) -> SalesReadyGate:
    gate = raw.sales_ready
    condition = None
    if gate.when is not None:
        condition = conditions.compile(
            gate.when, ("sales_ready", "when"), forbidden=frozenset({"sales_ready"})
        )
    return SalesReadyGate(
        min_fit_grade=gate.min_fit_grade,
        require_sales_action=gate.require_sales_action,
        min_engagement=gate.min_engagement,
        condition=condition,
    )


def _bant(raw: RawDefinition, conditions: ConditionCompiler) -> BantConfig:
    rules: dict[str, tuple[BantRule, ...]] = {}
    for criterion in BantSection.model_fields:  # budget, authority, need, timing
        specs = getattr(raw.bant, criterion)
        loc: Loc = ("bant", criterion)
        _unique_names(specs, loc, conditions.problems)
        rules[criterion] = tuple(
            BantRule(
                name=spec.name,
                condition=conditions.compile(
                    spec.when, (*loc, index, "when"), attributes_only=True
                ),
                met=spec.met,
                evidence=spec.evidence,
            )
            for index, spec in enumerate(specs)
        )
    return BantConfig(rules)


def _stages(specs: list[StageSpec], conditions: ConditionCompiler) -> tuple[Stage, ...]:
    problems = conditions.problems
    index_of = _stage_index(specs, problems)
    own = {
        spec.id: NEVER
        if spec.when is None
        else conditions.compile(spec.when, ("stages", index, "when"))
        for index, spec in enumerate(specs)
    }
    _check_requires(specs, index_of, problems)
    if any(p.loc[:1] == ("stages",) for p in problems):
        # Folding needs sound references; the problems are already reported.
        return tuple(_stage(spec, own[spec.id], own[spec.id]) for spec in specs)
    effective = _fold_requires(specs, own)
    return tuple(_stage(spec, effective[spec.id], own[spec.id]) for spec in specs)


def _stage(spec: StageSpec, condition: Condition, own: Condition) -> Stage:
    return Stage(
        id=spec.id,
        condition=condition,
        kind=StageKind(spec.kind),
        labels=dict(spec.labels),
        description=spec.description,
        requires=tuple(spec.requires),
        own_condition=own,
        manual=spec.when is None,
    )


def _stage_index(specs: list[StageSpec], problems: list[Problem]) -> dict[str, int]:
    index_of: dict[str, int] = {}
    for index, spec in enumerate(specs):
        loc: Loc = ("stages", index, "id")
        if spec.id in (NURTURE, DISQUALIFIED):
            message = f"{spec.id!r} is an off-ramp every definition has; label it in off_ramps"
            problems.append(Problem(loc, message))
        elif spec.id in index_of:
            message = f"duplicate stage id {spec.id!r} (also stages[{index_of[spec.id]}])"
            problems.append(Problem(loc, message))
        else:
            index_of[spec.id] = index
    return index_of


def _check_requires(
    specs: list[StageSpec], index_of: Mapping[str, int], problems: list[Problem]
) -> None:
    later: list[Problem] = []
    for index, spec in enumerate(specs):
        for position, required in enumerate(spec.requires):
            loc: Loc = ("stages", index, "requires", position)
            if required not in index_of:
                known = ", ".join(index_of)
                problems.append(Problem(loc, f"unknown stage {required!r} (stages: {known})"))
            elif required == spec.id:
                problems.append(Problem(loc, f"stage {spec.id!r} requires itself"))
            elif specs[index_of[required]].when is None:
                message = f"{required!r} is entered only by hand; a rule cannot require it"
                problems.append(Problem(loc, message))
            elif index_of[required] > index:
                later.append(Problem(loc, _requires_later(spec.id, required)))
    cycles = _cycles(specs, index_of)
    in_cycles = {stage_id for cycle in cycles for stage_id in cycle}
    # A cycle always requires a later stage somewhere; it is reported as the cycle.
    problems.extend(p for p in later if specs[int(p.loc[1])].id not in in_cycles)
    for cycle in cycles:
        first = index_of[cycle[0]]
        problems.append(Problem(("stages", first, "requires"), f"cycle: {' -> '.join(cycle)}"))


def _requires_later(stage_id: str, required: str) -> str:
    """A stage requiring a later one is never the target stage (the later one holds too,
    and the last stage whose rule holds wins): a funnel written upside down."""
    return (
        f"{required!r} comes after {stage_id!r}: wherever {stage_id}'s rule holds {required}'s"
        f" holds too, and the last stage whose rule holds wins, so nobody could ever be in"
        f" {stage_id}; require earlier stages only"
    )


def _cycles(specs: list[StageSpec], index_of: Mapping[str, int]) -> list[list[str]]:
    """Every requires-cycle once, each starting at its earliest stage."""
    edges = {
        stage_id: [r for r in specs[index].requires if r in index_of and r != stage_id]
        for stage_id, index in index_of.items()
    }
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in edges:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in edges.get(node, []):
                if nxt == start and frozenset(trail) not in seen:
                    seen.add(frozenset(trail))
                    found.append([*trail, start])
                elif nxt not in trail and index_of[nxt] > index_of[start]:
                    stack.append((nxt, [*trail, nxt]))
    return found


def _fold_requires(specs: list[StageSpec], own: Mapping[str, Condition]) -> dict[str, Condition]:
    requires = {spec.id: spec.requires for spec in specs}
    effective: dict[str, Condition] = {}

    def resolve(stage_id: str) -> Condition:
        if stage_id not in effective:
            needed = [resolve(r) for r in requires[stage_id]]
            effective[stage_id] = AllOf((own[stage_id], *needed)) if needed else own[stage_id]
        return effective[stage_id]

    for spec in specs:
        resolve(spec.id)
    return effective
