"""From ICP findings to a proposed definition change: fit rules with points, as YAML.

The strongest findings (at most three per attribute) become fit rules in the
definition's own syntax (``{name, points, when: {field: ..., in: [...]}, description}``).
Points are *joint* weights: a lightly regularised logistic regression over the selected
findings' yes/no indicators, so two findings that describe the same leads (a source
that only arrives through one origin) do not both count in full, as they would if each
value's own lift were turned into points. A finding whose joint weight turns against
its own direction adds nothing beyond the others and is dropped. Weights are scaled so
that the best possible lead scores 100, the top of the fit scale.

A losing value is written as a *negated* rule that rewards avoiding it ("Do Not Email
is not Yes: +15") rather than as negative points. The two say the same up to a constant,
but the fit score is clamped at 0: with negative points, every lead without a winning
value would sit at 0 and the losing values could no longer tell them apart.

The patch is itself a definition file: it ``extends`` the active definition and
replaces ``fit.rules`` (lists replace whole when a definition extends another), so
``leadflow definition validate`` and ``diff`` work on it unchanged, a back-test can run
it, and adopting it is copying its rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import yaml
from sklearn.linear_model import LogisticRegression

from leadflow.definition.model import ATTRIBUTE_NAMESPACES
from leadflow.learn.icp import Finding, IcpReport
from leadflow.learn.levels import LevelKind, holds
from leadflow.learn.table import LeadTable

__all__ = ["ProposedRule", "patch_yaml", "propose_fit_rules", "propose_grades"]

FIT_TOP = 100


@dataclass(frozen=True, slots=True)
class ProposedRule:
    name: str
    points: int
    when: dict[str, object]
    description: str
    finding: Finding


def propose_fit_rules(
    report: IcpReport, table: LeadTable, *, max_rules: int = 12, max_per_attribute: int = 3
) -> tuple[ProposedRule, ...]:
    """The strongest findings of ``report`` (made from ``table``) as weighted fit rules.

    Only persona findings (contact, account, source, consent paths) can be fit rules;
    behaviour (``activity.``) belongs to engagement and stays in the report.
    """
    persona = [f for f in report.findings if f.path.partition(".")[0] in ATTRIBUTE_NAMESPACES]
    chosen = _select(persona, table, max_rules, max_per_attribute)
    weights = _joint_weights(chosen, table)
    kept = [(f, w) for f, w in zip(chosen, weights, strict=True) if w != 0.0]
    scale = _scale(kept)
    rules = [_rule(f, round(abs(w) * scale), report.base_rate) for f, w in kept]
    rules.sort(key=lambda rule: -rule.points)
    return tuple(rule for rule in rules if rule.points != 0)


def _select(
    findings: Sequence[Finding], table: LeadTable, max_rules: int, max_per_attribute: int
) -> list[Finding]:
    """Strongest first; a finding about (nearly) the same leads as a stronger one is skipped.

    "Channel is purchased" and "purchased is true" name one group of leads twice; two
    rules for it would split its weight and read as two reasons.
    """
    chosen: list[Finding] = []
    groups: list[npt.NDArray[np.bool_]] = []
    per_attribute: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: -abs(f.strength)):
        if len(chosen) == max_rules:
            break
        if per_attribute.get(finding.attribute, 0) >= max_per_attribute:
            continue
        group = holds(finding.level, table.attribute(finding.attribute))
        if any(_same_leads(group, other) for other in groups):
            continue
        chosen.append(finding)
        groups.append(group)
        per_attribute[finding.attribute] = per_attribute.get(finding.attribute, 0) + 1
    return chosen


def _same_leads(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> bool:
    """Jaccard similarity of at least 0.9 between the two groups (or their complements)."""
    for other in (b, ~b):
        union = int((a | other).sum())
        if union and (a & other).sum() / union >= 0.9:
            return True
    return False


def _joint_weights(chosen: Sequence[Finding], table: LeadTable) -> list[float]:
    """Logistic weights of the findings together; 0 for those that turn against themselves."""
    active = list(range(len(chosen)))
    weights = [0.0] * len(chosen)
    for _ in range(len(chosen)):
        if not active:
            break
        indicators = np.column_stack(
            [holds(chosen[i].level, table.attribute(chosen[i].attribute)) for i in active]
        ).astype(np.float64)
        fitted = LogisticRegression(C=1.0, max_iter=1000).fit(indicators, table.outcome)
        coefficients = fitted.coef_[0]
        against = [
            i for i, c in zip(active, coefficients, strict=True) if c * chosen[i].strength <= 0
        ]
        if not against:
            for i, c in zip(active, coefficients, strict=True):
                weights[i] = float(c)
            break
        active = [i for i in active if i not in against]
    return weights


def propose_grades(scores: npt.NDArray[np.float64]) -> dict[str, int]:
    """Grade cut-offs near the 80th, 50th and 20th percentile of the proposed fit scores.

    The proposal's points have their own scale, so the inherited cut-offs would put
    most leads in one grade. On the history: A = about the best-fitting fifth, B = the
    next 30%, C = the next 30%, D = the rest. A handful of rules gives a handful of
    possible scores, so each cut-off is a score some lead has (the one whose share of
    leads at or above it is nearest the target), and each grade keeps a score of its own
    while there are enough: never a cut-off no lead reaches, or two grades between the
    same two scores (with 70% of leads at 0, plain percentiles gave A 24, B 2, C 1).
    """
    distinct = np.unique(np.floor(scores[scores > 0]))
    shares = {float(s): float(np.mean(scores >= s)) for s in distinct}
    cuts: list[int] = []
    candidates = sorted(shares)
    for grade, target in enumerate((0.2, 0.5, 0.8)):
        below = [s for s in candidates if not cuts or s < cuts[-1]]
        # Leave a score for each grade still to come, when there are enough.
        usable = below[min(2 - grade, max(len(below) - 1, 0)) :]
        if usable:
            cuts.append(int(min(usable, key=lambda s: (abs(shares[s] - target), -s))))
        else:
            cuts.append((cuts[-1] if cuts else FIT_TOP + 1) - 1)
    a, b, c = cuts
    # The definition wants 100 >= A > B > C >= 0, even over scores of 0 and 1 only.
    c = max(c, 0)
    b = max(b, c + 1)
    a = min(max(a, b + 1), FIT_TOP)
    return {"A": a, "B": b, "C": c}


def patch_yaml(
    rules: Sequence[ProposedRule],
    report: IcpReport,
    *,
    extends: str,
    name: str,
    version: str,
    replaced: Sequence[str],
    source: str,
    now: datetime,
    grades: dict[str, int] | None = None,
) -> str:
    """A definition file extending ``extends`` whose fit rules are the proposal."""
    lines = [
        f"# Proposed by `leadflow learn icp` on {now:%Y-%m-%d %H:%M} UTC from {source}:",
        f"# {report.leads} closed leads, {report.won} won (base rate {report.base_rate:.1%});",
        f"# values with fewer than {report.min_support} leads pooled, "
        f"{report.confidence:.0%} Wilson intervals.",
        "# Points are the findings' joint logistic weights; the best value of every",
        f"# attribute together scores {FIT_TOP}. Review, then check and back-test it:",
        "#   leadflow definition validate THIS_FILE",
        f"#   leadflow definition diff {extends} THIS_FILE",
    ]
    if replaced:
        lines.append(f"# It replaces the {len(replaced)} current fit rules: {', '.join(replaced)}.")
    fit: dict[str, object] = {"rules": [_raw(rule) for rule in rules]}
    if grades:
        lines.append("# Grade cut-offs: the 80th, 50th and 20th percentile of these leads' scores.")
        fit["grades"] = grades
    document = {"extends": extends, "name": name, "version": version, "fit": fit}
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body


def _scale(kept: Sequence[tuple[Finding, float]]) -> float:
    """Points per unit of weight, so that the best possible lead scores ``FIT_TOP``.

    Per attribute the best lead holds its best winning value and, being in no losing
    level, collects every negated rule of the attribute too.
    """
    best: dict[str, float] = {}
    avoided: dict[str, float] = {}
    for finding, weight in kept:
        if weight > 0:
            best[finding.attribute] = max(best.get(finding.attribute, 0.0), weight)
        else:
            avoided[finding.attribute] = avoided.get(finding.attribute, 0.0) - weight
    total = sum(best.values()) + sum(avoided.values())
    return FIT_TOP / total if total > 0 else 0.0


def _rule(finding: Finding, points: int, base_rate: float) -> ProposedRule:
    evidence = (
        f"won {finding.rate:.1%} of {finding.leads} leads vs {base_rate:.1%} overall "
        f"(lift {finding.lift:.2f}; {finding.low:.1%}-{finding.high:.1%} interval)"
    )
    winning = finding.strength > 0
    label = finding.level.label
    if not winning:
        label = "answered" if finding.level.kind is LevelKind.MISSING else f"not {label}"
    return ProposedRule(
        name=f"{finding.attribute}: {label}",
        points=points,
        when=_condition(finding) if winning else _negated(_condition(finding)),
        description=evidence if winning else f"avoids {finding.level.label!r}, which {evidence}",
        finding=finding,
    )


def _negated(condition: dict[str, object]) -> dict[str, object]:
    if "exists" in condition:
        return {**condition, "exists": not condition["exists"]}
    return {**condition, "negate": True}


def _condition(finding: Finding) -> dict[str, object]:
    level = finding.level
    if level.kind is LevelKind.MISSING:
        return {"field": finding.path, "exists": False}
    if level.kind is LevelKind.RANGE:
        if level.low is not None and level.low == level.high:
            return {"field": finding.path, "equals": _plain(level.low)}
        bounds = {"min": _plain(level.low), "max": _plain(level.high)}
        return {"field": finding.path, "range": {k: v for k, v in bounds.items() if v is not None}}
    if len(level.values) == 1 and level.values[0] in ("true", "false"):
        return {"field": finding.path, "equals": level.values[0] == "true"}
    return {"field": finding.path, "in": list(level.values)}


def _raw(rule: ProposedRule) -> dict[str, object]:
    return {
        "name": rule.name,
        "points": rule.points,
        "when": rule.when,
        "description": rule.description,
    }


def _plain(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value
