"""Compile the YAML condition syntax into the engine's condition objects.

Each raw condition becomes a ``FieldTest``, ``EventTest``, ``AllOf``, ``AnyOf`` or
``Not``; operands are checked against the kind of the fact they test (``paths.py``) and
normalised once, so the engine never parses text: grades and identities become enum
members, ``in`` lists become casefolded frozensets, regexes are compiled, and
``at_least``/``at_most`` on numbers become a ``range``. Problems are collected, not
raised one by one, so a file with five mistakes is reported with five lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leadflow.definition.errors import Loc, Problem
from leadflow.definition.model import (
    AllOf,
    AnyOf,
    Condition,
    EventMatcher,
    EventTest,
    FieldTest,
    Not,
    Op,
)
from leadflow.definition.paths import FactPath, ValueKind, resolve_path
from leadflow.definition.raw_condition import (
    AllCondition,
    AnyCondition,
    EventCondition,
    FieldCondition,
    NotCondition,
    RawCondition,
)
from leadflow.domain.numbers import written_number
from leadflow.domain.yes_no import yes_no
from leadflow.ingest.normalise import InvalidValueError
from leadflow.ingest.values import consent_status

__all__ = ["NEVER", "ConditionCompiler", "event_matcher"]

# The condition of a stage entered only by hand: an empty "any" never holds.
NEVER: Condition = AnyOf(())

_OPS = {op.value: op for op in Op}


def event_matcher(types: list[str], where: dict[str, str]) -> EventMatcher:
    """Build a matcher; ``where`` is sorted so that equal rules compare equal."""
    return EventMatcher(frozenset(types), tuple(sorted(where.items())))


@dataclass
class ConditionCompiler:
    """Compiles conditions, collecting every problem in ``problems``.

    ``attributes_only`` is set for fit and BANT rules (computed before anything else);
    ``forbidden`` names derived paths a context may not use (the gate and ``sales_ready``).
    """

    problems: list[Problem] = field(default_factory=list)

    def compile(
        self,
        raw: RawCondition,
        loc: Loc,
        *,
        attributes_only: bool = False,
        forbidden: frozenset[str] = frozenset(),
    ) -> Condition:
        if isinstance(raw, FieldCondition):
            return self._field(raw, loc, attributes_only, forbidden)
        if isinstance(raw, EventCondition):
            test = EventTest(event_matcher(raw.event, raw.where), raw.within_days, raw.min_count)
            return Not(test) if raw.negate else test
        if isinstance(raw, AllCondition):
            return AllOf(self._each(raw.all_, (*loc, "all"), attributes_only, forbidden))
        if isinstance(raw, AnyCondition):
            return AnyOf(self._each(raw.any_, (*loc, "any"), attributes_only, forbidden))
        assert isinstance(raw, NotCondition)
        inner = self.compile(
            raw.not_, (*loc, "not"), attributes_only=attributes_only, forbidden=forbidden
        )
        return Not(inner)

    def _each(
        self,
        items: list[RawCondition],
        loc: Loc,
        attributes_only: bool,
        forbidden: frozenset[str],
    ) -> tuple[Condition, ...]:
        return tuple(
            self.compile(item, (*loc, index), attributes_only=attributes_only, forbidden=forbidden)
            for index, item in enumerate(items)
        )

    def _field(
        self,
        raw: FieldCondition,
        loc: Loc,
        attributes_only: bool,
        forbidden: frozenset[str],
    ) -> Condition:
        (key,) = raw.operators()
        try:
            if raw.field in forbidden:
                raise ValueError(f"{raw.field} cannot be used here (it depends on this rule)")
            fact = resolve_path(raw.field, attributes_only=attributes_only)
        except ValueError as error:
            self.problems.append(Problem((*loc, "field"), str(error)))
            return FieldTest(raw.field, _OPS[key], None, raw.negate)
        try:
            op, operand = _operand(fact, key, _raw_operand(raw, key))
            _on_scale(fact, op, operand)
        except ValueError as error:
            self.problems.append(Problem((*loc, key), str(error)))
            return FieldTest(raw.field, _OPS[key], None, raw.negate)
        return FieldTest(raw.field, op, operand, raw.negate, _raw_operand(raw, key))


def _on_scale(fact: FactPath, op: Op, operand: object) -> None:
    """Refuse a bound outside a score's scale: ``prediction >= 30`` never holds."""
    if fact.scale is None:
        return
    if op is Op.RANGE:
        assert isinstance(operand, tuple)
        bounds = [bound for bound in operand if bound is not None]
    elif op is Op.IN:
        assert isinstance(operand, frozenset)
        bounds = sorted(operand, key=str)  # numbers (_value checked them), in a stable order
    else:
        bounds = [operand] if op is Op.EQUALS else []
    low, high = fact.scale
    for bound in bounds:
        assert isinstance(bound, int | float)
        if not low <= bound <= high:
            raise ValueError(_off_scale(fact, float(bound)))


