"""The explanation: one readable line per point given, then each verdict with its reason.

A person reading the hand-off (or a team reviewing a definition change) must be able to
see why a lead scored what it did: every fit rule that matched with the attribute value,
every engagement point with its event, age and decay factor, what a cap removed, the
BANT evidence, the learned model's prediction (when one is active), the lead type, the
sales-ready gate and the stage chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadflow.domain.qualification import (
    BantResult,
    Contribution,
    ContributionKind,
    EngagementResult,
    FitResult,
)
from leadflow.domain.vocabulary import LeadType, Temperature

__all__ = ["Verdicts", "explain"]


@dataclass(frozen=True, slots=True)
class Verdicts:
    """The non-numeric outcomes the explanation states after the points."""

    lead_type: LeadType
    purchased: bool
    sales_ready: bool
    sales_ready_reason: str
    stage: str | None
    prediction: float | None = None  # the active learned model's win probability


def explain(
    fit: FitResult,
    engagement: EngagementResult,
    bant: BantResult,
    temperature: Temperature,
    verdicts: Verdicts,
) -> tuple[str, ...]:
    lines = [f"fit {fit.score:g} (grade {fit.grade})"]
    lines.extend(f"  {_line(item)}" for item in fit.contributions)
    raw = sum(item.points for item in fit.contributions)
    if raw != fit.score:
        lines.append(f"  fit points {raw:g} held within 0-100")
    lines.append(f"engagement {engagement.score:.2f}")
    lines.extend(f"  {_line(item)}" for item in _folded(engagement.contributions))
    lines.append(f"BANT {bant.met} of 4 met: {temperature}; {_bant(bant)}")
    if verdicts.prediction is not None:
        lines.append(f"prediction {verdicts.prediction:.3f}: the learned model's win probability")
    origin = " (purchased origin)" if verdicts.purchased else ""
    lines.append(f"lead type {verdicts.lead_type}{origin}")
    answer = "yes" if verdicts.sales_ready else "no"
    lines.append(f"sales-ready: {answer}: {verdicts.sales_ready_reason}")
    if verdicts.stage is None:
        lines.append("stage: none (no stage's rule holds)")
    else:
        lines.append(f"stage: {verdicts.stage} (the furthest stage whose rule holds)")
    return tuple(lines)


# An event's points below this show as +0.00: listed one by one they bury the events
# that count (a year of page views is hundreds of lines), so the text folds them.
_NEGLIGIBLE = 0.005


def _folded(contributions: Sequence[Contribution]) -> list[Contribution]:
    """The engagement lines as the text shows them: each rule's events worth less than
    a hundredth of a point become one ``N x type, last ... ago`` line after the rule's
    other lines (the contributions themselves, in the API and on the web page, keep every
    event; the points still add up to the score)."""
    shown: list[Contribution] = []
    faded: dict[tuple[str, str | None], list[Contribution]] = {}
    for item in contributions:
        if item.kind is ContributionKind.EVENT and abs(item.points) < _NEGLIGIBLE:
            faded.setdefault((item.rule, item.field), []).append(item)
        else:
            shown.append(item)
    if not faded:
        return shown
    for (rule, field), items in faded.items():
        latest = min(items, key=lambda item: item.age_days or 0.0)
        together = Contribution(
            rule=rule,
            points=sum(item.points for item in items),
            kind=ContributionKind.RULE,
            field=field,
            value=len(items),
            at=latest.at,
            age_days=latest.age_days,
            decay=latest.decay,
        )
        last_of_rule = max(
            (index for index, item in enumerate(shown) if item.rule == rule), default=None
        )
        at = len(shown) if last_of_rule is None else last_of_rule + 1
        if last_of_rule is not None and shown[last_of_rule].kind is ContributionKind.CAP:
            at = last_of_rule  # before what the cap removed: it closes the rule's lines
        shown.insert(at, together)
    return shown


def _line(item: Contribution) -> str:
    kind = item.kind
    if kind is ContributionKind.EVENT and item.age_days is not None:
        # One line per counted event, the commonest by far: built in one f-string (the
        # same text as the general form below, which the other kinds use).
        decay = "" if item.decay is None else f", decay {item.decay:.3f}"
        return (
            f"{item.points:+.2f} {item.rule}: {item.field}{_detail(item.value)}, "
            f"{item.age_days:.1f} days ago{decay}"
        )
    head = f"{item.points:+.2f} {item.rule}"
    if kind is ContributionKind.ATTRIBUTE:
        return f"{head}: {_attributes(item.field, item.value)}"
    if kind is ContributionKind.CAP:
        return f"{head}: capped at {item.value}"
    when = "" if item.age_days is None else f", {item.age_days:.1f} days ago"
    decay = "" if item.decay is None else f", decay {item.decay:.3f}"
    if kind is ContributionKind.RULE:
        return f"{head}: {item.value} x {item.field}, last{when.lstrip(',')}{decay}"
    return f"{head}: {item.field}{_detail(item.value)}{when}{decay}"


def _attributes(field: str | None, value: object) -> str:
    """What a fit rule read: ``path = value`` for each path, or its event test."""
    if field is None:  # a rule on events only: its value is the test, in words
        return str(value)
    if isinstance(value, dict):  # a rule over several paths
        return ", ".join(f"{path} = {_fact(item)}" for path, item in value.items())
    return f"{field} = {_fact(value)}"


def _fact(value: object) -> str:
    """A fact as the definition file writes it: true/false, (missing), quoted text."""
    if value is None:
        return "(missing)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _detail(value: object) -> str:
    """An event's shown properties (the rule's ``where`` keys), as `` key=value``."""
    if not isinstance(value, dict):
        return ""
    if len(value) == 1:  # one ``where`` key (a URL, an asset): no generator needed
        ((key, item),) = value.items()
        return f" {key}={item}"
    return "".join(f" {key}={item}" for key, item in value.items())


def _bant(bant: BantResult) -> str:
    parts = []
    for criterion in bant.criteria:
        verdict = {True: "yes", False: "no", None: "unknown"}[criterion.met]
        evidence = f" ({criterion.evidence})" if criterion.evidence else ""
        parts.append(f"{criterion.key} {verdict}{evidence}")
    return ", ".join(parts)
