"""Fit: how well the person and their company match the ideal customer persona.

The points of every fit rule whose condition holds are summed in the definition's
order; the score is that sum clamped to 0–100, and the grade is the best one whose
cut-off the score reaches (D below every cut-off). Negative rules (competitor domain,
student, free-mail address) take points away.
"""

from __future__ import annotations

from leadflow.definition.describe import describe_condition
from leadflow.domain.qualification import Contribution, ContributionKind, FitResult
from leadflow.domain.vocabulary import Grade
from leadflow.engine.plan import CompiledFitRule, QualificationPlan
from leadflow.engine.scope import Scope

__all__ = ["grade_for", "score_fit"]

FIT_MIN = 0.0
FIT_MAX = 100.0


def score_fit(plan: QualificationPlan, scope: Scope, *, explain: bool = True) -> FitResult:
    """The fit result; contributions (with the attribute values) only when ``explain``."""
    if explain:
        return _explained(plan, scope)
    total = 0.0
    for holds, points in plan.fit_checks:  # the same sum, in the same order, no lines
        if holds(scope):
            total += points
    score = FIT_MIN if total <= FIT_MIN else FIT_MAX if total > FIT_MAX else total
    return FitResult(score, grade_for(score, plan.definition.fit.grade_cutoffs))


def _explained(plan: QualificationPlan, scope: Scope) -> FitResult:
    total = 0.0
    contributions: list[Contribution] = []
    for compiled in plan.fit_rules:
        if compiled.holds(scope):
            total += compiled.rule.points
            contributions.append(_contribution(compiled, scope))
    score = min(FIT_MAX, max(FIT_MIN, total))
    return FitResult(
        score, grade_for(score, plan.definition.fit.grade_cutoffs), tuple(contributions)
    )


def grade_for(score: float, cutoffs: tuple[tuple[Grade, float], ...]) -> Grade:
    for grade, minimum in cutoffs:
        if score >= minimum:
            return grade
    return Grade.D


def _contribution(compiled: CompiledFitRule, scope: Scope) -> Contribution:
    fields = compiled.fields
    if not fields:  # a rule on events only: show its test, as there is no value to show
        condition = describe_condition(compiled.rule.condition)
        return Contribution(
            compiled.rule.name, compiled.rule.points, ContributionKind.ATTRIBUTE, None, condition
        )
    values = [read(scope) for read in compiled.readers]
    return Contribution(
        rule=compiled.rule.name,
        points=compiled.rule.points,
        kind=ContributionKind.ATTRIBUTE,
        field=", ".join(fields) or None,
        value=values[0] if len(values) == 1 else dict(zip(fields, values, strict=True)) or None,
    )
