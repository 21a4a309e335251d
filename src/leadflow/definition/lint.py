"""Warnings about a definition that loads but does not do what its authors meant.

A definition can be well-formed and still hand nobody to sales: the gate asks for a
fit grade the fit rules can never give (grade A from rules worth 40 points together,
or any grade above D with no fit rules at all, whose every score is 0). And any event
type is allowed (``feature_used`` for product events), so ``demo_requested`` for the
standard ``demo_request`` is a rule that silently never scores; so is
``account.country`` compared with ``Deutschland`` or ``UK``, where every way in stores
the ISO code (``DE``, ``GB``); so is ``where: {url: /pricing}``, a glob matching the
whole value where the website snippet stores whole URLs. Refusing such files
would break the sketches written without fit rules (a stage-only file, a test) and the
custom types a team really sends, so ``leadflow definition validate`` prints these as
warnings instead.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from leadflow.definition.errors import Loc
from leadflow.definition.model import Definition, EventMatcher, EventTest, condition_leaves
from leadflow.definition.places import reader_places
from leadflow.definition.reads import conditions, data_reads
from leadflow.domain.attempt_words import said_as
from leadflow.domain.keys import snake_case
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES, ConversationOutcome
from leadflow.ingest.countries import COUNTRY_PATHS, country_code
from leadflow.ingest.values import channel

__all__ = ["DefinitionWarning", "definition_warnings"]


@dataclass(frozen=True, slots=True)
class DefinitionWarning:
    """A finding at a key path (``sales_ready.min_fit_grade``), printed as ``path: message``;
    ``loc`` is the document key path of what it is about, for finding its line."""

    path: str
    message: str
    loc: Loc = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def definition_warnings(definition: Definition) -> tuple[DefinitionWarning, ...]:
    """Everything known for certain to keep the definition from working, in file order."""
    gate = _unreachable_gate(definition)
    open_gate = _gate_asking_for_nothing(definition)
    found = (
        *([] if gate is None else [gate]),
        *([] if open_gate is None else [open_gate]),
        *_near_standard_types(definition),
        *_keys_never_stored(definition),
        *_countries_by_name(definition),
        *_channels_as_exported(definition),
        *_bare_urls(definition),
        *_outcomes_never_recorded(definition),
    )
    places = reader_places(definition)
    return tuple(replace(w, loc=places.get(w.path, ())) for w in found)


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


def _gate_asking_for_nothing(definition: Definition) -> DefinitionWarning | None:
    """``require_sales_action: false`` with nothing in its place: every fitting contact is
    handed to sales as soon as it is known, though the hand-off is meant for people who
    did something (a product-led team puts the usage in ``when``, and left it out)."""
    gate = definition.sales_ready
    if gate.require_sales_action or gate.condition is not None or gate.min_engagement is not None:
        return None
    message = (
        f"every contact of fit grade {gate.min_fit_grade.value} or better is sales-ready"
        " without having done anything: no sales action is required, and the gate has no"
        " when and no min_engagement; put the signal that should open the gate (usage, a"
        " request) in sales_ready.when, or require the sales action"
    )
    return DefinitionWarning("sales_ready.require_sales_action", message)


# How alike a custom type and a standard one must be to look like a misspelling:
# demo_requested/demo_request 0.92, webinar_attended/webinar_attendance 0.82,
# page_visit/page_view 0.63 (a team's own word, left alone).
_CLOSE = 0.8


def _near_standard_types(definition: Definition) -> list[DefinitionWarning]:
    """A type that is not standard but reads like one, for each place naming it."""
    warnings: list[DefinitionWarning] = []
    for kind, readers in sorted(_named_types(definition).items()):
        if kind in STANDARD_EVENT_TYPES:
            continue
        close = difflib.get_close_matches(kind, STANDARD_EVENT_TYPES, n=1, cutoff=_CLOSE)
        if close:
            message = (
                f"event type {kind!r} is not a standard type; did you mean {close[0]!r}?"
                " (a custom type scores only events sent with exactly that type)"
            )
            warnings.extend(DefinitionWarning(reader, message) for reader in readers)
    return warnings


def _named_types(definition: Definition) -> dict[str, list[str]]:
    """Every event type the definition names, with the places naming it."""
    named: dict[str, list[str]] = {
        read.type: list(read.read_by) for read in data_reads(definition).event_types
    }
    places: list[tuple[str, EventMatcher]] = [
        *(("sales_actions", matcher) for matcher in definition.sales_actions.matchers),
        ("lead_types.own_actions", definition.lead_types.own_actions),
    ]
    places += [("assets.events", EventMatcher(definition.assets.events))]
    for place, matcher in places:
        for kind in matcher.types:
            if place not in named.setdefault(kind, []):
                named[kind].append(place)
    return named


def _keys_never_stored(definition: Definition) -> list[DefinitionWarning]:
    """An attribute path whose key no import writes: imports store a custom column under
    the snake_case of its header (``Title`` -> ``title``), so ``contact.Title`` matches only
    an attribute the API sent with exactly that key, and reads as a typo that never holds."""
    warnings: list[DefinitionWarning] = []
    for read in data_reads(definition).fields:
        namespace, _, key = read.path.partition(".")
        if namespace not in ("contact", "account"):
            continue
        stored = ".".join(snake_case(part) for part in key.split("."))
        if stored and stored != key:
            message = (
                f"{read.path} is not a key imports store (they store the column {key} as"
                f" {stored}); write {namespace}.{stored}, unless the API sends exactly this key"
            )
            warnings.extend(DefinitionWarning(reader, message) for reader in read.read_by)
    return warnings


def _countries_by_name(definition: Definition) -> list[DefinitionWarning]:
    """A country compared by its name (``Deutschland``, ``UK``) or by a region (``DACH``):
    countries are stored as ISO 3166 codes (``DE``), so the value never matches."""
    warnings: list[DefinitionWarning] = []
    for read in data_reads(definition).fields:
        if read.path not in COUNTRY_PATHS:
            continue
        for value in read.values:
            message = _country_message(read.path, value.value)
            if message is not None:
                warnings.extend(DefinitionWarning(reader, message) for reader in value.read_by)
    return warnings


def _country_message(path: str, written: str) -> str | None:
    code = country_code(written)
    if code is not None and code.casefold() == written.strip().casefold():
        return None  # the code itself, in any case (comparisons ignore case)
    lead = f"{path} holds ISO codes, so {written!r} never matches"
    if code is None:
        return f"{lead} (it is not a country name or code); list the countries' codes (DE, NL ...)"
    return f"{lead} (a country is stored as its code); write {code}"


def _channels_as_exported(definition: Definition) -> list[DefinitionWarning]:
    """``source.channel`` compared with a CRM's word for a channel (Salesforce's 'Partner
    Referral', 'Trade Show'): imports store leadflow's word (referral, events), so the
    value never matches an imported contact. A word leadflow keeps as written
    (``Kaltakquise`` is stored as ``kaltakquise``) is left alone, and so is any case
    (comparisons ignore it)."""
    warnings: list[DefinitionWarning] = []
    for read in data_reads(definition).fields:
        if read.path != "source.channel":
            continue
        for value in read.values:
            stored = channel(value.value)
            if stored.casefold() == value.value.strip().casefold():
                continue
            message = (
                f"imports store the channel {value.value!r} as {stored!r}, so it never"
                f" matches an imported contact; write {stored}, unless the API sends"
                " exactly this text"
            )
            warnings.extend(DefinitionWarning(reader, message) for reader in value.read_by)
    return warnings


def _bare_urls(definition: Definition) -> list[DefinitionWarning]:
    """A ``url`` glob without a wildcard: globs match the whole value (engine/layout.py),
    and the website snippet stores the whole address (``https://site/pricing?x=1``), so
    ``/pricing`` never matches a tracked page. Only a warning: events posted over the
    API may carry exactly the path."""
    warnings: list[DefinitionWarning] = []
    for reader, matcher in _matchers(definition):
        for key, pattern in matcher.where:
            if key == "url" and not any(sign in pattern for sign in "*?["):
                message = (
                    f"url pattern {pattern!r} matches only a url that is exactly this text,"
                    " and the website snippet sends whole urls (https://site/path?query);"
                    f" write {_url_glob(pattern)!r}, unless your events carry exactly this text"
                )
                warnings.append(DefinitionWarning(reader, message))
    return warnings


def _url_glob(pattern: str) -> str:
    """A whole address needs only its query left open; a path or word, its host too."""
    return f"{pattern}*" if "://" in pattern else f"*{pattern}*"


def _matchers(definition: Definition) -> list[tuple[str, EventMatcher]]:
    """Every event matcher, with the words naming its place."""
    found = [
        (reader, test.matcher)
        for reader, condition in conditions(definition)
        for test in condition_leaves(condition)
        if isinstance(test, EventTest)
    ]
    found += [(f"engagement rule {r.name!r}", r.matcher) for r in definition.engagement.rules]
    found += [("sales_actions", matcher) for matcher in definition.sales_actions.matchers]
    found.append(("lead_types.own_actions", definition.lead_types.own_actions))
    return found


def _outcomes_never_recorded(definition: Definition) -> list[DefinitionWarning]:
    """An SQL outcome no conversation can have: the command line, the API and the
    activity imports record a conversation as interested, not_interested or no_decision
    (an import reads a rep's ``Interessiert`` as interested), so ``meeting_planned``
    loads and never makes an SQL. Only a warning: a facts document may carry any word."""
    recorded = [outcome.value for outcome in ConversationOutcome]
    warnings: list[DefinitionWarning] = []
    for written in sorted(definition.lead_types.sql_outcomes):
        if written in recorded:
            continue
        meant = said_as(ConversationOutcome, written)
        close = difflib.get_close_matches(written, recorded, n=1, cutoff=_CLOSE)
        suggestion = meant.value if meant is not None else (close[0] if close else None)
        message = (
            f"conversation outcome {written!r} is never recorded: conversations are logged"
            f" and imported as {', '.join(recorded[:-1])} or {recorded[-1]}, so it never"
            " makes an SQL"
        )
        if suggestion is not None:
            message += f"; did you mean {suggestion!r}?"
        warnings.append(DefinitionWarning("lead_types.sql_outcomes", message))
    return warnings
