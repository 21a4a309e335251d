"""``leadflow import accounts FILE.csv [--format hubspot]``: companies from a CRM export (see
ingest/accounts.py); ``--format`` says which CRM's ids the file holds (default generic)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from leadflow.commands.import_contacts import SheetOption
from leadflow.commands.options import (
    NOTHING_FOUND,
    database_problem,
    delimiter_option,
    workspace_settings,
)
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.accounts import GENERIC
from leadflow.ingest.accounts_mapping import load_account_mapping
from leadflow.ingest.formats import FORMATS, id_system
from leadflow.services.import_accounts import AccountImport, import_accounts
from leadflow.store.database import engine_from_settings

__all__ = ["register"]

_SHOWN_PROBLEMS = 50


def register(group: typer.Typer) -> None:
    group.command("accounts")(accounts)


def accounts(
    file: Path = typer.Argument(
        ..., help="CSV or .xlsx of companies (HubSpot, Salesforce, generic).", dir_okay=False
    ),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Import the good rows even if some are bad."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping file for other headers.", dir_okay=False
    ),
    encoding: str | None = typer.Option(None, "--encoding", help="Override encoding detection."),
    delimiter: str | None = typer.Option(
        None, "--delimiter", help="Override delimiter detection: ',', ';', 'tab' or '|'."
    ),
    sheet: str | None = SheetOption,
    file_format: str = typer.Option(
        GENERIC,
        "--format",
        "-f",
        help=f"The CRM whose ids the file holds: {', '.join(FORMATS)}.",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Import accounts (industry, size, revenue, country, owner) and re-qualify their contacts."""
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        system = id_system(file_format)
    except ValueError as error:
        fail(str(error))
    try:
        columns = load_account_mapping(mapping) if mapping is not None else None
    except ValueError as error:
        fail(str(error))
    engine = engine_from_settings(workspace_settings(workspace))
    try:
        report = import_accounts(
            engine,
            file,
            clock=SystemClock(),
            skip_bad_rows=skip_bad_rows,
            mapping=columns,
            encoding=encoding,
            delimiter=delimiter_option(delimiter),
            sheet=sheet,
            system=system,
        )
    except (ValueError, LookupError) as error:  # LookupError: no active definition
        fail(str(error))
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
    if report.rows == 0:
        fail(NOTHING_FOUND.format(file=file))
    _print(file, report)
    if not report.committed:
        raise typer.Exit(1)


def _print(file: Path, report: AccountImport) -> None:
    for note in report.header_notes:
        typer.echo(f"{file}: {note}", err=True)
    for line, reason in report.problems[:_SHOWN_PROBLEMS]:
        typer.echo(f"{file}:{line}: {reason}", err=True)
    if not report.committed:
        typer.echo(
            f"nothing imported: {report.rejected} bad rows of {report.rows} "
            "(fix them, or use --skip-bad-rows)",
            err=True,
        )
        return
    read = f", sheet {report.sheet!r}" if report.sheet is not None else ""
    typer.echo(
        f"accounts ({report.system} ids{read}): {report.created} created, "
        f"{report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected; "
        f"{report.requalified} contacts re-qualified"
    )
