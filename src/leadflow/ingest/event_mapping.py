"""An events mapping file: which column of a CSV export holds what of an event.

``leadflow import events FILE.csv --mapping MAP.yaml`` (docs/store.md)::

    source: webinar-tool          # optional: the events' source (keys are per source)
    at:                           # the time: a column, or a column and how to read it
      column: Date
      format: "%d/%m/%Y %H:%M"    #   optional: a strptime format (else leadflow's reader)
      timezone: Europe/Amsterdam  #   zone of times written without an offset (UTC)
      day_first: true             #   without a format: how to read 03/04/2026 (true)
    email: E-mail                 # the person: email, contact_id and/or visitor_id,
    contact_id:                   #   each a column; a contact_id may carry the namespace
      column: leadId              #   the contact import gave the CRM's ids ("marketo:<id>")
      namespace: marketo
    type: form_submit             # the event type: one for every row, or a column whose
    type:                         #   values map to types (null: leave such rows out)
      column: Activity Type
      values: {"Form Filled Out": form_submit, "Email Sent": null}
      unmapped: reject            #   a value not in the map: reject (a bad row) | skip
    custom_types: [booth_scan]    # types neither leadflow's own nor read by the definition
    id: Activity ID               # the idempotency key (default: derived from the row);
                                  #   a list of columns when an id is unique per type only
    properties:                   # event property -> column
      url: Page URL
      form:                       #   or a column read for some types only (one column
        column: Asset             #   naming the page, form or e-mail by the row's type)
        types: [form_submit]

The YAML is validated with pydantic (unknown keys refused), then compiled here into an
``EventMapping``; every error names the file and the key. Which types the workspace
accepts is checked later, against its active definition (services/event_table.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES, event_type_problem
from leadflow.ingest.formats.mapping_file import MappingError, validated_mapping

__all__ = [
    "EventMapping",
    "PropertyColumn",
    "RawEventMapping",
    "TimeColumn",
    "TypeColumn",
    "Unmapped",
    "compile_event_mapping",
    "load_event_mapping",
    "value_key",
]

# A date far from every default strptime fills in (1900-01-01, midnight), to tell
# whether a format reads a whole date.
_PROBE = datetime(2031, 11, 23, 17, 45)  # noqa: DTZ001 - only its calendar day is compared
_SHAPE = "an events mapping is a YAML mapping with 'at', 'type' and a person's column"


class Unmapped(StrEnum):
    """What a row whose type value the map does not list is."""

    REJECT = "reject"  # a bad row, reported (and with --strict, nothing is written)
    SKIP = "skip"  # left out, counted


def _column_shorthand(value: object) -> object:
    """``at: Date`` is ``at: {column: Date}`` (and so for every keyed column)."""
    if isinstance(value, str):
        return {"column": value}
    # Anything but a mapping would otherwise be refused in pydantic's words, naming a
    # class of this module ("a valid dictionary or instance of RawTime").
    if value is None:
        raise ValueError("empty: give the column's name (Date) or {column: Date, ...}")
    if not isinstance(value, dict):
        raise ValueError(
            f"{value!r} is not a column's name: write it as text (quote a header YAML reads "
            f'as a number or a boolean: "{value}") or {{column: NAME, ...}}'
        )
    return value


def _list_shorthand(value: object) -> object:
    """``id: Activity ID`` is ``id: [Activity ID]``."""
    return [value] if isinstance(value, str) else value


def _constant_shorthand(value: object) -> object:
    """``type: form_submit`` is one type for every row."""
    return {"constant": value} if isinstance(value, str) else value


Column = Annotated[str, Field(min_length=1, max_length=500)]


class _Raw(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RawTime(_Raw):
    column: Column
    format: str | None = Field(default=None, min_length=2)
    timezone: str | None = None
    day_first: bool = True


class RawType(_Raw):
    constant: str | None = None
    column: Column | None = None
    # YAML reads `1: page_view` with an integer key (Marketo's activity type ids).
    values: dict[str | int, str | None] = {}
    unmapped: Unmapped = Unmapped.REJECT

    @field_validator("values", mode="before")
    @classmethod
    def _no_yaml_booleans(cls, values: object) -> object:
        # YAML reads an unquoted Yes, No, On or Off as true or false: "Yes" and "On"
        # would become one key, and neither would match the cell.
        if isinstance(values, dict) and any(isinstance(key, bool) for key in values):
            raise ValueError(
                "YAML reads an unquoted yes, no, on, off, true or false as a boolean: "
                'quote such a value ("Yes": webinar_attendance)'
            )
        return values

    @model_validator(mode="after")
    def _one_kind(self) -> RawType:
        if self.constant is None and self.column is None:
            raise ValueError("give a type (type: form_submit) or a column with values")
        if self.column is not None and not self.values:
            raise ValueError("a type column needs 'values': {value in the file: event type}")
        return self


class RawProperty(_Raw):
    column: Column
    types: list[str] | None = Field(default=None, min_length=1)


class RawContactId(_Raw):
    column: Column
    namespace: str | None = Field(default=None, min_length=1, max_length=100)


class RawEventMapping(_Raw):
    """The mapping file as written."""

    source: str | None = Field(default=None, min_length=1, max_length=100)
    at: Annotated[RawTime, BeforeValidator(_column_shorthand)]
    type: Annotated[RawType, BeforeValidator(_constant_shorthand)]
    email: Column | None = None
    contact_id: Annotated[RawContactId | None, BeforeValidator(_column_shorthand)] = None
    visitor_id: Column | None = None
    id: Annotated[list[Column] | None, BeforeValidator(_list_shorthand), Field(min_length=1)] = None
    properties: dict[str, Annotated[RawProperty, BeforeValidator(_column_shorthand)]] = {}
    custom_types: list[str] = []


@dataclass(frozen=True, slots=True)
class TimeColumn:
    column: str
    format: str | None
    zone: tzinfo
    day_first: bool


@dataclass(frozen=True, slots=True)
class TypeColumn:
    column: str
    values: Mapping[str, str | None]  # value_key(cell) -> type; None: leave the row out
    unmapped: Unmapped
    written: Mapping[str, str] = field(default_factory=dict)  # value_key -> as in the file


@dataclass(frozen=True, slots=True)
class PropertyColumn:
    """The column an event property is read from; ``types``: only for events of these
    types (None: every event)."""

    column: str
    types: frozenset[str] | None = None

    def applies_to(self, event_type: str) -> bool:
        return self.types is None or event_type in self.types


@dataclass(frozen=True, slots=True)
class EventMapping:
    """A validated events mapping. ``origin`` (the file) starts every error message."""

    origin: str
    at: TimeColumn
    type: str | TypeColumn
    email: str | None = None
    contact_id: str | None = None
    contact_namespace: str | None = None
    visitor_id: str | None = None
    id: tuple[str, ...] = ()  # the key's columns; none: a key derived from the row
    properties: Mapping[str, PropertyColumn] = field(default_factory=dict)
    source: str | None = None
    custom_types: frozenset[str] = frozenset()

    def columns(self) -> Iterator[tuple[str, str]]:
        """(key in the mapping file, column) of every column it names."""
        yield "at", self.at.column
        if isinstance(self.type, TypeColumn):
            yield "type.column", self.type.column
        for key in ("email", "contact_id", "visitor_id"):
            column = getattr(self, key)
            if column is not None:
                yield key, column
        if len(self.id) == 1:
            yield "id", self.id[0]
        else:
            yield from ((f"id[{index}]", column) for index, column in enumerate(self.id))
        for name, read in self.properties.items():
            yield f"properties.{name}", read.column

    def event_types(self) -> Iterator[tuple[str, str]]:
        """(key in the mapping file, event type) of every type a row may get."""
        if isinstance(self.type, str):
            yield "type", self.type
            return
        for key, name in self.type.values.items():
            if name is not None:
                yield f"type.values.{self.type.written.get(key, key)}", name


def value_key(cell: str) -> str:
    """How a type cell is looked up in the value map: trimmed, any case."""
    return cell.strip().casefold()


def load_event_mapping(path: Path) -> EventMapping:
    """Read, validate and compile an events mapping; MappingError says what is wrong where."""
    return compile_event_mapping(validated_mapping(path, RawEventMapping, _SHAPE), str(path))


def compile_event_mapping(raw: RawEventMapping, origin: str) -> EventMapping:
    if raw.email is None and raw.contact_id is None and raw.visitor_id is None:
        raise MappingError(
            f"{origin}: the mapping names nobody: give the column of email, contact_id "
            "or visitor_id (one or more)"
        )
    mapping = EventMapping(
        origin=origin,
        at=_time(raw.at, origin),
        type=_type(raw.type, origin),
        email=raw.email,
        contact_id=None if raw.contact_id is None else raw.contact_id.column,
        contact_namespace=None if raw.contact_id is None else raw.contact_id.namespace,
        visitor_id=raw.visitor_id,
        id=tuple(raw.id or ()),
        properties=MappingProxyType(_properties(raw.properties, origin)),
        source=raw.source,
        custom_types=frozenset(
            _event_type(name, origin, f"custom_types[{index}]")
            for index, name in enumerate(raw.custom_types)
        ),
    )
    _check_property_types(mapping)
    return mapping


def _check_property_types(mapping: EventMapping) -> None:
    """A property read for a type no row can get would silently never be read."""
    given = {name for _, name in mapping.event_types()}
    for name, read in mapping.properties.items():
        for kind in sorted(read.types or ()):
            if kind not in given:
                raise MappingError(
                    f"{mapping.origin}: properties.{name}.types: no row gets type {kind!r} "
                    f"(the mapping gives {', '.join(sorted(given))})"
                )


def _time(raw: RawTime, origin: str) -> TimeColumn:
    if raw.format is not None:
        _check_format(raw.format, origin)
    return TimeColumn(raw.column, raw.format, _zone(raw.timezone, origin), raw.day_first)


def _check_format(pattern: str, origin: str) -> None:
    """A format must read back the whole date it writes; one without a year, month or day
    would put every event on 1 January 1900."""
    try:
        read = datetime.strptime(_PROBE.strftime(pattern), pattern)  # noqa: DTZ007
    except ValueError as error:
        raise MappingError(
            f"{origin}: at.format: {pattern!r} is not a date format ({error})"
        ) from None
    if read.date() != _PROBE.date():
        raise MappingError(
            f"{origin}: at.format: {pattern!r} does not read a whole date (a year, month and "
            "day, such as %d/%m/%Y %H:%M)"
        )


def _zone(name: str | None, origin: str) -> tzinfo:
    if name is None:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(
            f"{origin}: at.timezone: unknown time zone {name!r} (an IANA name such as "
            "Europe/Amsterdam)"
        ) from None


def _type(raw: RawType, origin: str) -> str | TypeColumn:
    if raw.column is None:
        return _event_type(str(raw.constant), origin, "type")
    if raw.constant is not None:
        raise MappingError(f"{origin}: type: give one type or a column with values, not both")
    values: dict[str, str | None] = {}
    first: dict[str, str] = {}  # value_key -> the value as first written
    for written, target in raw.values.items():
        where = f"type.values.{written}"
        key = value_key(str(written))
        name = None if target is None or not target.strip() else _event_type(target, origin, where)
        if key in values and values[key] != name:
            raise MappingError(
                f"{origin}: {where}: {first[key]!r} again, with another type (values are "
                "matched trimmed and in any case)"
            )
        values[key] = name
        first.setdefault(key, str(written))
    return TypeColumn(raw.column, MappingProxyType(values), raw.unmapped, MappingProxyType(first))


def _event_type(name: str, origin: str, where: str) -> str:
    problem = event_type_problem(name)
    if problem is None:
        return name
    close = difflib.get_close_matches(name.casefold(), STANDARD_EVENT_TYPES, n=1)
    hint = f" (leadflow's own include {close[0]!r})" if close and close[0] not in problem else ""
    raise MappingError(f"{origin}: {where}: {problem}{hint}")


def _properties(raw: Mapping[str, RawProperty], origin: str) -> dict[str, PropertyColumn]:
    properties: dict[str, PropertyColumn] = {}
    for name, read in raw.items():
        if not name.strip():
            raise MappingError(f"{origin}: properties: a property needs a name")
        types = None
        if read.types is not None:
            where = f"properties.{name.strip()}.types"
            types = frozenset(
                _event_type(kind, origin, f"{where}[{index}]")
                for index, kind in enumerate(read.types)
            )
        properties[name.strip()] = PropertyColumn(read.column, types)
    return properties
