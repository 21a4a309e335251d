"""What changed in *meaning* between two compiled definitions.

A text diff of two YAML files shows moved lines, re-quoted strings and reflowed lists;
a reviewer wants to know that the sales-ready gate now asks for grade A, that the
pricing-page rule lost half its points, that ``mql`` now comes after ``sql``. Comparing
the compiled definitions gives exactly that: two spellings of one condition compare
equal, and every change is named by what it is about.

    diff_definitions(old, new) -> tuple[Change, ...]   structured, in definition order
    str(change)                                         one readable line
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from leadflow.definition.describe import describe_condition, describe_matcher, describe_value
from leadflow.definition.diff_handoff import handoff_aspects
from leadflow.definition.model import (
    AllOf,
    AnyOf,
    BantRule,
    Definition,
    EngagementRule,
    EventMatcher,
    EventTest,
    FieldTest,
    FitRule,
    Not,
    Stage,
)

__all__ = ["Change", "ChangeKind", "diff_definitions"]

_T = TypeVar("_T")
# An item's comparable properties: (aspect name, value), the same list for old and new.
_Aspects = Callable[[_T], list[tuple[str, object]]]


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    REORDERED = "reordered"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``section`` of the definition, the ``subject`` within it, and what."""

    section: str  # stages | fit | engagement | assets | sales_actions | sales_ready | ...
    subject: str  # e.g. "stage sql", "fit rule 'industry'", "fit grades"
    kind: ChangeKind
    aspect: str | None = None  # which property changed ("points", "condition" ...)
    old: str | None = None
    new: str | None = None

    def __str__(self) -> str:
        if self.kind is ChangeKind.ADDED:
            return f"{self.subject}: added" + (f" ({self.new})" if self.new else "")
        if self.kind is ChangeKind.REMOVED:
            return f"{self.subject}: removed" + (f" (was {self.old})" if self.old else "")
        aspect = f"{self.aspect}: " if self.aspect else ""
        return f"{self.subject}: {aspect}{self.old} -> {self.new}"


def diff_definitions(old: Definition, new: Definition) -> tuple[Change, ...]:
    """Every change in meaning from ``old`` to ``new``; empty when they mean the same."""
    return (
        *_stages(old, new),
        *_fit(old, new),
        *_engagement(old, new),
        *_aspects("assets", "assets", _asset_pairs(old, new)),
        *_aspects("sales_actions", "sales actions", _sales_action_pairs(old, new)),
        *_aspects("sales_ready", "sales-ready gate", _gate_pairs(old, new)),
        *_bant(old, new),
        *_aspects("temperature", "temperature", _temperature_pairs(old, new)),
        *_aspects("lead_types", "lead types", _lead_type_pairs(old, new)),
        *_off_ramps(old, new),
        *_free_mail(old.free_mail_domains, new.free_mail_domains),
        *(
            change  # routing, SLA, cadence, reject reasons, deal stages (diff_handoff.py)
            for subject, triples in handoff_aspects(old.handoff, new.handoff)
            for change in _aspects("handoff", subject, triples)
        ),
    )


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, FieldTest | EventTest | AllOf | AnyOf | Not):
        return describe_condition(value)
    if isinstance(value, EventMatcher):
        return describe_matcher(value)
    if isinstance(value, tuple) and value and isinstance(value[0], EventMatcher):
        return "; ".join(describe_matcher(matcher) for matcher in value)
    return describe_value(value)


def _aspects(
    section: str, subject: str, triples: Sequence[tuple[str, object, object]]
) -> Iterator[Change]:
    for aspect, before, after in triples:
        if before != after:
            yield Change(
                section, subject, ChangeKind.CHANGED, aspect, _shown(before), _shown(after)
            )


def _keyed(
    section: str,
    noun: str,
    old: Mapping[str, _T],
    new: Mapping[str, _T],
    summary: Callable[[_T], str],
    aspects: _Aspects[_T],
) -> Iterator[Change]:
    """Compare named items: removed ones, then added or changed ones, then their order."""
    for key, item in old.items():
        if key not in new:
            yield Change(section, f"{noun} {key}", ChangeKind.REMOVED, old=summary(item))
    for key, item in new.items():
        if key not in old:
            yield Change(section, f"{noun} {key}", ChangeKind.ADDED, new=summary(item))
            continue
        triples = [
            (a, x, y) for (a, x), (_, y) in zip(aspects(old[key]), aspects(item), strict=True)
        ]
        yield from _aspects(section, f"{noun} {key}", triples)
    before = [key for key in old if key in new]
    after = [key for key in new if key in old]
    if before != after:
        order = ChangeKind.REORDERED
        yield Change(section, f"{noun} order", order, "order", ", ".join(before), ", ".join(after))


def _quoted(name: str) -> str:
    return repr(name)


# --- stages ----------------------------------------------------------------------------


def _stages(old: Definition, new: Definition) -> Iterator[Change]:
    languages = sorted({lang for s in (*old.stages, *new.stages) for lang in s.labels})

    def aspects(stage: Stage) -> list[tuple[str, object]]:
        return [
            ("condition", stage.own_condition or stage.condition),
            ("requires", list(stage.requires) or None),
            ("kind", stage.kind.value),
            ("set by hand", stage.manual),
            *((f"label ({lang})", stage.labels.get(lang)) for lang in languages),
        ]

    def summary(stage: Stage) -> str:
        position = f"position {new.stage_ids.index(stage.id) + 1}" if stage in new.stages else ""
        when = describe_condition(stage.own_condition or stage.condition)
        return ", ".join(part for part in (position, stage.kind.value, f"when {when}") if part)

    yield from _keyed(
        "stages",
        "stage",
        {s.id: s for s in old.stages},
        {s.id: s for s in new.stages},
        summary,
        aspects,
    )


