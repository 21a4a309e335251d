"""``leadflow import activities FILE``: a CRM's calls, e-mails and meetings (docs/importing.md).

    --format hubspot|salesforce|pipedrive|odoo|dynamics|zoho|generic
                                     a built-in activity layout
    --mapping MAP.yaml               any other export (may extend --format)
    --default-region US              the day/month order of slashed dates
    --skip-bad-rows                  import the good rows, report the bad
    --errors REPORT.csv              write every rejected row, with its reason

Each done activity on a lead sales held then is logged as an attempt (or a
conversation) at its own moment; all-or-nothing unless ``--skip-bad-rows``.
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
from leadflow.commands.options import NOTHING_FOUND, delimiter_option
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.activity_formats import ACTIVITY_FORMATS, get_activity_format
from leadflow.ingest.activity_formats.mapping import load_activity_mapping
from leadflow.services.import_activities import (
    ActivityImport,
    ActivityImportOptions,
    import_activities,
)

__all__ = ["register"]


def register(group: typer.Typer) -> None:
    group.command("activities")(activities)


def activities(
    file: Path = typer.Argument(
        ..., help="CSV file or .xlsx workbook of activities to import.", dir_okay=False
    ),
    format_name: str | None = typer.Option(
        None, "--format", "-f", help=f"Built-in activity layout: {', '.join(ACTIVITY_FORMATS)}."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping file for any other export.", dir_okay=False
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
    """Import calls, e-mails and meetings logged in Salesforce, HubSpot, Pipedrive, Odoo,
    Dynamics 365 or Zoho (or any CSV with a mapping) as sales' attempts, each at the moment
    it happened."""
    check_paths(file, errors)
    options = ActivityImportOptions(
        layout=chosen_layout(
            format_name, mapping, ACTIVITY_FORMATS, get_activity_format, load_activity_mapping
        ),
        default_region=region_option(default_region),
        skip_bad_rows=skip_bad_rows,
        errors=errors,
        encoding=encoding,
        delimiter=delimiter_option(delimiter),
        sheet=sheet,
    )
    summary = run_with_progress(
        "activities",
        file,
        workspace,
        lambda engine, on_progress: import_activities(
            engine, file, options, clock=SystemClock(), on_progress=on_progress
        ),
    )
    if summary.rows == 0:
        fail(NOTHING_FOUND.format(file=file))
    _print(summary, options)
    if not summary.committed:
        raise typer.Exit(1)


def _print(summary: ActivityImport, options: ActivityImportOptions) -> None:
    print_problems(
        summary.path, summary.header_notes, summary.problems, summary.rejected, options.errors
    )
    if summary.unknown_columns:
        names = ", ".join(repr(name) for name in summary.unknown_columns[:8])
        more = len(summary.unknown_columns) - 8
        typer.echo(
            f"{len(summary.unknown_columns)} columns not in activity format "
            f"{summary.format!r}, not read: {names}{f' and {more} more' if more > 0 else ''}",
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
    for line in summary_lines(summary, dialect):
        typer.echo(line)


def summary_lines(summary: ActivityImport, dialect: str) -> list[str]:
    """The summary: what was logged, then each kind of row left alone, with its count."""
    lines = [
        f"{summary.rows} rows (activities, {summary.format}, {dialect}): "
        f"{summary.attempts} attempts and {summary.conversations} conversations logged at "
        f"their own time, {summary.rejected} rejected"
    ]
    said = [
        (summary.accepted, "hand-offs nobody had answered, accepted at their first activity"),
        (summary.breaches, "SLA breaches at the activities' moments"),
        (summary.without_outcome, "done without an outcome (logged as no answer; a meeting "
                                  "as connected)"),
        (summary.known, "imported before (nothing changed)"),
        (summary.repeated, "repeating an activity id earlier in the file"),
        (summary.planned, "planned, not done"),
        (summary.no_touch, f"not a call, e-mail, meeting or LinkedIn message "
                           f"({_kinds(summary)})"),
        (summary.nobody, "for people leadflow does not hold"),
        (summary.before_handoff, "before the lead was handed off"),
        (summary.not_held, "while sales did not hold the lead (never handed off, rejected, "
                           "or finished by then)"),
    ]  # fmt: skip
    lines += [f"  {count} {words}" for count, words in said if count]
    if summary.unknown_reps:
        names = ", ".join(f"{name!r} ({n})" for name, n in summary.unknown_reps.most_common(8))
        lines.append(
            f"  {sum(summary.unknown_reps.values())} by reps leadflow does not know (or who "
            f"left), logged as the lead's owner's: {names}"
        )
    return lines


def _kinds(summary: ActivityImport) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in summary.no_touch_kinds.most_common(4))
