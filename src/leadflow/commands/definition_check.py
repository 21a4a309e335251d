"""``leadflow definition check``: run the check (services/definition_check.py) on a
workspace and show it, as tables or as JSON.

Imported only when the command runs: it brings the store and the batch engine, which
the file-only ``definition`` commands do without. Exit codes: 0 when the check ran
(warnings or not), 1 with ``--strict`` when there are warnings, 2 when it could not run
(a bad file, no workspace, a database that cannot be read), with one line per problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Connection
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from leadflow.commands.options import database_problem, missing_workspace, settings_for
from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.domain.clock import SystemClock
from leadflow.services.definition_check import (
    Close,
    DefinitionCheck,
    ValueFinding,
    check_definition,
)
from leadflow.services.definitions import NoActiveDefinitionError, active_definition
from leadflow.store.database import engine_from_settings

__all__ = ["run_check"]

USAGE = 2  # what Typer answers a bad option with, too


def run_check(file: str | None, workspace: Path | None, *, as_json: bool, strict: bool) -> None:
    # Now, not a moment of choice: the counts are of everything stored, and a rule's
    # window (``within_days``) is counted back from the present.
    moment = SystemClock().now()
    candidate = None if file is None else _definition(file)
    with _connection(workspace) as connection:
        try:
            definition = candidate or _active(connection)
            checked = check_definition(connection, definition, moment)
        except (OperationalError, ProgrammingError) as error:
            _stop(database_problem(error))
    if as_json:
        typer.echo(json.dumps(to_json(checked), indent=2, ensure_ascii=False))
    else:
        _print(checked)
    if strict and checked.warnings:
        raise typer.Exit(1)


def _definition(reference: str) -> Definition:
    try:
        return load_definition(reference)
    except DefinitionError as error:
        _stop(*(str(problem) for problem in error.errors))


@contextmanager
def _connection(workspace: Path | None) -> Iterator[Connection]:
    """A read-only view of the workspace: one transaction, never committed, so every
    count comes from the same moment (PostgreSQL: a repeatable-read, read-only one)."""
    settings = settings_for(workspace)
    problem = missing_workspace(settings)
    if problem is not None:
        _stop(problem)
    try:
        engine = engine_from_settings(settings)
    except ArgumentError as error:
        _stop(f"bad database URL: {str(error).strip().splitlines()[0]}")
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**options)
            with connection.begin() as transaction:
                yield connection
                transaction.rollback()
    except (OperationalError, ProgrammingError) as error:
        _stop(database_problem(error))
    finally:
        engine.dispose()


def _active(connection: Connection) -> Definition:
    try:
        with Session(bind=connection) as session:
            return active_definition(session).definition
    except NoActiveDefinitionError as error:
        _stop(str(error))


def _stop(*lines: str) -> NoReturn:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(USAGE)


def to_json(checked: DefinitionCheck) -> dict[str, Any]:
    """The check as a JSON document: every finding, with ``warning`` set on the ones counted."""

    def closes(found: tuple[Close, ...]) -> list[dict[str, Any]]:
        return [{"name": close.name, "count": close.count} for close in found]

    return {
        "definition": checked.definition,
        "at": checked.at.isoformat(),
        "contacts": checked.contacts,
        "events": checked.events,
        "warnings": checked.warnings,
        "fields": [
            {"path": f.path, "read_by": list(f.read_by), "contacts": f.contacts,
             "closest": closes(f.close), "warning": f.warning}
            for f in checked.fields
        ],
        "values": [
            {"path": v.path, "value": v.value, "read_by": list(v.read_by),
             "contacts": v.contacts, "case_differs": closes(v.spelled),
             "closest": closes(v.close), "beside_held": v.beside_held, "warning": v.warning}
            for v in checked.values
        ],
        "event_types": [
            {"type": e.type, "read_by": list(e.read_by), "events": e.events,
             "contacts": e.contacts, "closest": closes(e.close), "warning": e.warning}
            for e in checked.event_types
        ],
        "rules": [
            {"section": r.section, "name": r.name, "contacts": r.contacts, "events": r.events,
             "warning": r.warning}
            for r in checked.rules
        ],
    }  # fmt: skip


def _print(checked: DefinitionCheck) -> None:
    # A wide table is more use wrapped in a file or a pipe than cut at 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 140, highlight=False)
    console.print(
        f"[bold]{escape(checked.definition)}[/bold] against {checked.contacts:,} contacts "
        f"and {checked.events:,} events, as of {checked.at:%Y-%m-%d %H:%M} UTC"
    )
    for table in (_fields(checked), _values(checked), _event_types(checked), _rules(checked)):
        if table.row_count:
            console.print(table)
    count = checked.warnings
    console.print(f"{count} warning{'' if count == 1 else 's'}" if count else "no warnings")


def _table(title: str, *columns: str) -> Table:
    return Table(*columns, title=title, title_justify="left")


def _flag(warning: bool) -> str:
    return "[yellow]warning[/yellow]" if warning else ""


def _shown(found: tuple[Close, ...]) -> str:
    return ", ".join(f"{escape(close.name)} ({close.count:,})" for close in found)


def _fields(checked: DefinitionCheck) -> Table:
    table = _table(
        "Fields the definition reads",
        "",
        "field",
        "contacts with a value",
        "closest held",
        "read by",
    )
    for f in checked.fields:
        table.add_row(
            _flag(f.warning), f.path, f"{f.contacts:,}", _shown(f.close), _readers(f.read_by)
        )
    return table


def _values(checked: DefinitionCheck) -> Table:
    """One row per value with something to say; the values of a field, read by the same
    rules, that nothing held comes close to share a row (a list of markets often names
    many the workspace has none of)."""
    table = _table(
        "Values compared with", "", "field", "value", "contacts", "held instead", "read by"
    )
    alone: dict[tuple[str, tuple[str, ...], bool], list[ValueFinding]] = {}
    for v in checked.values:
        if v.contacts == 0 and not v.close:
            alone.setdefault((v.path, v.read_by, v.warning), []).append(v)
            continue
        held = _shown(v.close) if v.warning else f"only the case differs: {_shown(v.spelled)}"
        table.add_row(
            _flag(v.warning), v.path, escape(v.value), f"{v.contacts:,}", held, _readers(v.read_by)
        )
    for (path, read_by, warning), group in alone.items():
        words = escape(", ".join(v.value for v in group))
        held = "nothing close" if warning else "nothing close; the rules' other values are held"
        table.add_row(_flag(warning), path, words, "0", held, _readers(read_by))
    return table


def _event_types(checked: DefinitionCheck) -> Table:
    table = _table("Event types", "", "type", "events", "contacts", "closest seen", "read by")
    for e in checked.event_types:
        table.add_row(
            _flag(e.warning),
            e.type,
            f"{e.events:,}",
            f"{e.contacts:,}",
            _shown(e.close),
            _readers(e.read_by),
        )
    return table


def _rules(checked: DefinitionCheck) -> Table:
    table = _table("Rules", "", "rule", "contacts", "events")
    for r in checked.rules:
        contacts = "-" if r.contacts is None else f"{r.contacts:,}"
        events = "" if r.events is None else f"{r.events:,}"
        table.add_row(_flag(r.warning), escape(f"{r.section}: {r.name}"), contacts, events)
    return table


def _readers(read_by: tuple[str, ...]) -> str:
    shown = ", ".join(read_by[:2])
    more = len(read_by) - 2
    return escape(shown + (f" and {more} more" if more > 0 else ""))
