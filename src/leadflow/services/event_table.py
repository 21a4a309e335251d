"""Import a CSV export of events (form fills, e-mail clicks, page views ...) through a
mapping file (ingest/event_mapping.py), by the same path as a JSON-lines file.

The file is read as the contact import reads it (ingest/table.py: encoding, delimiter,
byte-order mark, quoted line breaks); each record becomes the fields of a JSON line,
checked by the same model (``validated_event``) and recorded in the same batches
(``import_read_events``): bad rows reported by line and skipped, ``strict`` writing
nothing unless every row is good.

Idempotency key. A mapped ``id`` column is the key (several columns, joined by ":",
when a tool numbers each activity type apart). Without one, the key is derived from
what the row says once mapped: a SHA-256 of the event type, the instant in UTC, the
person (e-mail in lower case, contact id, visitor id) and the properties, as canonical
JSON (``derived_key``). Importing the same file again, or an overlapping export of the
same tool, derives the same keys and stores nothing twice. Two rows with one key say the
same thing about the same person at the same instant: leadflow could not tell them
apart once stored, and counting that twice would double the person's engagement, so
keeping one is the right answer. The key depends on the mapping (the type a value maps
to, the properties kept): re-importing a file with a changed mapping stores its events
again, under new keys.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadflow.definition.model import Definition
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES
from leadflow.engine.plan import plan_for
from leadflow.ingest.event_mapping import EventMapping, TypeColumn, Unmapped, value_key
from leadflow.ingest.formats.mapping_file import MappingError
from leadflow.ingest.instants import parse_instant
from leadflow.ingest.normalise import InvalidValueError, trimmed
from leadflow.ingest.salesforce_ids import canonical_external_id
from leadflow.ingest.table import TableError, duplicate_headers, open_table, overflow
from leadflow.services.event_import import (
    DEFAULT_BATCH,
    IMPORT_SOURCE,
    EventImport,
    EventReader,
    OnProgress,
    ReadLine,
    import_read_events,
    validated_event,
)
from leadflow.services.events import EventRecorder, IncomingEvent

__all__ = [
    "DERIVED_KEY_PREFIX",
    "RowReader",
    "check_event_types",
    "derived_key",
    "import_event_table",
    "table_reader",
]

DERIVED_KEY_PREFIX = "row-"
_PROGRESS_EVERY = 1000  # records


def import_event_table(
    path: Path,
    mapping: EventMapping,
    recorder: EventRecorder,
    *,
    strict: bool = False,
    batch_size: int = DEFAULT_BATCH,
    source: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    on_progress: OnProgress | None = None,
) -> EventImport:
    """Record every good row of the CSV file ``path``; MappingError (before anything is
    read) for a type the workspace does not take, TableError for an unreadable file.
    ``source`` (the command line's) wins over the mapping's ``source``; without either,
    ``import``."""
    check_event_types(mapping, recorder.active.definition)
    notes: list[str] = []
    read_sheet: list[str] = []
    reader = table_reader(
        path, mapping, source=source, encoding=encoding, delimiter=delimiter, sheet=sheet,
        notes=notes, read_sheet=read_sheet,
    )  # fmt: skip
    report = import_read_events(
        reader, recorder, strict=strict, batch_size=batch_size, on_progress=on_progress
    )
    report.header_notes = notes
    report.sheet = read_sheet[0] if read_sheet else None
    return report


def check_event_types(mapping: EventMapping, definition: Definition) -> None:
    """Every type the mapping gives is one of leadflow's own, one the active definition
    reads, or one the mapping lists under ``custom_types``. A misspelt type would store
    events no rule ever counts, silently, for every row of the file."""
    read = plan_for(definition).layout.routes
    known = {*STANDARD_EVENT_TYPES, *read, *mapping.custom_types}
    for where, name in mapping.event_types():
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise MappingError(
            f"{mapping.origin}: {where}: {name!r} is neither one of leadflow's event types "
            f"nor one the active definition ({definition.name} {definition.version}) "
            f"reads{hint}; list it under custom_types to import it anyway"
        )


# How the workbook reader writes a date cell (ingest/workbook.py): a cell typed as a date
# has no text for the mapping's format to match, and ISO 8601 has one reading only.
_DATE_CELL = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?")


def _formatted(text: str, pattern: str, column: str) -> datetime:
    try:
        return datetime.strptime(text, pattern)  # noqa: DTZ007 - the caller attaches the zone
    except ValueError:
        raise ValueError(f"{column}: {text!r} does not match the format {pattern!r}") from None


def _date_cell(text: str) -> datetime | None:
    """The naive time of a workbook's date cell, or None for any other text."""
    return datetime.fromisoformat(text) if _DATE_CELL.fullmatch(text) else None


def table_reader(
    path: Path,
    mapping: EventMapping,
    *,
    source: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    notes: list[str] | None = None,
    read_sheet: list[str] | None = None,
) -> EventReader:
    """The reader of a CSV file through ``mapping``: (line, event, reason or None) per record.
    ``notes`` receives what the header makes worth saying (a repeated column not mapped),
    ``read_sheet`` the name of a workbook's sheet read (the first visible one by default)."""

    def read(on_progress: OnProgress | None) -> Iterator[ReadLine]:
        with open_table(path, encoding, delimiter, sheet) as table:
            rows = RowReader(mapping, table.header, path, source or mapping.source or IMPORT_SOURCE)
            if notes is not None:
                notes[:] = rows.header_notes
            if read_sheet is not None and table.dialect.sheet is not None:
                read_sheet[:] = [table.dialect.sheet]
            for count, (number, cells) in enumerate(table.rows(), start=1):
                if on_progress is not None and count % _PROGRESS_EVERY == 0:
                    on_progress(table.bytes_read)
                yield number, rows.read(cells)
            if on_progress is not None:
                on_progress(table.bytes_read)

    return read


class RowReader:
    """A file's records to events through a mapping, its columns found once in the header."""

    def __init__(self, mapping: EventMapping, header: list[str], path: Path, source: str) -> None:
        self.mapping = mapping
        self.source = source
        self._index = {
            where: _column_index(header, column, where, mapping, path)
            for where, column in mapping.columns()
        }
        # A reason names the file's column, not the JSON-lines field it fills.
        self._names = dict(mapping.columns())
        self._width = len(header)
        self.header_notes = _repeated_columns(header, self._index, path, mapping.origin)

    def read(self, cells: list[str]) -> IncomingEvent | str | None:
        """The row's event; the reason it is bad; or None when the mapping leaves it out."""
        if len(cells) > self._width and (too_wide := overflow(cells, self._width)):
            return too_wide  # its values may sit under the wrong columns
        try:
            return self._event(cells)
        except ValueError as error:
            return str(error)

    def _event(self, cells: list[str]) -> IncomingEvent | None:
        event_type = self._type(cells)
        if event_type is None:
            return None
        fields: dict[str, Any] = {
            "type": event_type,
            "at": self._at(self._cell(cells, "at")),
            "email": self._cell(cells, "email") or None,
            "visitor_id": self._cell(cells, "visitor_id") or None,
            "contact_id": self._contact_id(cells),
            "properties": {
                name: value
                for name, read in self.mapping.properties.items()
                if read.applies_to(event_type)
                and (value := self._cell(cells, f"properties.{name}"))
            },
        }
        fields["id"] = self._key(cells, fields)
        return validated_event(fields, self.source, self._names)

    def _cell(self, cells: list[str], where: str) -> str:
        index = self._index.get(where)
        if index is None or index >= len(cells):  # not mapped, or a short record
            return ""
        return trimmed(cells[index])  # as the contacts import: no pasted invisible characters

    def _type(self, cells: list[str]) -> str | None:
        rule = self.mapping.type
        if not isinstance(rule, TypeColumn):
            return rule
        written = self._cell(cells, "type.column")
        key = value_key(written)
        if key in rule.values:
            return rule.values[key]
        if rule.unmapped is Unmapped.SKIP:
            return None
        if not written:
            raise ValueError(f"{rule.column}: empty, so the row has no event type")
        raise ValueError(
            f"{rule.column}: {written!r} is not in the mapping's type.values "
            "(add it, with null to leave such rows out, or set type.unmapped: skip)"
        )

    def _at(self, text: str) -> datetime:
        rule = self.mapping.at
        if not text:
            raise ValueError(f"{rule.column}: empty: every event needs its time")
        if rule.format is None:
            try:
                return parse_instant(text, zone=rule.zone, day_first=rule.day_first)
            except ValueError as error:
                raise ValueError(f"{rule.column}: {error}") from None
        moment = _date_cell(text) or _formatted(text, rule.format, rule.column)
        if moment.tzinfo is None:
            # A local time: in the repeated hour when clocks go back, the first of the two.
            moment = moment.replace(tzinfo=rule.zone)
        return moment.astimezone(UTC)

    def _contact_id(self, cells: list[str]) -> str | None:
        written = self._cell(cells, "contact_id")
        if not written:
            return None
        namespace = self.mapping.contact_namespace
        # The contact import stores a CRM's id as "<namespace>:<id>" (external_id).
        stored = f"{namespace}:{written}" if namespace else written
        try:
            # A Salesforce id in its 18-character form, as the contact import stores it:
            # the derived key reads it, so a report's 15 characters and Data Loader's 18
            # must give the same key, or the same activity is stored twice.
            return canonical_external_id(stored)
        except InvalidValueError as error:
            raise ValueError(f"{self._names['contact_id']}: {error}") from None

    def _key(self, cells: list[str], fields: Mapping[str, Any]) -> str:
        if not self.mapping.id:
            return derived_key(fields)
        parts = []
        for index, column in enumerate(self.mapping.id):
            where = "id" if len(self.mapping.id) == 1 else f"id[{index}]"
            written = self._cell(cells, where)
            if not written:
                raise ValueError(f"{column}: empty: every row needs its id (the event's key)")
            parts.append(written)
        return ":".join(parts)


def derived_key(fields: Mapping[str, Any]) -> str:
    """The idempotency key of a row without an id: a digest of its mapped content (see
    the module docstring for why that is safe). The instant is taken in UTC, so the same
    event exported with another date format or zone gets the same key."""
    email = fields.get("email")
    at: datetime = fields["at"]
    content = [
        fields["type"],
        at.astimezone(UTC).isoformat(),
        email.casefold() if isinstance(email, str) else None,
        fields.get("contact_id"),
        fields.get("visitor_id"),
        sorted(fields.get("properties", {}).items()),
    ]
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return DERIVED_KEY_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _repeated_columns(
    header: list[str], index: Mapping[str, int], path: Path, origin: str
) -> list[str]:
    """A header written twice (in any case, as columns are found): TableError when the
    mapping names it (which column is meant cannot be told); else notes for the user."""
    read = {position: where for where, position in index.items()}
    notes = []
    for repeated in duplicate_headers(header, str.casefold):
        named = [read[position] for position in repeated.positions if position in read]
        if named:
            read_as = f"{named[0]} (named by {origin})"
            raise TableError(f"{path}: {repeated.refused(read_as)}")
        notes.append(repeated.noted("the mapping does not name it, so nothing is lost"))
    return notes


def _column_index(
    header: list[str], column: str, where: str, mapping: EventMapping, path: Path
) -> int:
    """The column's position: the header cell written so, else the one equal in any case."""
    if column in header:
        return header.index(column)
    folded = [cell.casefold() for cell in header]
    if column.casefold() in folded:
        return folded.index(column.casefold())
    close = difflib.get_close_matches(column, header, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise MappingError(
        f"{path}: no column {column!r} (named by {mapping.origin}: {where}); {hint}"
        f"the file's columns: {', '.join(header)}"
    )
