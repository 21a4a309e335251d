"""``leadflow import contacts FILE.csv|FILE.xlsx``: import a CRM export of contacts
(docs/importing.md).

    --format hubspot|salesforce|marketo|odoo|mautic|pipedrive|dynamics|zoho|pardot|generic
                                     a built-in column layout
    --mapping MAP.yaml               any other CSV (may extend --format)
    --default-region NL              for national phone numbers
    --skip-bad-rows                  import the good rows, report the bad
    --errors REPORT.csv              write every rejected row, with its reason
    --sheet NAME                     the sheet of an .xlsx workbook (default: the first visible one)

Without ``--skip-bad-rows`` the import is all-or-nothing: one bad row, nothing written.
The contacts it creates, changes or merges into are qualified in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import phonenumbers
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from leadflow.commands.options import (
    NOTHING_FOUND,
    database_problem,
    delimiter_option,
    workspace_settings,
)
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.convert import HeaderError
from leadflow.ingest.countries import country_code
from leadflow.ingest.formats import FORMATS, Layout, UnknownColumns, get_format
from leadflow.ingest.formats.layout import id_system_of
from leadflow.ingest.formats.mapping_file import load_mapping
from leadflow.ingest.record import RowError
from leadflow.ingest.table import TableError
from leadflow.services.import_contacts import (
    ContactImport,
    ImportOptions,
    OnProgress,
    import_contacts,
)
from leadflow.store.database import engine_from_settings

__all__ = [
    "SHOWN_PROBLEMS",
    "DelimiterOption",
    "EncodingOption",
    "ErrorsOption",
    "SheetOption",
    "SkipBadRowsOption",
    "check_paths",
    "chosen_layout",
    "delimiter_name",
    "print_problems",
    "read_as",
    "region_option",
    "register",
    "run_with_progress",
]

_Summary = TypeVar("_Summary")  # what an import answers (ContactImport, DealImport)

SHOWN_PROBLEMS = 20

# The options every CSV import of records (contacts, deals) takes, declared once.
SkipBadRowsOption = typer.Option(
    False, "--skip-bad-rows", help="Import the good rows even if some are rejected."
)
ErrorsOption = typer.Option(
    None, "--errors", help="Write rejected rows (line, reason, row) to this CSV.", dir_okay=False
)
EncodingOption = typer.Option(None, "--encoding", help="Override encoding detection.")
DelimiterOption = typer.Option(
    None, "--delimiter", help="Override delimiter detection: ',', ';', 'tab' or '|'."
)
SheetOption = typer.Option(
    None, "--sheet", help="The sheet of an .xlsx workbook to read (default: the first visible one)."
)


def check_paths(file: Path, errors: Path | None) -> None:
    """End the command at once when the file is missing or the error report has no folder."""
    if not file.is_file():
        fail(f"{file}: no such file")
    if errors is not None and not errors.parent.is_dir():
        fail(f"--errors: folder {errors.parent} does not exist")


def register(group: typer.Typer) -> None:
    group.command("contacts")(contacts)


def contacts(
    file: Path = typer.Argument(..., help="CSV file or .xlsx workbook to import.", dir_okay=False),
    format_name: str | None = typer.Option(
        None, "--format", "-f", help=f"Built-in layout: {', '.join(FORMATS)}."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping file for any other CSV.", dir_okay=False
    ),
    default_region: str | None = typer.Option(
        None, "--default-region", help="Country for phone numbers without +code (e.g. NL)."
    ),
    skip_bad_rows: bool = SkipBadRowsOption,
    errors: Path | None = ErrorsOption,
    encoding: str | None = EncodingOption,
    delimiter: str | None = DelimiterOption,
    sheet: str | None = SheetOption,
    batch_size: int = typer.Option(1000, "--batch-size", min=1, max=50_000, help="Rows per batch."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Import contacts from a HubSpot, Salesforce, Marketo, Odoo or Mautic export (CSV or
    .xlsx), or any CSV or workbook with a mapping."""
    check_paths(file, errors)
    options = ImportOptions(
        layout=_layout(format_name, mapping),
        default_region=region_option(default_region),
        skip_bad_rows=skip_bad_rows,
        errors=errors,
        encoding=encoding,
        delimiter=delimiter_option(delimiter),
        sheet=sheet,
        batch_size=batch_size,
    )
    summary = _run(file, options, workspace)
    if summary.rows == 0:
        fail(NOTHING_FOUND.format(file=file))
    _print(summary, options)
    if not summary.committed:
        raise typer.Exit(1)


def _layout(format_name: str | None, mapping: Path | None) -> Layout:
    return chosen_layout(format_name, mapping, FORMATS, get_format, load_mapping)


def chosen_layout(
    format_name: str | None,
    mapping: Path | None,
    formats: Iterable[str],
    get: Callable[[str], Layout],
    load: Callable[[Path], Layout],
) -> Layout:
    """The layout ``--format`` and ``--mapping`` name (a mapping file extends a format it
    is given with); a missing choice or a bad one ends the command in one line. The deal
    import asks the same of its own formats (``get``, ``load``)."""
    if format_name is None and mapping is None:
        fail(f"give --format ({', '.join(formats)}) or --mapping MAP.yaml")
    try:
        if mapping is None:
            return get(str(format_name))
        layout = load(mapping)
        return get(format_name).extended(layout) if format_name else layout
    except ValueError as error:
        fail(str(error))


