"""Warnings about a definition that loads but cannot do its job.

A definition can be well-formed and still hand nobody to sales: the gate asks for a
fit grade the fit rules can never give (grade A from rules worth 40 points together,
or any grade above D with no fit rules at all, whose every score is 0). Refusing such
a file would break the many sketches written without fit rules (a stage-only file, a
test), so ``leadflow definition validate`` prints these as warnings instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.definition.model import Definition

__all__ = ["DefinitionWarning", "definition_warnings"]


@dataclass(frozen=True, slots=True)
class DefinitionWarning:
    """A finding at a key path (``sales_ready.min_fit_grade``), printed as ``path: message``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def definition_warnings(definition: Definition) -> tuple[DefinitionWarning, ...]:
    """Everything known for certain to keep the definition from working, in file order."""
    gate = _unreachable_gate(definition)
    return () if gate is None else (gate,)


def _unreachable_gate(definition: Definition) -> DefinitionWarning | None:
    """The positive points of all fit rules together bound every fit score from above
    (rules may exclude each other, so only certain cases are found, never false ones)."""
    grade = definition.sales_ready.min_fit_grade
    cutoff = dict(definition.fit.grade_cutoffs).get(grade)
    if cutoff is None:  # grade D: every score has it
        return None
    best = min(100.0, sum(max(rule.points, 0.0) for rule in definition.fit.rules))
    if best >= cutoff:
        return None
    if definition.fit.rules:
        why = f"the fit rules' positive points add up to {best:g}"
        remedy = "lower min_fit_grade or the grade's cut-off (fit.grades), or add fit rules"
    else:
        why = "there are no fit rules, so every fit score is 0 (grade D)"
        remedy = "write min_fit_grade: D to hand off without a fit test, or add fit rules"
    message = (
        f"no lead can ever be sales-ready: grade {grade.value} needs a fit score of"
        f" at least {cutoff:g}, and {why}; {remedy}"
    )
    return DefinitionWarning("sales_ready.min_fit_grade", message)
