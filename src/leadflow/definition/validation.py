"""Validate parsed YAML against the raw models, in words a definition's author reads.

Pydantic's messages are written for programmers ("Input should be a valid dictionary or
instance of FitSection"); these say what the file should contain instead, name the
value that was given, and suggest the nearest known key for a typo. Locations come
back as document key paths: the ``condition:`` tags pydantic adds for the condition
union and the ``[key]`` marker of dictionary keys are dropped.

So that one run reports as much as possible, a file with errors is validated again
without its failing top-level sections (required ones get placeholders): what remains
is still compiled, and the compiler's findings about the sound sections are reported
along with the validation errors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from leadflow.definition.days import days_meant
from leadflow.definition.errors import Loc, Problem
from leadflow.definition.hints import (
    CONDITION_SYNONYMS,
    action_hint,
    choice_hint,
    count_hint,
    engagement_hint,
    flag_hint,
    gate_recency_hint,
    glob_list_hint,
    grade_hint,
    key_synonym,
    labels_hint,
    language_hint,
    list_hint,
    named_list_hint,
    number_hint,
    operator_hint,
    operator_synonym,
    recency_hint,
    stage_id_hint,
    stage_text_hint,
    value_hint,
)
from leadflow.definition.json_schema import keys_at, known_keys
from leadflow.definition.raw import LANGUAGE_PATTERN, STAGE_ID_PATTERN, RawDefinition
from leadflow.definition.raw_condition import CONDITION_TAG_PREFIX, LEADING_KEYS

__all__ = ["Validated", "validate_raw"]

_TYPE_WORDS: dict[str, str] = {
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}

_MAPPING_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type"})
_NUMBER_TYPES = frozenset({"float_type", "float_parsing", "int_type", "int_parsing"})

_PATTERNS: dict[str, str] = {
    STAGE_ID_PATTERN: "lower-case letters, digits and _, starting with a letter",
    LANGUAGE_PATTERN: "a language code such as en, nl, de, fr, nb or pt-BR",
}

_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


@dataclass(frozen=True, slots=True)
class Validated:
    """The raw definition (None when nothing sound remains) and the problems found.

    ``failed`` names the top-level sections that had errors: whatever the compiler says
    about them is noise (they were replaced by defaults or placeholders).
    """

    raw: RawDefinition | None
    problems: list[Problem] = field(default_factory=list)
    failed: frozenset[str] = frozenset()


# Stand-ins for required sections that failed, so the rest can still be compiled.
_PLACEHOLDERS: dict[str, object] = {
    "schema_version": 1,
    "name": "-",
    "version": "-",
    "stages": [{"id": "placeholder"}],
}


def validate_raw(data: object) -> Validated:
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        message = f"the file is {what}; a definition is a mapping of keys (see schema)"
        return Validated(None, [Problem((), message)])
    try:
        return Validated(RawDefinition.model_validate(data))
    except ValidationError as error:
        problems = [_problem(detail) for detail in error.errors()]
    failed = frozenset(str(p.loc[0]) for p in problems if p.loc)
    return Validated(_salvage(data, failed), problems, failed)


def _salvage(data: dict[Any, Any], failed: frozenset[str]) -> RawDefinition | None:
    sound = {key: value for key, value in data.items() if key not in failed}
    for key, placeholder in _PLACEHOLDERS.items():
        if key in failed:
            sound[key] = placeholder
    try:
        return RawDefinition.model_validate(sound)
    except ValidationError:
        return None


def _problem(detail: ErrorDetails) -> Problem:
    if detail["type"] == "extra_forbidden" and _second_leading_key(detail["loc"]):
        loc = _document_loc(detail["loc"])
        return Problem(loc, _two_leading_keys(detail["loc"]))
    loc = _document_loc(detail["loc"])
    counted = (
        count_hint(detail["loc"], detail["input"]) if detail["type"] == "extra_forbidden" else None
    )
    if counted is not None:  # before a "did you mean" ('min' is no typo of 'in')
        return Problem(loc, f"unknown key {loc[-1]!r}; {counted}")
    meant = (
        operator_synonym(detail["loc"]) or key_synonym(loc)
        if detail["type"] == "extra_forbidden"
        else None
    )
    if meant is not None:
        return Problem(loc, f"unknown key {loc[-1]!r}; did you mean {meant!r}?")
    message = _message(detail, loc)
    hint = _hint(detail, loc)
    if hint is None or hint in message:  # "write 14" of a duration is said already
        return Problem(loc, message)
    return Problem(loc, f"{message}; {hint}")


def _hint(detail: ErrorDetails, loc: Loc) -> str | None:
    """The line to write, where a slip is a common one (hints.py)."""
    if detail["type"] == "extra_forbidden":
        if "did you mean" in _unknown_key(loc):
            return None  # a typo: the suggestion is the answer
        return (
            grade_hint(loc)
            or engagement_hint(loc, detail["input"])
            or recency_hint(loc)
            or gate_recency_hint(loc, detail["input"])
            or operator_hint(detail["loc"])
        )
    if detail["type"] == "list_type":
        return list_hint(loc, detail["input"]) or named_list_hint(loc, detail["input"])
    if detail["type"] in _NUMBER_TYPES:
        return number_hint(detail["input"], whole=detail["type"].startswith("int"))
    if detail["type"] in ("bool_type", "bool_parsing"):
        return flag_hint(detail["input"])
    if detail["type"] == "string_type":
        return glob_list_hint(loc, detail["input"])
    if detail["type"] in ("enum", "literal_error"):
        expected = str((detail.get("ctx") or {}).get("expected", ""))
        return choice_hint(loc, detail["input"], expected)
    if detail["type"] in _MAPPING_TYPES:
        hint = (
            action_hint(loc, detail["input"])
            or labels_hint(loc, detail["input"])
            or stage_text_hint(loc, detail["input"])
        )
        if hint is not None:
            return hint
    if (
        detail["type"] == "string_pattern_mismatch"
        and (detail.get("ctx") or {}).get("pattern") == STAGE_ID_PATTERN
    ):
        return stage_id_hint(loc, detail["input"])
    if (
        detail["type"] == "string_pattern_mismatch"
        and (detail.get("ctx") or {}).get("pattern") == LANGUAGE_PATTERN
    ):
        return language_hint(detail["input"])
    return value_hint(detail["loc"], detail["input"])


def _document_loc(raw: tuple[str | int, ...]) -> Loc:
    return tuple(
        part
        for part in raw
        if not (
            isinstance(part, str) and (part.startswith(CONDITION_TAG_PREFIX) or part == "[key]")
        )
    )


def _second_leading_key(raw: tuple[str | int, ...]) -> bool:
    """A condition's key that would lead a condition of its own: ``{field: .., event: ..}``."""
    if len(raw) < 2 or raw[-1] not in LEADING_KEYS:
        return False
    shape = raw[-2]
    return isinstance(shape, str) and shape.startswith(CONDITION_TAG_PREFIX)


