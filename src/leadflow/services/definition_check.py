"""``leadflow definition check``: a definition held against the data a workspace holds.

A definition can be valid and still disagree with the data: it reads ``contact.job_title``
where the imports filled ``title``, compares ``account.industry`` with ``Software`` where
the accounts say ``Computer Software``, scores ``demo_requested`` events where the
website sends ``demo_request``. Such rules silently never hold. The check lists:

    fields        each path the definition reads (definition/reads.py) and how many
                  contacts hold a value; none is a warning, with the closest fields held
    values        each text a condition compares a field with that no contact holds
                  (a warning, with the closest values held and their counts), or holds
                  only in another case (a note: text comparisons ignore case)
    event types   each type a rule names that no stored event has (a warning, with the
                  closest types seen)
    rules         per fit and BANT rule the contacts it holds for, per engagement rule
                  the events (and contacts) it matches; zero is a warning

Contacts are read once into the batch frames (batch/store.py: every attribute, and
only the events of the types fit and BANT rules test); events are counted in SQL
(event_counts.py). Nothing is written. Closeness is rapidfuzz's weighted ratio on the
words, ties in the order of the counts, so a run is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection

from leadflow.batch.profile import condition_counts, filled_counts, value_counts
from leadflow.batch.store import StoreFrames, read_store
from leadflow.definition.describe import summarize
from leadflow.definition.model import Condition, Definition, EventTest, condition_leaves
from leadflow.definition.reads import (
    DataReads,
    EventTypeRead,
    FieldRead,
    data_reads,
    stored_path,
)
from leadflow.engine.plan import plan_for
from leadflow.services.event_counts import EventCount, EventCounter

__all__ = [
    "Close",
    "DefinitionCheck",
    "EventTypeFinding",
    "FieldFinding",
    "RuleCount",
    "ValueFinding",
    "check_definition",
    "event_type_finding",
    "field_finding",
    "value_findings",
]

_CLOSEST = 3
# rapidfuzz WRatio: "title" for "job_title" scores 90, "Software" in "Computer Software"
# 90, "demo_requested" for "demo_request" 92; but "energy" for "industrial machinery"
# scores 72 and "name" for "timeframe" 77 (a few shared letters), which read as typos.
_CUTOFF = 80.0


@dataclass(frozen=True, slots=True)
class Close:
    """A name held in the store, and how many contacts (or events) hold it."""

    name: str
    count: int


@dataclass(frozen=True, slots=True)
class FieldFinding:
    path: str
    read_by: tuple[str, ...]
    contacts: int  # contacts with a value
    close: tuple[Close, ...] = ()  # fields held, when none has a value

    @property
    def warning(self) -> bool:
        return self.contacts == 0


@dataclass(frozen=True, slots=True)
class ValueFinding:
    """A compared text no contact holds (``contacts`` 0), or holds in another case only
    (``spelled``: the stored spellings)."""

    path: str
    value: str
    read_by: tuple[str, ...]
    contacts: int
    spelled: tuple[Close, ...] = ()
    close: tuple[Close, ...] = ()
    # Every rule comparing with it also names a value of the field that is held: one of a
    # list of allowed values (markets, industries) the workspace has none of yet.
    beside_held: bool = False

    @property
    def warning(self) -> bool:
        """No contact holds it, and either something held is close (a misspelling?) or
        no rule naming it names anything held (the rule can never hold on this data)."""
        return self.contacts == 0 and (bool(self.close) or not self.beside_held)


@dataclass(frozen=True, slots=True)
class EventTypeFinding:
    type: str
    read_by: tuple[str, ...]
    events: int
    contacts: int
    close: tuple[Close, ...] = ()

    @property
    def warning(self) -> bool:
        return self.events == 0


@dataclass(frozen=True, slots=True)
class RuleCount:
    """``section``: fit, bant (``name`` then reads ``budget: rule``) or engagement; the
    contacts it holds for (None: not counted), and for engagement the events it matches."""

    section: str
    name: str
    contacts: int | None
    events: int | None = None

    @property
    def warning(self) -> bool:
        return self.contacts == 0 or self.events == 0


_Finding = FieldFinding | ValueFinding | EventTypeFinding | RuleCount


@dataclass(frozen=True, slots=True)
class DefinitionCheck:
    definition: str  # ``acme-funnel v3, 5 stages, ...``
    at: datetime
    contacts: int
    events: int
    fields: tuple[FieldFinding, ...]
    values: tuple[ValueFinding, ...]
    event_types: tuple[EventTypeFinding, ...]
    rules: tuple[RuleCount, ...]

    @property
    def warnings(self) -> int:
        groups: tuple[tuple[_Finding, ...], ...] = (
            self.fields,
            self.values,
            self.event_types,
            self.rules,
        )
        return sum(finding.warning for group in groups for finding in group)


def check_definition(
    connection: Connection, definition: Definition, now: datetime
) -> DefinitionCheck:
    """Check ``definition`` against the workspace behind ``connection`` as of ``now``."""
    reads = data_reads(definition)
    frames = read_store(connection, as_of=now, event_types=_types_tested(definition))
    filled = filled_counts(frames.contacts)
    counter = EventCounter(connection)
    by_type = counter.by_type
    return DefinitionCheck(
        definition=summarize(definition),
        at=now,
        contacts=frames.contacts.size,
        events=sum(count.events for count in by_type.values()),
        fields=tuple(field_finding(read, filled) for read in reads.fields),
        values=tuple(_values(reads, frames, filled)),
        event_types=tuple(event_type_finding(read, by_type) for read in reads.event_types),
        rules=(
            *_attribute_rules(definition, frames, now),
            *_engagement_rules(counter, definition),
        ),
    )


def _types_tested(definition: Definition) -> frozenset[str]:
    """The event types of the event tests in fit and BANT rules (the rules counted here)."""
    conditions = [rule.condition for rule in definition.fit.rules] + [
        rule.condition for rules in definition.bant.rules.values() for rule in rules
    ]
    return frozenset(
        kind
        for condition in conditions
        for test in condition_leaves(condition)
        if isinstance(test, EventTest)
        for kind in test.matcher.types
    )


def field_finding(read: FieldRead, filled: Mapping[str, int]) -> FieldFinding:
    """``filled``: the contacts holding a value, per path (``batch.profile.filled_counts``)."""
    contacts = filled.get(stored_path(read.path), 0)
    if contacts:
        return FieldFinding(read.path, read.read_by, contacts)
    key = read.path.partition(".")[2]
    held = {
        path: count
        for path, count in filled.items()
        if count and path != read.path and path.partition(".")[0] in ("contact", "account")
    }
    # Compared by key, so that account.country finds contact.country as well as a typo.
    return FieldFinding(
        read.path, read.read_by, 0, _closest(key, held, lambda p: p.partition(".")[2])
    )


def _values(
    reads: DataReads, frames: StoreFrames, filled: Mapping[str, int]
) -> Iterable[ValueFinding]:
    for read in reads.fields:
        if not read.values or not filled.get(read.path):
            continue  # a field nobody holds is reported once, as a field
        yield from value_findings(read, value_counts(frames.contacts.attribute(read.path)))


def value_findings(read: FieldRead, held: Mapping[str, int]) -> Iterator[ValueFinding]:
    """The values of ``read`` that no contact holds as written; ``held``: the contacts
    per stored value of the field (``batch.profile.value_counts``)."""
    folded: dict[str, dict[str, int]] = {}
    for stored, count in held.items():
        folded.setdefault(stored.casefold(), {})[stored] = count
    holding = {
        rule for word in read.values if word.value.casefold() in folded for rule in word.read_by
    }  # the rules naming at least one value of this field that some contact holds
    for word in read.values:
        value, read_by = word.value, word.read_by
        spellings = folded.get(value.casefold(), {})
        if value in spellings:
            continue
        if spellings:  # a match all the same: text comparisons ignore case
            spelled = tuple(Close(name, count) for name, count in _by_count(spellings))
            yield ValueFinding(read.path, value, read_by, sum(spellings.values()), spelled)
        else:
            close = _closest(value, held, lambda name: name)
            beside = all(rule in holding for rule in read_by)
            yield ValueFinding(read.path, value, read_by, 0, close=close, beside_held=beside)


def event_type_finding(read: EventTypeRead, by_type: Mapping[str, EventCount]) -> EventTypeFinding:
    """``by_type``: the stored events per type (``event_counts.type_counts``)."""
    kind, read_by = read.type, read.read_by
    count = by_type.get(kind)
    if count is not None and count.events:
        return EventTypeFinding(kind, read_by, count.events, count.contacts or 0)
    seen = {name: found.events for name, found in by_type.items() if found.events}
    return EventTypeFinding(kind, read_by, 0, 0, _closest(kind, seen, lambda name: name))


def _attribute_rules(definition: Definition, frames: StoreFrames, now: datetime) -> list[RuleCount]:
    named: list[tuple[str, str, Condition]] = [
        ("fit", rule.name, rule.condition) for rule in definition.fit.rules
    ]
    for criterion, rules in definition.bant.rules.items():
        named.extend(("bant", f"{criterion}: {rule.name}", rule.condition) for rule in rules)
    counts = condition_counts(
        definition, frames.contacts, frames.events, now, [condition for *_, condition in named]
    )
    return [
        RuleCount(section, name, count)
        for (section, name, _), count in zip(named, counts, strict=True)
    ]


def _engagement_rules(counter: EventCounter, definition: Definition) -> list[RuleCount]:
    counted = []
    for rule, slot in plan_for(definition).engagement:
        found = counter.matched(rule.matcher, slot.accepts)
        counted.append(RuleCount("engagement", rule.name, found.contacts, found.events))
    return counted


def _closest(word: str, held: Mapping[str, int], key: Callable[[str], str]) -> tuple[Close, ...]:
    ordered = _by_count(held)
    found = process.extract(
        word,
        [key(name) for name, _ in ordered],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=_CLOSEST,
        score_cutoff=_CUTOFF,
    )
    return tuple(Close(*ordered[index]) for _, _, index in found)


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Most held first, then by name: the order ties are broken in."""
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
