"""The slots of a definition: every question the engine asks about events, compiled once.

Slots, in a fixed order (the order is part of the state fingerprint):

    engagement rules     one slot each (points, half-life, once)
    sales actions        one slot per matcher (count, last)
    assets               product-specific, then general (count)
    own actions          the lead-type own-action matcher (count)
    event tests          one slot per distinct EventTest in fit, BANT, gate and stages

Globs become compiled case-insensitive regexes here; routing.py then sends each event
to the slots that accept it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from leadflow.definition.model import (
    AssetsConfig,
    Condition,
    Definition,
    EventMatcher,
    EventTest,
    condition_leaves,
)
from leadflow.engine.activity import SECONDS_PER_DAY, PropertyTest, Slot, SlotKind
from leadflow.engine.routing import Route, routes_for

__all__ = ["SlotLayout", "definition_conditions", "event_tests", "glob_test"]

_ValueTest = Callable[[object], bool]


@dataclass(frozen=True, slots=True, eq=False)
class SlotLayout:
    slots: tuple[Slot, ...]
    routes: Mapping[str, Route]  # event type -> the slots its events may feed
    engagement: tuple[Slot, ...]  # in the order of definition.engagement.rules
    sales_actions: tuple[Slot, ...]
    product_assets: Slot
    general_assets: Slot
    own_actions: Slot
    tests: Mapping[EventTest, Slot]
    fingerprint: str

    @classmethod
    def for_definition(cls, definition: Definition) -> SlotLayout:
        builder = _Builder()
        engagement = tuple(
            builder.add(
                SlotKind.ENGAGEMENT,
                rule.matcher,
                points=rule.points,
                half_life_seconds=_seconds(rule.half_life_days),
                once=rule.once,
                keeps_last=rule.once,
            )
            for rule in definition.engagement.rules
        )
        sales = tuple(
            builder.add(SlotKind.MARK, m, keeps_last=True)
            for m in definition.sales_actions.matchers
        )
        product, general = builder.add_assets(definition.assets)
        own = builder.add(SlotKind.MARK, definition.lead_types.own_actions)
        tests = {test: builder.add_test(test) for test in event_tests(definition)}
        slots = tuple(builder.slots)
        return cls(
            slots=slots,
            routes=routes_for(slots),
            engagement=engagement,
            sales_actions=sales,
            product_assets=product,
            general_assets=general,
            own_actions=own,
            tests=tests,
            fingerprint=_fingerprint(definition, slots),
        )


class _Builder:
    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def add(
        self,
        kind: str,
        matcher: EventMatcher,
        *,
        points: float = 0.0,
        half_life_seconds: float | None = None,
        once: bool = False,
        within: timedelta | None = None,
        min_count: int = 1,
        keeps_last: bool = False,
    ) -> Slot:
        spec = (
            kind,
            sorted(matcher.types),
            [list(pair) for pair in matcher.where],
            points,
            half_life_seconds,
            once,
            None if within is None else within.total_seconds(),
            min_count,
        )
        slot = Slot(
            id=len(self.slots),
            kind=kind,
            types=matcher.types,
            accepts=_where_test(matcher.where),
            reads=tuple(key for key, _ in matcher.where),
            spec=tuple(spec),
            points=points,
            half_life_seconds=half_life_seconds,
            once=once,
            within=within,
            min_count=min_count,
            within_us=None if within is None else within // timedelta(microseconds=1),
            keeps_last=keeps_last,
            decays=kind == SlotKind.ENGAGEMENT and not once and half_life_seconds is not None,
        )
        self.slots.append(slot)
        return slot

    def add_test(self, test: EventTest) -> Slot:
        within = None if test.within_days is None else timedelta(days=test.within_days)
        return self.add(SlotKind.TEST, test.matcher, within=within, min_count=test.min_count)

    def add_assets(self, assets: AssetsConfig) -> tuple[Slot, Slot]:
        product = _any_glob(assets.product_specific)
        general = _any_glob(assets.general)
        key = assets.property

        def is_product(properties: Mapping[str, object]) -> bool:
            return product(properties.get(key))

        def is_general(properties: Mapping[str, object]) -> bool:
            # With no general list, any information event that is not product-specific
            # is general marketing content (an e-book, a video): the MQL type.
            value = properties.get(key)
            if product(value):
                return False
            return general(value) if assets.general else True

        slots = []
        for name, test, globs in (
            ("product", is_product, assets.product_specific),
            ("general", is_general, assets.general),
        ):
            slot = Slot(
                id=len(self.slots),
                kind=SlotKind.MARK,
                types=assets.events,
                accepts=test,
                reads=(key,),
                spec=("asset", name, sorted(assets.events), key, list(globs)),
            )
            self.slots.append(slot)
            slots.append(slot)
        return slots[0], slots[1]


def glob_test(pattern: str) -> re.Pattern[str]:
    """A shell glob as a case-insensitive regex matching the whole value."""
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE)


def _any_glob(patterns: tuple[str, ...]) -> _ValueTest:
    """Whether a property value matches any of the globs (routing.py remembers answers)."""
    compiled = tuple(glob_test(pattern) for pattern in patterns)

    def test(value: object) -> bool:
        return any(pattern.match(text) for text in _texts(value) for pattern in compiled)

    return test


def _where_test(where: tuple[tuple[str, str], ...]) -> PropertyTest | None:
    if not where:
        return None
    if len(where) == 1:
        ((key, pattern),) = where
        single = _any_glob((pattern,))
        return lambda properties: single(properties.get(key))
    clauses = tuple((key, _any_glob((pattern,))) for key, pattern in where)

    def accepts(properties: Mapping[str, object]) -> bool:
        return all(test(properties.get(key)) for key, test in clauses)

    return accepts


def _texts(value: object) -> tuple[str, ...]:
    """The text(s) a glob is matched against; a list property matches when any item does."""
    if value is None:
        return ()
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(str(item) for item in value if item is not None)
    return (str(value),)


def _seconds(days: float | None) -> float | None:
    return None if days is None else days * SECONDS_PER_DAY


def definition_conditions(definition: Definition) -> list[Condition]:
    """Every condition of the definition: fit, BANT, the sales-ready gate and the stages."""
    conditions: list[Condition] = [rule.condition for rule in definition.fit.rules]
    for rules in definition.bant.rules.values():
        conditions.extend(rule.condition for rule in rules)
    if definition.sales_ready.condition is not None:
        conditions.append(definition.sales_ready.condition)
    conditions.extend(stage.condition for stage in definition.stages)
    return conditions


def event_tests(definition: Definition) -> tuple[EventTest, ...]:
    """Every distinct EventTest the definition's conditions contain, in a stable order."""
    found: dict[EventTest, None] = {}
    for condition in definition_conditions(definition):
        for test in _walk(condition):
            found.setdefault(test, None)
    return tuple(found)


def _walk(condition: Condition) -> Iterator[EventTest]:
    return (test for test in condition_leaves(condition) if isinstance(test, EventTest))


def _fingerprint(definition: Definition, slots: tuple[Slot, ...]) -> str:
    """Identifies the layout a state was folded for; any change means: rebuild the state."""
    payload = [definition.name, definition.version, [list(slot.spec) for slot in slots]]
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