def _two_leading_keys(raw: tuple[str | int, ...]) -> str:
    first = str(raw[-2]).removeprefix(CONDITION_TAG_PREFIX)
    return (
        f"a condition has one leading key, and this one has both {first} and {raw[-1]}; "
        f"to require both, list them under all: [{{{first}: ...}}, {{{raw[-1]}: ...}}]"
    )


def _message(detail: ErrorDetails, loc: Loc) -> str:
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "extra_forbidden":
        if len(loc) >= 2 and isinstance(loc[-2], int) and loc[-1] in LEADING_KEYS:
            # A rule or stage with its condition written beside ``when`` instead of in it.
            key = loc[-1]
            return f"unknown key {key!r}; a condition goes under when: (when: {{{key}: ...}})"
        return _unknown_key(loc)
    if kind == "missing":
        return "required key missing"
    if kind in _TYPE_WORDS:
        days = _days_written_as_duration(loc, detail["input"])
        if days is not None:
            return f"expected a number of days, got {_shown(detail['input'])}: write {days}"
        return f"expected {_TYPE_WORDS[kind]}, got {_shown(detail['input'])}"
    if loc == ("schema_version",):
        return f"this leadflow reads schema_version 1, got {_shown(detail['input'])}"
    if kind in ("enum", "literal_error"):
        return f"expected {ctx['expected']}, got {_shown(detail['input'])}"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"expected {wanted}, got {_shown(detail['input'])}"
    if kind == "condition_shape":
        return _shapeless(detail)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind in _BOUNDS:
        bound = ctx[_BOUNDS[kind][0]]
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"must be {_BOUNDS[kind][1]} {shown}, got {_shown(detail['input'])}"
    if kind == "finite_number":
        return f"expected a finite number, got {_shown(detail['input'])}"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    message = detail["msg"]
    return message[:1].lower() + message[1:]


def _days_written_as_duration(loc: Loc, given: object) -> str | None:
    """``half_life_days: 2w`` (a key that counts days, given a duration): the number meant."""
    if not (loc and isinstance(loc[-1], str) and loc[-1].endswith("_days")):
        return None
    return days_meant(given) if isinstance(given, str) else None


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1]) if loc else ""
    meant = _did_you_mean(key, keys_at(loc[:-1]))
    if not meant and len(loc) == 1:
        meant = _section_of(key)
    return f"unknown key {key!r}{meant}"


def _section_of(key: str) -> str:
    """For a top-level key that belongs to a section: a line that lost its indentation
    (``min_fit_grade`` written at the left margin under ``sales_ready:``)."""
    every_key = known_keys()
    sections = sorted(
        section
        for section in keys_at(())
        if (inside := keys_at((section,))) != every_key and key in inside
    )
    if not sections:
        return ""
    if len(sections) == 1:
        return f"; it belongs under {sections[0]}: indent it there"
    return f"; it belongs under one of {', '.join(sections)}: indent it under the one meant"


def _did_you_mean(key: str, candidates: frozenset[str] | tuple[str, ...]) -> str:
    others = sorted(candidate for candidate in candidates if candidate != key)
    close = difflib.get_close_matches(key, others, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _shapeless(detail: ErrorDetails) -> str:
    message = "a condition is a mapping with one of the keys field, event, all, any or not"
    given = detail["input"]
    if not isinstance(given, dict):
        return f"{message}, got {_shown(given)}"
    keys = [str(key) for key in given]
    synonyms = (CONDITION_SYNONYMS.get(key.casefold()) for key in keys)
    hints = (
        f"; did you mean {meant!r}?" if meant else _did_you_mean(key, LEADING_KEYS)
        for key, meant in zip(keys, synonyms, strict=True)
    )
    hint = next((h for h in hints if h), "")
    return f"{message} (found: {', '.join(keys) or 'none'}){hint}"
