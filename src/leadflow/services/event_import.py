"""Import a JSON-lines file of events through the real-time path, in batches.

One line, one event (the shape the demo generator writes to ``events.jsonl``)::

    {"id": "<idempotency key>", "type": "page_view", "at": "2026-03-01T09:00:00Z",
     "email": null, "visitor_id": "v-1", "contact_id": null,
     "properties": {"url": "/pricing"}, "source": "web"}

``id`` is required: it makes a second import of the same file change nothing. ``source``
defaults to the importer's (``import``); at least one of ``email``, ``visitor_id`` and
``contact_id`` must name someone. Blank lines are skipped.

A bad line (not JSON, a missing or wrong field, an unknown contact) is reported with its
number and reason. By default it is skipped and every batch is committed as it goes
(group commit: one commit per batch). ``strict`` writes nothing at all unless every
line is good: the file is checked before anything is written, by the reader and by the
recorder's own rules (services/events.py ``EventChecks``: the time, the e-mail, the
contact id and whether the store has it), and every bad line is listed; the events are
then recorded in one transaction, rolled back if the store still rejects any (an id and
an e-mail that recording the lines before shows to be two people), after recording the
rest so that every such line is listed too.

The batching, ``strict`` and the report do not depend on the file's format: they take
an ``EventReader``, which reads a file as (line number, event or why the line is bad).
A CSV export read through a mapping file (services/event_table.py) takes the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from leadflow.domain.vocabulary import event_type_problem
from leadflow.services.events import (
    EventChecks,
    EventRecorder,
    IncomingEvent,
    Outcome,
    Rejected,
    Suppressed,
)

__all__ = [
    "DEFAULT_BATCH",
    "IMPORT_SOURCE",
    "EventImport",
    "EventLine",
    "EventReader",
    "LineProblem",
    "OnProgress",
    "ReadLine",
    "import_events",
    "import_read_events",
    "jsonl_reader",
    "parse_line",
    "validated_event",
]

DEFAULT_BATCH = 500
IMPORT_SOURCE = "import"
MAX_PROBLEMS_KEPT = 1000  # all are counted; the first ones are kept to be shown

Numbered = tuple[int, IncomingEvent]
OnProgress = Callable[[int], None]
OnCommitted = Callable[[Sequence[tuple[int, Outcome]]], None]
# A line (or CSV record) read: its number, and its event, or the reason it is bad (str),
# or None for a record the file's mapping leaves out on purpose.
ReadLine = tuple[int, IncomingEvent | str | None]
# Reads a file from its start, reporting bytes read; called once, or twice with strict.
EventReader = Callable[[OnProgress | None], Iterator[ReadLine]]


class EventLine(BaseModel):
    """One line of an events file, validated."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=100)
    at: AwareDatetime
    email: str | None = Field(default=None, max_length=320)
    visitor_id: str | None = Field(default=None, min_length=1, max_length=200)
    contact_id: int | str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    source: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("type")
    @classmethod
    def _snake_case(cls, text: str) -> str:
        # The API takes only these too; a definition can name no other spelling.
        problem = event_type_problem(text)
        if problem is not None:
            raise ValueError(problem)
        return text


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    reason: str


@dataclass
class EventImport:
    """What an import did. With ``written`` False (a strict import that failed) nothing was."""

    lines: int = 0  # the number of the last line read
    rows: int = 0  # non-blank lines (CSV records) read
    ignored: int = 0  # records the mapping leaves out (a type it does not import)
    recorded: int = 0
    duplicates: int = 0
    rejected: int = 0
    contacts_created: int = 0
    transitions: int = 0
    written: bool = True
    problems: list[LineProblem] = field(default_factory=list)
    # What the file's header makes worth saying without refusing it (a CSV column
    # written twice that the mapping does not name).
    header_notes: list[str] = field(default_factory=list)
    sheet: str | None = None  # the workbook's sheet read; None for a CSV or JSON-lines file

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(LineProblem(line, reason))

    def count(self, line: int, outcome: Outcome) -> None:
        if isinstance(outcome, Rejected | Suppressed):  # an import's erased person: a bad line
            self.reject(line, outcome.reason)
        elif outcome.duplicate:
            self.duplicates += 1
        else:
            self.recorded += 1
            self.contacts_created += outcome.contact_created
            self.transitions += len(outcome.transitions)

    def read(self, number: int, read: IncomingEvent | str | None) -> IncomingEvent | None:
        """Count a line read; its event when it has one to record."""
        self.lines = number
        self.rows += 1
        if read is None:
            self.ignored += 1
        elif isinstance(read, str):
            self.reject(number, read)
        else:
            return read
        return None


