"""Validate parsed YAML against the raw models, in words a definition's author reads.

Pydantic's messages are written for programmers ("Input should be a valid dictionary or
instance of FitSection"); these say what the file should contain instead, name the
value that was given, and suggest the nearest known key for a typo. Locations come
back as document key paths: the ``condition:`` tags pydantic adds for the condition
union and the ``[key]`` marker of dictionary keys are dropped.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from leadflow.definition.errors import CompileError, Loc, Problem
from leadflow.definition.json_schema import known_keys
from leadflow.definition.raw import RawDefinition
from leadflow.definition.raw_condition import CONDITION_TAG_PREFIX

__all__ = ["validate_raw"]

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

_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def validate_raw(data: object) -> RawDefinition:
    """The raw definition, or a CompileError with one Problem per validation error."""
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        raise CompileError(
            [Problem((), f"the file is {what}; a definition is a mapping of keys (see schema)")]
        )
    try:
        return RawDefinition.model_validate(data)
    except ValidationError as error:
        raise CompileError([_problem(detail) for detail in error.errors()]) from None


def _problem(detail: ErrorDetails) -> Problem:
    loc = tuple(
        part
        for part in detail["loc"]
        if not (
            isinstance(part, str) and (part.startswith(CONDITION_TAG_PREFIX) or part == "[key]")
        )
    )
    return Problem(loc, _message(detail, loc))


def _message(detail: ErrorDetails, loc: Loc) -> str:
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return "required key missing"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_shown(detail['input'])}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind in _BOUNDS:
        bound = ctx[_BOUNDS[kind][0]]
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"must be {_BOUNDS[kind][1]} {shown}, got {_shown(detail['input'])}"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    message = detail["msg"]
    return message[:1].lower() + message[1:]


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
    close = difflib.get_close_matches(key, sorted(known_keys()), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r}{hint}"