# --- fit and engagement ------------------------------------------------------------------


def _fit(old: Definition, new: Definition) -> Iterator[Change]:
    def aspects(rule: FitRule) -> list[tuple[str, object]]:
        return [("points", rule.points), ("condition", rule.condition)]

    def summary(rule: FitRule) -> str:
        return f"{rule.points:+g} points when {describe_condition(rule.condition)}"

    yield from _keyed(
        "fit",
        "fit rule",
        {_quoted(r.name): r for r in old.fit.rules},
        {_quoted(r.name): r for r in new.fit.rules},
        summary,
        aspects,
    )
    before, after = dict(old.fit.grade_cutoffs), dict(new.fit.grade_cutoffs)
    triples = [(f"{grade.value} from", before.get(grade), after.get(grade)) for grade in before]
    yield from _aspects("fit", "fit grades", triples)


def _engagement(old: Definition, new: Definition) -> Iterator[Change]:
    def aspects(rule: EngagementRule) -> list[tuple[str, object]]:
        return [
            ("events", rule.matcher),
            ("points", rule.points),
            ("half-life days", rule.half_life_days),
            ("cap", rule.cap),
            ("once", rule.once),
        ]

    def summary(rule: EngagementRule) -> str:
        decay = f"half-life {rule.half_life_days:g} days" if rule.half_life_days else "no decay"
        return f"{rule.points:+g} points per {describe_matcher(rule.matcher)}, {decay}"

    yield from _keyed(
        "engagement",
        "engagement rule",
        {_quoted(r.name): r for r in old.engagement.rules},
        {_quoted(r.name): r for r in new.engagement.rules},
        summary,
        aspects,
    )


# --- single-valued sections ------------------------------------------------------------


def _asset_pairs(old: Definition, new: Definition) -> list[tuple[str, object, object]]:
    a, b = old.assets, new.assets
    return [
        ("product-specific", a.product_specific, b.product_specific),
        ("general", a.general, b.general),
        ("events", a.events, b.events),
        ("property", a.property, b.property),
    ]


def _sales_action_pairs(old: Definition, new: Definition) -> list[tuple[str, object, object]]:
    a, b = old.sales_actions, new.sales_actions
    return [
        ("actions", a.matchers, b.matchers),
        ("within days", a.within_days, b.within_days),
    ]


def _gate_pairs(old: Definition, new: Definition) -> list[tuple[str, object, object]]:
    a, b = old.sales_ready, new.sales_ready
    return [
        ("minimum fit grade", a.min_fit_grade, b.min_fit_grade),
        ("requires a sales action", a.require_sales_action, b.require_sales_action),
        ("minimum engagement", a.min_engagement, b.min_engagement),
        ("extra condition", a.condition, b.condition),
    ]


def _temperature_pairs(old: Definition, new: Definition) -> list[tuple[str, object, object]]:
    a, b = old.temperature, new.temperature
    return [
        ("hot from criteria met", a.hot_min, b.hot_min),
        ("warm from criteria met", a.warm_min, b.warm_min),
        ("cold from criteria met", a.cold_min, b.cold_min),
    ]


def _lead_type_pairs(old: Definition, new: Definition) -> list[tuple[str, object, object]]:
    a, b = old.lead_types, new.lead_types
    return [
        ("own actions", a.own_actions, b.own_actions),
        ("SQL outcomes", a.sql_outcomes, b.sql_outcomes),
    ]


# --- BANT, off-ramps, free mail ----------------------------------------------------------


def _bant(old: Definition, new: Definition) -> Iterator[Change]:
    def aspects(rule: BantRule) -> list[tuple[str, object]]:
        return [("condition", rule.condition), ("met", rule.met), ("evidence", rule.evidence)]

    def summary(rule: BantRule) -> str:
        verdict = "met" if rule.met else "not met"
        return f"{verdict} when {describe_condition(rule.condition)}"

    criteria = dict.fromkeys([*old.bant.rules, *new.bant.rules])
    for criterion in criteria:
        yield from _keyed(
            "bant",
            f"BANT {criterion} rule",
            {_quoted(r.name): r for r in old.bant.rules.get(criterion, ())},
            {_quoted(r.name): r for r in new.bant.rules.get(criterion, ())},
            summary,
            aspects,
        )


def _off_ramps(old: Definition, new: Definition) -> Iterator[Change]:
    for ramp in dict.fromkeys([*old.off_ramp_labels, *new.off_ramp_labels]):
        before = old.off_ramp_labels.get(ramp, {})
        after = new.off_ramp_labels.get(ramp, {})
        languages = sorted({*before, *after})
        triples = [(f"label ({lang})", before.get(lang), after.get(lang)) for lang in languages]
        yield from _aspects("off_ramps", f"off-ramp {ramp}", triples)


def _free_mail(old: frozenset[str], new: frozenset[str]) -> Iterator[Change]:
    if new - old:
        added = describe_value(new - old)
        yield Change("free_mail_domains", "free-mail domains", ChangeKind.ADDED, new=added)
    if old - new:
        removed = describe_value(old - new)
        yield Change("free_mail_domains", "free-mail domains", ChangeKind.REMOVED, old=removed)