def parse_line(text: str | bytes, default_source: str = IMPORT_SOURCE) -> IncomingEvent:
    """One line to an event; ValueError with a one-line reason when it is not valid."""
    try:
        line = EventLine.model_validate_json(text)
    except ValidationError as error:
        raise ValueError(_reason(error)) from None
    return _incoming(line, default_source)


def validated_event(
    fields: dict[str, Any],
    default_source: str = IMPORT_SOURCE,
    names: Mapping[str, str] | None = None,
) -> IncomingEvent:
    """An event from the fields of a line read another way (a CSV row), checked as a
    JSON line is; ``names`` gives the reason a field's own name in the file's words."""
    try:
        line = EventLine.model_validate(fields)
    except ValidationError as error:
        raise ValueError(_reason(error, names or {})) from None
    return _incoming(line, default_source)


def _incoming(line: EventLine, default_source: str) -> IncomingEvent:
    return IncomingEvent(
        type=line.type,
        at=line.at,
        key=line.id,
        source=line.source or default_source,
        email=line.email or None,
        visitor_id=line.visitor_id,
        contact_id=line.contact_id,
        properties=line.properties,
    )


def _reason(error: ValidationError, names: Mapping[str, str] | None = None) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    where = (names or {}).get(where, where)
    if first["type"] == "json_invalid":
        return f"not valid JSON: {first['msg'].removeprefix('Invalid JSON: ')}"
    message = first["msg"]
    if first["type"] == "value_error":  # our own words, without pydantic's "Value error, "
        message = str(first.get("ctx", {}).get("error", message))
    return f"{where}: {message}" if where else str(message)


def import_events(
    path: Path,
    recorder: EventRecorder,
    *,
    strict: bool = False,
    batch_size: int = DEFAULT_BATCH,
    source: str = IMPORT_SOURCE,
    on_progress: OnProgress | None = None,
    on_committed: OnCommitted | None = None,
) -> EventImport:
    """Record every good line of the JSON-lines file ``path``; see the module docstring."""
    return import_read_events(
        jsonl_reader(path, source),
        recorder,
        strict=strict,
        batch_size=batch_size,
        on_progress=on_progress,
        on_committed=on_committed,
    )


def import_read_events(
    reader: EventReader,
    recorder: EventRecorder,
    *,
    strict: bool = False,
    batch_size: int = DEFAULT_BATCH,
    on_progress: OnProgress | None = None,
    on_committed: OnCommitted | None = None,
) -> EventImport:
    """Record every good event ``reader`` reads, in batches; see the module docstring."""
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    if strict:
        checked = _checked(reader, recorder.checks())
        if checked.rejected:
            checked.written = False
            return checked
    report = EventImport()
    for batch in _batches(reader, batch_size, report, on_progress):
        outcomes = recorder.record_batch([event for _, event in batch], commit=not strict)
        numbered = [(number, outcome) for (number, _), outcome in zip(batch, outcomes, strict=True)]
        for number, outcome in numbered:
            report.count(number, outcome)
        if on_committed is not None and not strict:
            on_committed(numbered)
    # The reader reports a bad line as it reads it, the recorder when its batch is
    # recorded: within a batch, a later line could come first.
    report.problems.sort(key=lambda problem: problem.line)
    if strict and report.rejected:
        # What only recording the lines before could tell (an id and an e-mail of two
        # people): the whole file was recorded to list every such line, and nothing is kept.
        recorder.rollback()
        report.written = False
        return report
    recorder.commit()
    return report


def _checked(reader: EventReader, checks: EventChecks) -> EventImport:
    """Every line read once, before anything is written (strict): what is wrong with it,
    by the reader (the line itself) and by the recorder's own rules (``EventChecks``)."""
    report = EventImport()
    for number, read in reader(None):
        event = report.read(number, read)
        if event is not None and (problem := checks.problem(event)) is not None:
            report.reject(number, problem)
    return report


def _batches(
    reader: EventReader, size: int, report: EventImport, on_progress: OnProgress | None
) -> Iterator[list[Numbered]]:
    batch: list[Numbered] = []
    for number, read in reader(on_progress):
        event = report.read(number, read)
        if event is not None:
            batch.append((number, event))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def jsonl_reader(path: Path, source: str = IMPORT_SOURCE) -> EventReader:
    """The reader of a JSON-lines file: one event a line, blank lines skipped."""

    def read(on_progress: OnProgress | None) -> Iterator[ReadLine]:
        for number, text in _lines(path, on_progress):
            try:
                yield number, parse_line(text, source)
            except ValueError as error:
                yield number, str(error)

    return read


def _lines(path: Path, on_progress: OnProgress | None) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of every non-blank line; progress in bytes read."""
    done = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            done += len(raw)
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM some editors write
            if on_progress is not None and number % 1000 == 0:
                on_progress(done)
            if raw.strip():
                yield number, raw
    if on_progress is not None:
        on_progress(done)