def region_option(text: str | None) -> str | None:
    """``--default-region`` as an ISO code (the deal import reads it too)."""
    if text is None:
        return None
    code = country_code(text)
    if code is None or code not in phonenumbers.SUPPORTED_REGIONS:
        fail(f"--default-region: {text!r} is not a country (give an ISO code such as NL)")
    return code


def run_with_progress(
    label: str,
    file: Path,
    workspace: Path | None,
    importing: Callable[[Engine, OnProgress], _Summary],
) -> _Summary:
    """Run a CSV import (``importing(engine, on_progress)``) on the workspace's database
    behind a progress bar over the file's bytes; what stops it ends as one line."""
    engine = engine_from_settings(workspace_settings(workspace))
    columns = (TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("import", total=file.stat().st_size)
            return importing(
                engine, lambda done, total: progress.update(task, completed=done, total=total)
            )
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    except (TableError, HeaderError) as error:  # the file or its header cannot be imported
        fail(str(error))
    finally:
        engine.dispose()


def print_problems(
    path: Path,
    header_notes: Sequence[str],
    problems: Sequence[RowError],
    rejected: int,
    errors: Path | None,
) -> None:
    """An import's notes on its header, its first bad rows as FILE:LINE: reason, and
    where the rest went."""
    for note in header_notes:
        typer.echo(f"{path}: {note}", err=True)
    for problem in problems[:SHOWN_PROBLEMS]:
        typer.echo(f"{path}:{problem.line}: {problem.reason}", err=True)
    hidden = rejected - min(len(problems), SHOWN_PROBLEMS)
    if hidden > 0:
        typer.echo(f"... and {hidden} more rejected rows", err=True)
    if errors is not None and rejected:
        typer.echo(f"rejected rows written to {errors}", err=True)


def _run(file: Path, options: ImportOptions, workspace: Path | None) -> ContactImport:
    return run_with_progress(
        "contacts",
        file,
        workspace,
        lambda engine, on_progress: import_contacts(
            engine, file, options, clock=SystemClock(), on_progress=on_progress
        ),
    )


def _print(summary: ContactImport, options: ImportOptions) -> None:
    print_problems(
        summary.path, summary.header_notes, summary.problems, summary.rejected, options.errors
    )
    if summary.unknown_columns:
        _print_unknown(summary, options)
    dialect = read_as(summary.encoding, summary.delimiter, summary.sheet)
    if not summary.committed:
        typer.echo(
            f"nothing written: {summary.rejected} of {summary.rows} rows rejected "
            f"(all-or-nothing; --skip-bad-rows imports the good ones) [{dialect}]",
            err=True,
        )
        return
    language = f", headers in {summary.header_language}" if summary.header_language else ""
    typer.echo(
        f"{summary.rows} rows ({summary.format}{language}, {dialect}): {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.merged} merged, "
        f"{summary.rejected} rejected; {summary.accounts_created} accounts created, "
        f"{summary.consents_changed} consents set, "
        f"{summary.consents_kept} withdrawals kept over older grants; "
        + (
            f"{summary.qualified} contacts qualified"
            if summary.qualified is not None
            else "not qualified (no active definition)"
        )
    )
    if summary.unknown_company_ids:
        system = id_system_of(options.layout)
        typer.echo(
            f"warning: {summary.unknown_company_ids} rows name a company id no account has "
            f"in {system} (joined by their e-mail domain's account, if any, and no account "
            f"was created for them): import the companies first (leadflow import accounts "
            f"--format {options.layout.name}) and this file again",
            err=True,
        )


def read_as(encoding: str, delimiter: str, sheet: str | None) -> str:
    """How the file was read, for the summary: ``utf-8, ','`` or ``sheet 'Contacts'``."""
    if sheet is not None:
        return f"sheet {sheet!r}"
    return f"{encoding}, {delimiter_name(delimiter)}"


def delimiter_name(delimiter: str) -> str:
    """``','`` quoted as Python writes it; a tab by name (its repr is an escape)."""
    # The conversion must not cover the name: in an f-string, ``!r`` applies to the
    # whole conditional expression, which printed the name itself quoted ('tab').
    return "tab" if delimiter == "\t" else repr(delimiter)


def _print_unknown(summary: ContactImport, options: ImportOptions) -> None:
    """Columns the format does not know: custom fields, or a sign of the wrong --format."""
    unknown = summary.unknown_columns
    names = ", ".join(repr(name) for name in unknown[:8])
    more = f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""
    fate = {
        UnknownColumns.ATTRIBUTES: "kept as custom attributes",
        UnknownColumns.IGNORE: "ignored",
    }.get(options.layout.unknown_columns, "refused")
    plural = "s" if len(unknown) != 1 else ""
    typer.echo(
        f"{len(unknown)} column{plural} not in format {summary.format!r}, {fate}: {names}{more}",
        err=True,
    )
