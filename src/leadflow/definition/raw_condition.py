"""The condition syntax a team writes in YAML, before compilation.

A condition is a mapping whose leading key says what it is:

    {field: account.industry, in: [software, fintech]}      a test on one fact
    {event: [demo_request], within_days: 30, where: {...}}  something the person did
    {all: [...]} / {any: [...]} / {not: {...}}              combinations

Which key leads is decided before validation (a callable discriminator), so an error
names the key that is wrong instead of listing every shape a condition could take.
Pydantic marks the chosen shape in the error location with a ``condition:`` tag; the
loader drops those tags (``CONDITION_TAG_PREFIX``) when it points at a line.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leadflow.domain.vocabulary import EVENT_TYPE_PATTERN, event_type_problem

__all__ = [
    "CONDITION_TAG_PREFIX",
    "FIELD_OPERATORS",
    "LEADING_KEYS",
    "AllCondition",
    "AnyCondition",
    "EventCondition",
    "EventTypes",
    "FieldCondition",
    "NotCondition",
    "Number",
    "RawCondition",
    "Scalar",
    "ValueRange",
    "WherePatterns",
    "WholeNumber",
]

CONDITION_TAG_PREFIX = "condition:"

# Operator keys of a field test, in the order the docs present them.
FIELD_OPERATORS: tuple[str, ...] = (
    "equals",
    "in",
    "range",
    "regex",
    "exists",
    "at_least",
    "at_most",
)


def _scalar(value: object) -> object:
    # One check instead of a str | float | bool union, whose errors would be reported
    # once per member ("should be a valid string", "... number", "... boolean").
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError(
            "finite_number", "expected a finite number, got {given}", {"given": repr(value)}
        )
    if isinstance(value, str | int | float | bool):
        return value
    raise ValueError("expected a single value (text, number, true or false)")


Scalar = Annotated[
    object,
    BeforeValidator(_scalar),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]


# Numbers as the file writes them: YAML's `points: "10"` is text, and pydantic's lax mode
# would read it as 10; a value quoted (or filled in by a template) where a number is meant
# is refused like any other text, with the key's path and line. An int is a number; true
# and false are not.
Number = Annotated[float, Strict()]
WholeNumber = Annotated[int, Strict()]
# true or false as YAML writes them: "yes" in quotes, or 1, is a slip to point out.
Flag = Annotated[bool, Strict()]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _event_type(text: str) -> str:
    problem = event_type_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


_EVENT_TYPE_SCHEMA = {"type": "string", "pattern": EVENT_TYPE_PATTERN}

EventTypes = Annotated[
    list[Annotated[str, AfterValidator(_event_type)]],
    BeforeValidator(_one_or_many),
    Field(min_length=1),
    WithJsonSchema(
        {
            "anyOf": [
                _EVENT_TYPE_SCHEMA,
                {"type": "array", "items": _EVENT_TYPE_SCHEMA, "minItems": 1},
            ]
        }
    ),
]

WherePatterns = Annotated[
    dict[str, str],
    Field(
        description=(
            "Event property -> case-insensitive shell glob (`*`, `?`, `[...]`), e.g. "
            '`url: "*/pricing*"`, `asset: "*spec-sheet*"`, `form: "contact-*"`. Every '
            "pattern must match; an event without the property does not match."
        )
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ValueRange(_Strict):
    """Inclusive bounds; give ``min``, ``max`` or both."""

    min: Number | None = Field(default=None, description="Lowest value that matches (inclusive).")
    max: Number | None = Field(default=None, description="Highest value that matches (inclusive).")

    @model_validator(mode="after")
    def _bounds(self) -> ValueRange:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is greater than max {self.max:g}")
        return self


class FieldCondition(_Strict):
    """A test on one fact: ``field`` names it, exactly one operator key tests it."""

    field: str = Field(
        min_length=1,
        description=(
            "Fact path: `contact.<attr>`, `account.<attr>`, `source.<key>`, "
            "`consent.<channel>` or a derived path such as `fit.grade` (see Fact paths)."
        ),
    )
    equals: Scalar | None = Field(
        default=None, description="Matches when the fact equals this value (text ignores case)."
    )
    in_: list[Scalar] | None = Field(
        default=None,
        alias="in",
        min_length=1,
        description="Matches when the fact is one of these values (text ignores case).",
    )
    range: ValueRange | None = Field(
        default=None, description="Matches a number between `min` and `max`, inclusive."
    )
    regex: str | None = Field(
        default=None,
        description="Python regular expression searched in the text, ignoring case.",
    )
    exists: Flag | None = Field(
        default=None,
        description="`true`: the fact is present and not empty; `false`: it is absent or empty.",
    )
    at_least: Scalar | None = Field(
        default=None,
        description=(
            "Matches an ordered value at or above this one: a grade (`A`-`D`), identity, "
            "temperature, lead type, or a number."
        ),
    )
    at_most: Scalar | None = Field(
        default=None, description="Matches an ordered value at or below this one."
    )
    negate: Flag = Field(default=False, description="Invert the result of the test.")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            _no_control_characters(pattern)
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"invalid regular expression: {error}") from None
        return pattern

    @model_validator(mode="after")
    def _one_operator(self) -> FieldCondition:
        given = self.operators()
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"a field test needs exactly one of {', '.join(FIELD_OPERATORS)} (found: {found})"
            )
        return self

    def operators(self) -> list[str]:
        """The operator keys given, by their YAML names."""
        values = {key: getattr(self, "in_" if key == "in" else key) for key in FIELD_OPERATORS}
        return [key for key, value in values.items() if value is not None]


# YAML's double-quoted escapes that a regex author means as regex escapes: "\bceo\b"
# reaches the regex as backspaces, which no title contains, so it silently never matches.
_YAML_ESCAPES: dict[str, tuple[str, str]] = {
    "\b": ("\\b", "a backspace"),
    "\t": ("\\t", "a tab"),
    "\f": ("\\f", "a form feed"),
    "\v": ("\\v", "a vertical tab"),
    "\a": ("\\a", "a bell character"),
    "\0": ("\\0", "a null character"),
}


def _no_control_characters(pattern: str) -> None:
    found = next((char for char in pattern if char in _YAML_ESCAPES), None)
    if found is None:
        return
    escape, name = _YAML_ESCAPES[found]
    meant = "".join(_YAML_ESCAPES[c][0] if c in _YAML_ESCAPES else c for c in pattern)
    doubled = meant.replace("\\", "\\\\")
    raise ValueError(
        f"the regex holds {name}: in double quotes YAML reads {escape} as {name}; write "
        f"it in single quotes ({_quoted(meant, chr(39))}) or double each backslash "
        f"({_quoted(doubled, chr(34))})"
    )


def _quoted(text: str, quote: str) -> str:
    return f"{quote}{text}{quote}"


class EventCondition(_Strict):
    """Something the person did: at least ``min_count`` matching events, recently enough."""

    event: EventTypes = Field(description="Event type, or a list of event types, that match.")
    where: WherePatterns = Field(default_factory=dict)
    within_days: Number | None = Field(
        default=None, gt=0, description="Only events at most this many days old; omit for ever."
    )
    min_count: WholeNumber = Field(
        default=1, ge=1, description="How many matching events are needed."
    )
    negate: Flag = Field(default=False, description="Invert the result of the test.")


class AllCondition(_Strict):
    all_: list[RawCondition] = Field(
        alias="all", min_length=1, description="Holds when every listed condition holds."
    )


class AnyCondition(_Strict):
    any_: list[RawCondition] = Field(
        alias="any", min_length=1, description="Holds when at least one listed condition holds."
    )


class NotCondition(_Strict):
    not_: RawCondition = Field(alias="not", description="Holds when the condition does not.")


# The key that says which kind of condition a mapping is, in the order they are tried.
LEADING_KEYS: tuple[str, ...] = ("field", "event", "all", "any", "not")


def _shape(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in LEADING_KEYS:
            if key in value:
                return CONDITION_TAG_PREFIX + key
    return None


RawCondition = Annotated[
    Annotated[FieldCondition, Tag(CONDITION_TAG_PREFIX + "field")]
    | Annotated[EventCondition, Tag(CONDITION_TAG_PREFIX + "event")]
    | Annotated[AllCondition, Tag(CONDITION_TAG_PREFIX + "all")]
    | Annotated[AnyCondition, Tag(CONDITION_TAG_PREFIX + "any")]
    | Annotated[NotCondition, Tag(CONDITION_TAG_PREFIX + "not")],
    Discriminator(
        _shape,
        custom_error_type="condition_shape",
        custom_error_message=(
            "a condition is a mapping with one of the keys field, event, all, any or not"
        ),
    ),
]

AllCondition.model_rebuild()
AnyCondition.model_rebuild()
NotCondition.model_rebuild()
