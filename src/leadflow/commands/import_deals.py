"""``leadflow import deals FILE.csv``: a CRM's deals with their outcomes (docs/importing.md).

    --format hubspot|salesforce|pipedrive|odoo|dynamics|zoho|generic
                                     a built-in deal layout
    --mapping MAP.yaml               any other CSV (may extend --format)
    --default-region US              the day/month order of slashed dates
    --skip-bad-rows                  import the good rows, report the bad
    --errors REPORT.csv              write every rejected row, with its reason

``leadflow import opportunities`` is the same command. All-or-nothing unless
``--skip-bad-rows``; the people whose deals changed are qualified in the same
transaction, and a won deal's company becomes a customer.
"""

from __future__ import annotations

from pathlib import Path

import typer

from leadflow.commands.import_contacts import (
    DelimiterOption,
    EncodingOption,
    ErrorsOption,
    SheetOption,
    SkipBadRowsOption,
    check_paths,
    chosen_layout,
    print_problems,
    read_as,
    region_option,
    run_with_progress,
)
from leadflow.commands.options import (
    NOTHING_FOUND,
    delimiter_option,
)
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.deal_formats import DEAL_FORMATS, get_deal_format
from leadflow.ingest.deal_formats.mapping import load_deal_mapping
from leadflow.ingest.formats import Layout
from leadflow.services.import_deals import DealImport, DealImportOptions, import_deals

__all__ = ["register"]


def register(group: typer.Typer) -> None:
    group.command("deals")(deals)
    group.command("opportunities", help="The same as `import deals`.")(deals)


def deals(
    file: Path = typer.Argument(
        ..., help="CSV file or .xlsx workbook of deals to import.", dir_okay=False
    ),
    format_name: str | None = typer.Option(
        None, "--format", "-f", help=f"Built-in deal layout: {', '.join(DEAL_FORMATS)}."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping file for any other CSV.", dir_okay=False
    ),
    default_region: str | None = typer.Option(
        None, "--default-region", help="Country whose date order slashed dates use (e.g. US)."
    ),
    skip_bad_rows: bool = SkipBadRowsOption,
    errors: Path | None = ErrorsOption,
    encoding: str | None = EncodingOption,
    delimiter: str | None = DelimiterOption,
    sheet: str | None = SheetOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Import deals (opportunities) from a HubSpot, Salesforce, Pipedrive, Odoo, Dynamics 365
    or Zoho export, or any CSV with a mapping: won, lost and open, linked to their contacts
    and accounts."""
    check_paths(file, errors)
    options = DealImportOptions(
        layout=_layout(format_name, mapping),
        default_region=region_option(default_region),
        skip_bad_rows=skip_bad_rows,
        errors=errors,
        encoding=encoding,
        delimiter=delimiter_option(delimiter),
        sheet=sheet,
    )
    summary = _run(file, options, workspace)
    if summary.rows == 0:
        fail(NOTHING_FOUND.format(file=file))
    _print(summary, options)
    if not summary.committed:
        raise typer.Exit(1)


def _layout(format_name: str | None, mapping: Path | None) -> Layout:
    return chosen_layout(format_name, mapping, DEAL_FORMATS, get_deal_format, load_deal_mapping)


def _run(file: Path, options: DealImportOptions, workspace: Path | None) -> DealImport:
    return run_with_progress(
        "deals",
        file,
        workspace,
        lambda engine, on_progress: import_deals(
            engine, file, options, clock=SystemClock(), on_progress=on_progress
        ),
    )


def _print(summary: DealImport, options: DealImportOptions) -> None:
    print_problems(
        summary.path, summary.header_notes, summary.problems, summary.rejected, options.errors
    )
    if summary.unknown_columns:
        names = ", ".join(repr(name) for name in summary.unknown_columns[:8])
        more = len(summary.unknown_columns) - 8
        typer.echo(
            f"{len(summary.unknown_columns)} columns not in deal format {summary.format!r}, "
            f"not read: {names}{f' and {more} more' if more > 0 else ''}",
            err=True,
        )
    dialect = read_as(summary.encoding, summary.delimiter, summary.sheet)
    if not summary.committed:
        typer.echo(
            f"nothing written: {summary.rejected} of {summary.rows} rows rejected "
            f"(all-or-nothing; --skip-bad-rows imports the good ones) [{dialect}]",
            err=True,
        )
        return
    qualified = (
        f"{summary.qualified} contacts qualified"
        if summary.qualified is not None
        else "not qualified (no active definition)"
    )
    repeated = (
        f", {summary.repeated} repeated (a later row of the deal wins)" if summary.repeated else ""
    )
    typer.echo(
        f"{summary.rows} rows (deals, {summary.format}, {dialect}): {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.rejected} rejected"
        f"{repeated}; {summary.won} won, {summary.lost} lost, {summary.open} open "
        f"({summary.account_level} of a company only); "
        f"{summary.customers} accounts became customers; {qualified}"
    )
