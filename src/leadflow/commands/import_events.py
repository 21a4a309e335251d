"""``leadflow import events FILE.jsonl``: stream a JSON-lines file of events into the store.

Each good line goes through the real-time path (services/events.py); bad lines are
reported as ``FILE:LINE: reason`` and skipped, or with ``--strict`` nothing is written.
The line format is described in services/event_import.py and docs/store.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from leadflow.commands.options import database_problem, workspace_settings
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services.definitions import ActiveDefinition, NoActiveDefinitionError
from leadflow.services.definitions import active_definition as load_active
from leadflow.services.event_import import (
    DEFAULT_BATCH,
    IMPORT_SOURCE,
    EventImport,
    import_events,
)
from leadflow.services.events import EventRecorder
from leadflow.store.database import engine_from_settings
from leadflow.store.driver import StoreError

__all__ = ["register"]

SHOWN_PROBLEMS = 50


def register(group: typer.Typer) -> None:
    group.command("events")(events)


def events(
    file: Path = typer.Argument(..., help="JSON-lines file, one event a line.", dir_okay=False),
    strict: bool = typer.Option(False, "--strict", help="Write nothing unless every line is good."),
    batch_size: int = typer.Option(
        DEFAULT_BATCH, "--batch-size", min=1, max=100_000, help="Events per commit."
    ),
    source: str = typer.Option(
        IMPORT_SOURCE, "--source", help="Source of lines that name none (keys are per source)."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Import events (page views, downloads, form fills ...) and re-qualify their contacts."""
    if not file.is_file():
        fail(f"{file}: no such file")
    engine = engine_from_settings(workspace_settings(workspace))
    try:
        report = _run(file, engine, strict=strict, batch_size=batch_size, source=source)
    except KeyboardInterrupt:
        _interrupted(strict)
    except (OperationalError, ProgrammingError, StoreError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
    _print_problems(file, report)
    _print_summary(report, strict)
    if not report.written:
        raise typer.Exit(1)


def _run(file: Path, engine: Engine, *, strict: bool, batch_size: int, source: str) -> EventImport:
    active = _active(engine)
    console = Console(stderr=True)
    columns = (TextColumn("events"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with (
        Progress(*columns, console=console, transient=True) as progress,
        EventRecorder(engine, active, SystemClock()) as recorder,
    ):
        task = progress.add_task("import", total=file.stat().st_size)
        return import_events(
            file,
            recorder,
            strict=strict,
            batch_size=batch_size,
            source=source,
            on_progress=lambda done: progress.update(task, completed=done),
        )


def _interrupted(strict: bool) -> NoReturn:
    """Ctrl-C: say what is kept, so nobody re-sends by hand or fears a half import."""
    if strict:
        kept = "nothing was written (--strict writes at the end)"
    else:
        kept = "every batch committed before it is stored"
    typer.echo(
        f"interrupted: {kept}; run the same command again to import the rest "
        "(events already stored are recognised by their id and skipped)",
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
    for problem in report.problems[:SHOWN_PROBLEMS]:
        typer.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
    hidden = report.rejected - min(len(report.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        typer.echo(f"... and {hidden} more bad lines", err=True)


def _print_summary(report: EventImport, strict: bool) -> None:
    if not report.written:
        typer.echo(
            f"nothing written (--strict): {report.rejected} bad of {report.lines} lines", err=True
        )
        return
    typer.echo(
        f"{report.lines} lines: {report.recorded} events recorded, "
        f"{report.duplicates} already stored, {report.rejected} skipped; "
        f"{report.contacts_created} contacts created, {report.transitions} stage moves"
        + (" (strict)" if strict else "")
    )
