"""Conditions compiled into predicates over a Scope.

``compile_condition`` turns the definition's condition tree (FieldTest, EventTest,
AllOf, AnyOf, Not) into nested closures once per definition; evaluating one for a person
is then a few function calls. Text compares case-insensitively; a missing fact never
satisfies a test (so a negated test holds for it); a list attribute satisfies
``equals``/``in``/``regex`` when any of its items does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import Enum

from leadflow.definition.model import (
    AllOf,
    AnyOf,
    Condition,
    EventTest,
    FieldTest,
    Not,
    Op,
)
from leadflow.domain.numbers import written_number
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature
from leadflow.domain.yes_no import yes_no
from leadflow.engine.activity import Slot
from leadflow.engine.scope import DERIVED_CONTACT_KEYS, PathReader, Scope, path_reader

__all__ = ["Predicate", "compile_condition", "fields_of", "is_present"]

Predicate = Callable[[Scope], bool]
_ValueTest = Callable[[object], bool]
# The ordered vocabularies ``at_least``/``at_most`` compare by rank (A > B, hot > warm ...).
_Ranked = Grade | Identity | Temperature | LeadType
_RANKED = (Grade, Identity, Temperature, LeadType)
_MEMO_LIMIT = 4096


def compile_condition(condition: Condition, tests: Mapping[EventTest, Slot]) -> Predicate:
    if isinstance(condition, FieldTest):
        return _field_predicate(condition)
    if isinstance(condition, EventTest):
        return _event_predicate(tests[condition])
    if isinstance(condition, AllOf):
        return _all_of(tuple(compile_condition(item, tests) for item in condition.items))
    if isinstance(condition, AnyOf):
        return _any_of(tuple(compile_condition(item, tests) for item in condition.items))
    if isinstance(condition, Not):
        inner = compile_condition(condition.item, tests)
        return lambda scope: not inner(scope)
    raise TypeError(f"not a condition: {condition!r}")


def _all_of(items: tuple[Predicate, ...]) -> Predicate:
    # Plain loops: cheaper than all()/any() over a generator for two or three items.
    def every(scope: Scope) -> bool:
        for item in items:  # noqa: SIM110 - see above
            if not item(scope):
                return False
        return True

    return every


def _any_of(items: tuple[Predicate, ...]) -> Predicate:
    def some(scope: Scope) -> bool:
        for item in items:  # noqa: SIM110 - a plain loop, as in _all_of
            if item(scope):
                return True
        return False

    return some


def fields_of(condition: Condition) -> tuple[str, ...]:
    """The fact paths a condition reads, in order, for explanations."""
    if isinstance(condition, FieldTest):
        return (condition.field,)
    if isinstance(condition, AllOf | AnyOf):
        paths: dict[str, None] = {}
        for item in condition.items:
            paths.update(dict.fromkeys(fields_of(item)))
        return tuple(paths)
    if isinstance(condition, Not):
        return fields_of(condition.item)
    return ()


def _event_predicate(slot: Slot) -> Predicate:
    if slot.min_count <= 0:
        return lambda scope: True
    slot_id = slot.id
    return lambda scope: slot_id in scope.held


def _field_predicate(test: FieldTest) -> Predicate:
    check = _value_test(test.op, test.operand)
    direct = _direct_attribute(test.field)
    if direct is not None:
        # Fused read-and-check for plain attributes: the commonest test, one call fewer.
        namespace, key = direct
        if namespace == "account":
            holds: Predicate = lambda scope: check(scope.account.get(key))  # noqa: E731
        elif namespace == "contact":
            holds = lambda scope: check(scope.contact.get(key))  # noqa: E731
        else:
            holds = lambda scope: check(scope.facts.consent.get(key))  # noqa: E731
    else:
        read: PathReader = path_reader(test.field)
        holds = lambda scope: check(read(scope))  # noqa: E731
    if test.negate:
        return lambda scope: not holds(scope)
    return holds


def _direct_attribute(path: str) -> tuple[str, str] | None:
    """``account.industry`` → ("account", "industry"); None for derived or nested paths."""
    namespace, _, key = path.partition(".")
    if namespace not in ("account", "contact", "consent") or not key or "." in key:
        return None
    if namespace == "contact" and key in DERIVED_CONTACT_KEYS:
        return None
    return namespace, key


def _value_test(op: Op, operand: object) -> _ValueTest:
    if op is Op.EQUALS:
        return _in_test(frozenset({operand}))
    if op is Op.IN:
        if not isinstance(operand, frozenset | set | tuple | list):
            raise TypeError(f"'in' needs a set of values, got {operand!r}")
        return _in_test(frozenset(operand))
    if op is Op.RANGE:
        return _range_test(operand)
    if op is Op.REGEX:
        return _regex_test(operand)
    if op is Op.EXISTS:
        wanted = bool(operand)
        return lambda value: is_present(value) is wanted
    if op in (Op.AT_LEAST, Op.AT_MOST):
        return _order_test(op, operand)
    raise ValueError(f"unknown operator {op!r}")


def is_present(value: object) -> bool:
    """Present and non-empty: None, blank text and empty collections are absent."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return bool(value)
    return True


