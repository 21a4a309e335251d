"""``leadflow import events FILE``: stream a file of events into the store.

A JSON-lines file (``.jsonl``, ``.json``) holds leadflow's own event lines; a CSV export
(``.csv``, ``.tsv``) or an .xlsx workbook (``--sheet``) is read through ``--mapping
MAP.yaml`` (ingest/event_mapping.py).
``--format`` overrides what the extension says; a file with another extension is a CSV
when a mapping is given, else JSON lines. Either way each good line goes through
the real-time path (services/events.py); bad lines are reported as ``FILE:LINE: reason``
and skipped, or with ``--strict`` nothing is written. The formats are described in
services/event_import.py, services/event_table.py and docs/store.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from leadflow.commands.options import (
    NOTHING_FOUND,
    database_problem,
    delimiter_option,
    workspace_settings,
)
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.event_mapping import EventMapping, load_event_mapping
from leadflow.ingest.formats.mapping_file import MappingError
from leadflow.ingest.table import TableError
from leadflow.services.definitions import ActiveDefinition, NoActiveDefinitionError
from leadflow.services.definitions import active_definition as load_active
from leadflow.services.event_import import (
    DEFAULT_BATCH,
    IMPORT_SOURCE,
    EventImport,
    OnProgress,
    import_events,
)
from leadflow.services.event_table import import_event_table
from leadflow.services.events import EventRecorder
from leadflow.store.database import engine_from_settings
from leadflow.store.driver import StoreError

__all__ = ["register"]

SHOWN_PROBLEMS = 50


def register(group: typer.Typer) -> None:
    group.command("events")(events)


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


_EXTENSIONS = {
    ".csv": FileFormat.CSV,
    ".tsv": FileFormat.CSV,
    ".jsonl": FileFormat.JSONL,
    ".json": FileFormat.JSONL,
    ".ndjson": FileFormat.JSONL,
    ".xlsx": FileFormat.CSV,  # a workbook: read as a table, through the mapping too
}


def events(
    file: Path = typer.Argument(
        ...,
        help="JSON-lines file (one event a line), or a CSV export with --mapping.",
        dir_okay=False,
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping file: which CSV column holds what.", dir_okay=False
    ),
    file_format: FileFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="csv or jsonl (default: from the extension, else csv with --mapping).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Write nothing unless every line is good."),
    batch_size: int = typer.Option(
        DEFAULT_BATCH, "--batch-size", min=1, max=100_000, help="Events per commit."
    ),
    source: str | None = typer.Option(
        None,
        "--source",
        help=f"Source of lines that name none (keys are per source); wins over a mapping's "
        f"source: (default: the mapping's, else {IMPORT_SOURCE!r}).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="CSV: override encoding detection."
    ),
    delimiter: str | None = typer.Option(
        None, "--delimiter", help="CSV: override delimiter detection: ',', ';', 'tab' or '|'."
    ),
    sheet: str | None = typer.Option(
        None,
        "--sheet",
        help="The sheet of an .xlsx workbook to read (default: the first visible one).",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Import events (page views, downloads, form fills ...) and re-qualify their contacts."""
    if not file.is_file():
        fail(f"{file}: no such file")
    plan = _plan(file, file_format, mapping, encoding, delimiter_option(delimiter), sheet)
    source = _source(source, plan.mapping)
    engine = engine_from_settings(workspace_settings(workspace))
    try:
        report = _run(file, plan, engine, strict=strict, batch_size=batch_size, source=source)
    except KeyboardInterrupt:
        _interrupted(strict)
    except (OperationalError, ProgrammingError, StoreError) as error:
        fail(database_problem(error))
    except (MappingError, TableError) as error:
        fail(str(error))
    finally:
        engine.dispose()
    if report.rows == 0:
        _nothing_found(file, plan)
    _print_problems(file, report)
    _print_summary(report, strict, "rows" if plan.mapping is not None else "lines")
    if not report.written:
        raise typer.Exit(1)


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to read the file: through a mapping (a CSV), or as JSON lines (no mapping)."""

    mapping: EventMapping | None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def _plan(
    file: Path,
    file_format: FileFormat | None,
    mapping: Path | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None = None,
) -> _Plan:
    kind = file_format or _EXTENSIONS.get(file.suffix.lower())
    if kind is None:
        # Another extension: a mapping says it is a CSV; without one, JSON lines, as every
        # file was read before CSV exports were (a script importing "events.log" still works).
        kind = FileFormat.JSONL if mapping is None else FileFormat.CSV
    if kind is FileFormat.JSONL:
        if mapping is not None or encoding is not None or delimiter is not None or sheet:
            fail(
                f"{file}: --mapping, --encoding, --delimiter and --sheet are for CSV files and "
                "workbooks; a JSON-lines "
                "file names its fields itself (give --format csv if the file is a CSV)"
            )
        return _Plan(None)
    if mapping is None:
        fail(
            f"{file}: a CSV file needs --mapping MAP.yaml, saying which column holds the time, "
            "the person and the event type (see docs/store.md, 'Importing a CSV export')"
        )
    try:
        return _Plan(load_event_mapping(mapping), encoding, delimiter, sheet)
    except MappingError as error:
        fail(str(error))


def _source(given: str | None, mapping: EventMapping | None) -> str:
    """The source of events that name none: the command line's, else the mapping's, else
    ``import``. The command line wins, as it does for every option a mapping can also
    set (an import of the same export under a new source is one flag away), and says so:
    the events' keys are per source, so a changed source stores them again."""
    written = mapping.source if mapping is not None else None
    if given is not None and written is not None and given != written:
        typer.echo(f"--source {given} replaces the mapping's source {written!r}", err=True)
    return given or written or IMPORT_SOURCE