def _off_scale(fact: FactPath, bound: float) -> str:
    low, high = fact.scale or (0.0, 0.0)
    if fact.path == "prediction":
        said = f"prediction is a probability from 0 to 1 (a model's win chance); got {bound:g}"
        if 1 < bound <= 100:
            return f"{said}: write {bound / 100:g} if {bound:g} is a percentage"
        return said
    return f"{fact.path} is from {low:g} to {high:g}; got {bound:g}"


def _raw_operand(raw: FieldCondition, key: str) -> object:
    if key == "in":
        return raw.in_
    if key == "range":
        assert raw.range is not None
        return (raw.range.min, raw.range.max)
    return getattr(raw, key)


def _operand(fact: FactPath, key: str, value: object) -> tuple[Op, object]:
    """Check ``value`` against the fact's kind; return the operator and normalised operand."""
    if key == "exists":
        return Op.EXISTS, value
    if key == "equals":
        return Op.EQUALS, _value(fact, value, for_set=False)
    if key == "in":
        assert isinstance(value, list)
        return Op.IN, frozenset(_value(fact, item, for_set=True) for item in value)
    if key == "range":
        _require(fact, {ValueKind.ANY, ValueKind.NUMBER}, "range compares numbers")
        return Op.RANGE, value
    if key == "regex":
        _require(fact, {ValueKind.ANY, ValueKind.TEXT, ValueKind.CHOICE}, "regex searches text")
        assert isinstance(value, str)
        return Op.REGEX, re.compile(value, re.IGNORECASE)
    return _ordered(fact, key, value)


def _ordered(fact: FactPath, key: str, value: object) -> tuple[Op, object]:
    if fact.kind is ValueKind.ORDERED:
        return _OPS[key], _value(fact, value, for_set=False)
    if fact.kind in {ValueKind.ANY, ValueKind.NUMBER} and _is_number(value):
        bound = float(value)  # type: ignore[arg-type]  # _is_number checked it
        return Op.RANGE, (bound, None) if key == "at_least" else (None, bound)
    raise ValueError(
        f"{key} compares numbers, or the ordered facts fit.grade, identity, temperature "
        f"and lead_type; got {value!r} for {fact.path}{_number_meant(fact, key, value)}"
    )


def _value(fact: FactPath, value: object, *, for_set: bool) -> object:
    kind = fact.kind
    if kind is ValueKind.ORDERED or kind is ValueKind.CHOICE:
        word = _member(fact, value)
        # Sets hold casefolded words (model.Op.IN); single values keep the enum member.
        if fact.order is not None and not for_set:
            return fact.order(word)
        return word.casefold()
    if kind is ValueKind.NUMBER:
        if not _is_number(value):
            meant = _number_meant(fact, "equals", value)
            raise ValueError(f"{fact.path} is a number; got {value!r}{meant}")
        return float(value)  # type: ignore[arg-type]  # _is_number checked it
    if kind is ValueKind.BOOL:
        if not isinstance(value, bool):
            flag = yes_no(value) if isinstance(value, str) else None
            meant = "" if flag is None else f"; write equals: {str(flag).lower()}"
            raise ValueError(f"{fact.path} is true or false; got {value!r}{meant}")
        return value
    if isinstance(value, str):
        return value.casefold()
    if kind is ValueKind.TEXT and not isinstance(value, bool):
        return str(value).casefold()
    return value


def _number_meant(fact: FactPath, key: str, value: object) -> str:
    """``at_least: '20'`` or ``at_least: 50%``: the number to write, when the text is one.

    A percentage of ``prediction`` (a probability from 0 to 1) is its fraction."""
    if not isinstance(value, str) or fact.kind not in {ValueKind.ANY, ValueKind.NUMBER}:
        return ""
    text = value.strip()
    percent = text.endswith("%")
    number = written_number(text.removesuffix("%"))
    if number is None:
        return ""
    if percent and fact.path == "prediction":
        number /= 100
    return f"; write {key}: {number:g}"


def _member(fact: FactPath, value: object) -> str:
    words = fact.values
    if isinstance(value, str):
        for word in words:
            if word.casefold() == value.casefold():
                return word
    raise ValueError(
        f"{fact.path} is one of {', '.join(words)}; got {value!r}{_word_meant(fact, value)}"
    )


def _word_meant(fact: FactPath, value: object) -> str:
    """``consent.email equals: double opt-in``: the state an import stores it as."""
    if not fact.path.startswith("consent.") or not isinstance(value, str):
        return ""
    try:
        stored = consent_status(value)
    except InvalidValueError:
        return ""
    return f"; write equals: {stored}" if stored in fact.values else ""


def _require(fact: FactPath, kinds: set[ValueKind], what: str) -> None:
    if fact.kind not in kinds:
        raise ValueError(f"{what}; {fact.path} {_kind_text(fact)}")


def _kind_text(fact: FactPath) -> str:
    if fact.values:
        return f"is one of {', '.join(fact.values)}"
    return {
        ValueKind.TEXT: "is text",
        ValueKind.NUMBER: "is a number",
        ValueKind.BOOL: "is true or false",
    }.get(fact.kind, "holds any value")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