def _in_test(members: frozenset[object]) -> _ValueTest:
    # Split by kind: in Python True == 1, and a flag must not match the number one.
    texts = frozenset(str(m).casefold() for m in members if isinstance(m, str))
    numbers = frozenset(
        float(m) for m in members if isinstance(m, int | float) and not isinstance(m, bool)
    )
    flags = frozenset(m for m in members if isinstance(m, bool))
    # Answers for text values, remembered: industries, countries, titles and the
    # computed words (grades, lead types) recur across people, and a look-up costs a
    # fraction of normalising the text again. Bounded like routing.py's memo.
    answers: dict[str, bool] = {}

    def text_matches(value: str) -> bool:
        text = value.strip().casefold()
        if text in texts:
            return True
        if numbers and _number(text) in numbers:
            return True
        return bool(flags) and _flag(text) in flags

    def one(value: object) -> bool:
        if value is None:  # a missing fact, the commonest value of all
            return False
        if isinstance(value, str):  # then text: attributes are mostly text
            known = answers.get(value)
            if known is None:
                if len(answers) >= _MEMO_LIMIT:
                    answers.clear()
                known = answers[value] = text_matches(value)
            return known
        if isinstance(value, bool):
            return value in flags or (bool(texts) and str(value).casefold() in texts)
        if isinstance(value, int | float):
            return float(value) in numbers
        if isinstance(value, list | tuple | set | frozenset):
            return any(one(item) for item in value if item is not None)
        return isinstance(value, Enum) and str(value.value).casefold() in texts

    return one


def _range_test(operand: object) -> _ValueTest:
    if not isinstance(operand, tuple) or len(operand) != 2:
        raise TypeError(f"'range' needs (min, max), got {operand!r}")
    low, high = (None if bound is None else float(bound) for bound in operand)

    def within(value: object) -> bool:
        # Numbers as they are (the common case, no call); text and the rest via _number.
        number = value if type(value) is float or type(value) is int else _number(value)
        if number is None:
            return False
        return (low is None or number >= low) and (high is None or number <= high)

    return within


def _regex_test(operand: object) -> _ValueTest:
    pattern = operand if isinstance(operand, re.Pattern) else re.compile(str(operand), re.I)

    def matches(item: object) -> bool:
        return pattern.search(str(item)) is not None

    def test(value: object) -> bool:
        if value.__class__ is str:  # plain text: no list to look into
            return pattern.search(value) is not None
        return _any_item(value, matches)

    return test


def _order_test(op: Op, operand: object) -> _ValueTest:
    at_least = op is Op.AT_LEAST
    if isinstance(operand, _RANKED):
        ranks = _ranks(type(operand))
        bound = operand.rank

        def ranked(value: object) -> bool:
            rank = ranks.get(value) if isinstance(value, str) else None
            if rank is None:
                return False
            return rank >= bound if at_least else rank <= bound

        return ranked
    limit = _number(operand)
    if limit is None:
        raise TypeError(f"{op.value} needs an ordered value, got {operand!r}")
    return _range_test((limit, None) if at_least else (None, limit))


def _ranks(kind: type[_Ranked]) -> dict[str, int]:
    """Rank by member and by its word in any case: ``"b"`` reads as Grade.B.

    StrEnum members hash and compare as their value, so one dict serves both.
    """
    ranks: dict[str, int] = {}
    for member in kind:
        for word in (member.value, member.value.lower(), member.value.upper()):
            ranks[word] = member.rank
    return ranks


def _any_item(value: object, test: _ValueTest) -> bool:
    if value is None:
        return False
    if isinstance(value, list | tuple | set | frozenset):
        return any(test(item) for item in value if item is not None)
    return test(value)


def _number(value: object) -> float | None:
    """Numbers, and numeric text from CSV files; flags are not numbers."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return written_number(value)  # "25.000" as a German team means it (domain/numbers.py)
    return None


def _flag(text: str) -> bool | None:
    """A yes/no word as the imports read one: a custom column keeps "ja" as text."""
    return yes_no(text)
