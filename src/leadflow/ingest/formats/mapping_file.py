"""A mapping file (``--mapping MAP.yaml``): how to read a CSV no built-in format knows.

    format: hubspot            # optional: start from a built-in format and adjust it
    name: tradeshow-2025       # optional: namespace of the external ids ("name:<id>")
    columns:                   # header -> field (see docs/importing.md), or ignore
      E-mailadres: email
      Voornaam: first_name
      Land: country
      Notities: ignore
    values:                    # field -> {value in the file: leadflow's value}
      email_consent: {ja: granted, nee: withdrawn}
      lifecycle_stage: {Klant: customer}
    defaults:                  # field -> value when the row has none
      channel: events
      utm_campaign: tradeshow-2025
    unknown_columns: attributes   # attributes (default) | ignore | reject
    day_first: true            # how to read 03/04/2025 (default: from the region)
    time_zone: Europe/Amsterdam   # zone of times written without an offset (UTC)
    default_region: NL         # for national phone numbers (else --default-region)
    empty_words: ["null", "n/a"]  # cells meaning "no value" (a format's own are kept)

``utm_source``, ``utm_medium`` and ``utm_campaign`` columns are read as in every
format, unless ``columns`` says otherwise. The raw YAML is validated with pydantic
(unknown keys refused) and compiled into a ``Layout``; every error names the file and
the key, with a suggestion for typos.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from leadflow.ingest.countries import fold
from leadflow.ingest.fields import CONSENT_STATUSES, FIELDS, Kind
from leadflow.ingest.formats import FORMATS
from leadflow.ingest.formats.layout import (
    IGNORE,
    UTM_COLUMNS,
    Layout,
    UnknownColumns,
    empty_words,
)

__all__ = [
    "MappingError",
    "RawMapping",
    "compile_mapping",
    "load_mapping",
    "validated_mapping",
]

RawModel = TypeVar("RawModel", bound=BaseModel)

_IGNORE_WORDS = frozenset({"ignore", "skip", "none", ""})


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the key."""


class RawMapping(BaseModel):
    """The mapping file as written (before its names are checked)."""

    model_config = ConfigDict(extra="forbid")

    format: str | None = None  # a built-in format's name, checked against FORMATS
    name: str | None = None
    columns: dict[str, str | None] = {}
    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, str | int | float | bool] = {}
    unknown_columns: UnknownColumns = UnknownColumns.ATTRIBUTES
    day_first: bool | None = None
    time_zone: str | None = None
    default_region: str | None = None
    # YAML reads a bare null as nothing at all: here it can only mean the word "null".
    empty_words: list[str | None] = []


def load_mapping(path: Path) -> Layout:
    """Read, validate and compile a mapping file; MappingError says what is wrong where."""
    return compile_mapping(validated_mapping(path, RawMapping), str(path))


def validated_mapping(
    path: Path,
    model: type[RawModel],
    shape: str = "a mapping file is a YAML mapping with a 'columns' key",
) -> RawModel:
    """A mapping file's YAML read and validated as ``model`` (contacts', accounts' or
    events'); MappingError names the file and the key that is wrong. ``shape`` says what
    the file should be when it is no YAML mapping at all."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise MappingError(f"{path}: cannot read the mapping file ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML ({_yaml_reason(error)})") from None
    if not isinstance(document, dict):
        raise MappingError(f"{path}: {shape}")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"]
        if first["type"] == "value_error":  # a model's own words, without "Value error, "
            message = str(first.get("ctx", {}).get("error", message))
        raise MappingError(f"{path}: {where}: {message}") from None


# (field, value it maps to, the mapping file) -> the value, or MappingError.
ValueCheck = Callable[[str, str, str], str]


def compile_mapping(
    raw: RawMapping,
    source: str,
    *,
    fields: Collection[str] = FIELDS,
    formats: Mapping[str, Layout] = FORMATS,
    check_value: ValueCheck | None = None,
    common_columns: Mapping[str, str] = UTM_COLUMNS,
) -> Layout:
    """The layout a validated mapping describes, on top of its base format if any.
    ``fields``, ``formats``, ``check_value`` and ``common_columns`` default to the
    contact import's; the deal import gives its own."""
    base = _base(raw.format, source, formats)
    check = check_value or _value
    columns = {
        **common_columns,
        **{
            fold(header): _field(target, source, f"columns.{header}", fields)
            for header, target in raw.columns.items()
        },
    }
    values = {
        _field(name, source, f"values.{name}", fields): {
            fold(value): check(name, target, source) for value, target in table.items()
        }
        for name, table in raw.values.items()
    }
    defaults = {
        _field(name, source, f"defaults.{name}", fields): _text(value)
        for name, value in raw.defaults.items()
    }
    layout = Layout(
        name=raw.name or Path(source).stem,
        description=f"mapping file {source}",
        columns=columns,
        values=values,
        defaults=defaults,
        id_namespace=raw.name,
        unknown_columns=raw.unknown_columns,
        day_first=raw.day_first,
        time_zone=_zone(raw.time_zone, source),
        default_region=_region(raw.default_region, source),
        empty_words=empty_words("null" if word is None else word for word in raw.empty_words),
    )
    return base.extended(layout) if base is not None else layout


def _base(name: str | None, source: str, formats: Mapping[str, Layout]) -> Layout | None:
    if name is None:
        return None
    if name in formats:
        return formats[name]
    close = difflib.get_close_matches(name, list(formats), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise MappingError(
        f"{source}: format: unknown format {name!r} ({hint}choose one of {', '.join(formats)})"
    )


def _field(name: str | None, source: str, where: str, fields: Collection[str]) -> str:
    if name is None or name.strip().lower() in _IGNORE_WORDS:
        return IGNORE
    if name in fields:
        return name
    close = difflib.get_close_matches(name, list(fields), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else " (see docs/importing.md)"
    raise MappingError(f"{source}: {where}: unknown field {name!r}{hint}")


def _value(name: str, target: str, source: str) -> str:
    if FIELDS[name].kind is Kind.CONSENT and target not in CONSENT_STATUSES and target != "":
        choices = ", ".join(CONSENT_STATUSES)
        raise MappingError(
            f"{source}: values.{name}: {target!r} is not a consent status ({choices})"
        )
    return target


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _zone(name: str | None, source: str) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{source}: time_zone: unknown time zone {name!r}") from None
    return name


def _region(code: str | None, source: str) -> str | None:
    if code is None:
        return None
    if len(code) != 2 or not code.isalpha():
        raise MappingError(f"{source}: default_region: {code!r} is not an ISO 3166 alpha-2 code")
    return code.upper()


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "syntax error"
    return f"{problem} at line {mark.line + 1}" if mark is not None else str(problem)