def _nothing_found(file: Path, plan: _Plan) -> NoReturn:
    """A file without a single event is refused (exit status 1), not reported as a
    success: an export that came out empty, or the wrong file, is worth a failed job."""
    if plan.mapping is None:
        fail(f"{file}: no events in the file (empty, or only blank lines): nothing imported")
    fail(NOTHING_FOUND.format(file=file))


def _run(
    file: Path, plan: _Plan, engine: Engine, *, strict: bool, batch_size: int, source: str
) -> EventImport:
    active = _active(engine)
    console = Console(stderr=True)
    columns = (TextColumn("events"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with (
        Progress(*columns, console=console, transient=True) as progress,
        EventRecorder(engine, active, SystemClock()) as recorder,
    ):
        task = progress.add_task("import", total=file.stat().st_size)

        def advance(done: int) -> None:
            progress.update(task, completed=done)

        return _import(
            file, plan, recorder, advance, strict=strict, batch_size=batch_size, source=source
        )


def _import(
    file: Path,
    plan: _Plan,
    recorder: EventRecorder,
    on_progress: OnProgress,
    *,
    strict: bool,
    batch_size: int,
    source: str,
) -> EventImport:
    if plan.mapping is None:
        return import_events(
            file,
            recorder,
            strict=strict,
            batch_size=batch_size,
            source=source,
            on_progress=on_progress,
        )
    return import_event_table(
        file,
        plan.mapping,
        recorder,
        strict=strict,
        batch_size=batch_size,
        source=source,
        encoding=plan.encoding,
        delimiter=plan.delimiter,
        sheet=plan.sheet,
        on_progress=on_progress,
    )


def _interrupted(strict: bool) -> NoReturn:
    """Ctrl-C: say what is kept, so nobody re-sends by hand or fears a half import."""
    if strict:
        kept = "nothing was written (--strict writes at the end)"
    else:
        kept = "every batch committed before it is stored"
    typer.echo(
        f"interrupted: {kept}; run the same command again to import the rest "
        "(events already stored are recognised by their id, or a CSV row without one by "
        "its content, and skipped)",
        err=True,
    )
    raise typer.Exit(130)


def _active(engine: Engine) -> ActiveDefinition:
    try:
        with Session(engine) as session:
            return load_active(session)
    except NoActiveDefinitionError as error:
        fail(str(error))


def _print_problems(file: Path, report: EventImport) -> None:
    for note in report.header_notes:
        typer.echo(f"{file}: {note}", err=True)
    for problem in report.problems[:SHOWN_PROBLEMS]:
        typer.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
    hidden = report.rejected - min(len(report.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        typer.echo(f"... and {hidden} more bad lines", err=True)


def _print_summary(report: EventImport, strict: bool, unit: str) -> None:
    read = report.rows if unit == "rows" else report.lines
    if not report.written:
        typer.echo(f"nothing written (--strict): {report.rejected} bad of {read} {unit}", err=True)
        return
    left_out = f", {report.ignored} left out by the mapping" if report.ignored else ""
    sheet = f" (sheet {report.sheet!r})" if report.sheet is not None else ""
    typer.echo(
        f"{read} {unit}{sheet}: {report.recorded} events recorded, "
        f"{report.duplicates} already stored, {report.rejected} skipped{left_out}; "
        f"{report.contacts_created} contacts created, {report.transitions} stage moves"
        + (" (strict)" if strict else "")
    )
