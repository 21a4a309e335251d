"""Compiled definitions and conditions written back as short, readable text.

Used by the meaning diff and the CLI: ``describe_condition`` prints a condition the
way a reviewer would say it (``account.industry in [fintech, software]``), whatever
YAML spelling produced it; ``summarize`` is the one-line report of ``validate``.
"""

from __future__ import annotations

import functools
import re
from enum import Enum

from leadflow.definition.model import (
    AllOf,
    AnyOf,
    Condition,
    Definition,
    EventMatcher,
    EventTest,
    FieldTest,
    Not,
    Op,
    SalesReadyGate,
)

__all__ = [
    "describe_condition",
    "describe_matcher",
    "describe_value",
    "gate_condition_failed",
    "gate_passed",
    "summarize",
]


def summarize(definition: Definition) -> str:
    """``acme-funnel v3, 5 stages, 12 fit rules, 9 engagement rules``."""
    version = definition.version
    shown = version if version[:1] in ("v", "V") else f"v{version}"
    return (
        f"{definition.name} {shown}, {_count(len(definition.stages), 'stage')}, "
        f"{_count(len(definition.fit.rules), 'fit rule')}, "
        f"{_count(len(definition.engagement.rules), 'engagement rule')}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def describe_condition(condition: Condition) -> str:
    if isinstance(condition, FieldTest):
        text = f"{condition.field} {_operator(condition)}"
        return f"not ({text})" if condition.negate else text
    if isinstance(condition, EventTest):
        return _event(condition)
    if isinstance(condition, AllOf):
        return _joined(condition.items, " and ", "always")
    if isinstance(condition, AnyOf):
        return _joined(condition.items, " or ", "never (set by hand)")
    assert isinstance(condition, Not)
    return f"not ({describe_condition(condition.item)})"


@functools.lru_cache(maxsize=64)
def gate_condition_failed(condition: Condition) -> str:
    """The sales-ready reason when the gate's extra condition fails, naming the condition."""
    return f"the gate's extra condition does not hold: {describe_condition(condition)}"


def gate_passed(gate: SalesReadyGate, grade: str, action: str | None, engagement: float) -> str:
    """The sales-ready reason of a lead the gate let through, naming each test it made:
    ``fit grade B and demo_request 3.0 days ago`` (``action``: the recent sales action as
    ``type age days ago``), then the engagement floor and the extra condition when set."""
    reason = f"fit grade {grade}" if action is None else f"fit grade {grade} and {action}"
    if gate.min_engagement is not None:
        reason += f", engagement {engagement:.1f} (at least {gate.min_engagement:g})"
    if gate.condition is not None:
        reason += f"; the gate's extra condition holds: {describe_condition(gate.condition)}"
    return reason


def _joined(items: tuple[Condition, ...], word: str, empty: str) -> str:
    if not items:
        return empty
    if len(items) == 1:
        return describe_condition(items[0])
    return "(" + word.join(describe_condition(item) for item in items) + ")"


def _operator(test: FieldTest) -> str:
    operand = test.operand
    if test.op is Op.RANGE and isinstance(operand, tuple):
        low, high = operand
        if high is None:
            return f">= {describe_value(low)}"
        if low is None:
            return f"<= {describe_value(high)}"
        return f"in {describe_value(low)}..{describe_value(high)}"
    if test.op is Op.EXISTS:
        return "exists" if operand else "is absent"
    if test.op is Op.REGEX and isinstance(operand, re.Pattern):
        return f"matches /{operand.pattern}/"
    words = {Op.EQUALS: "=", Op.IN: "in", Op.AT_LEAST: ">=", Op.AT_MOST: "<="}
    return f"{words.get(test.op, test.op.value)} {describe_value(operand)}"


def describe_value(value: object) -> str:
    if isinstance(value, frozenset | set | list | tuple):
        return "[" + ", ".join(sorted(describe_value(item) for item in value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        # 15 significant digits: a revenue of 5e8 reads 500000000, not in exponents.
        return f"{value:.15g}"
    return str(value)


def describe_matcher(matcher: EventMatcher) -> str:
    types = "|".join(sorted(matcher.types))
    where = ", ".join(f"{key}={pattern}" for key, pattern in matcher.where)
    return f"{types} where {where}" if where else types


def _event(test: EventTest) -> str:
    text = f"event {describe_matcher(test.matcher)}"
    if test.min_count > 1:
        text += f" x{test.min_count}"
    if test.within_days is not None:
        text += f" within {test.within_days:g} days"
    return text
