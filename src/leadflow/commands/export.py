"""``leadflow export leads``: leadflow's verdicts as a CSV for the CRM or a spreadsheet.

    export leads [--format generic|hubspot|salesforce] [--out FILE]
                 [--stage S] [--temperature T] [--grade G] [--lead-type L] [--owner O]
                 [--source CHANNEL] [--sales-ready | --not-sales-ready]
                 [--changed-since WHEN]

The formats and their columns are services/lead_export.py's; docs/importing.md,
"Sending verdicts back to the CRM", says how each CRM takes the file.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.options import WorkspaceOption, fail
from leadflow.ingest.instants import parse_instant
from leadflow.services.channels import held_channels
from leadflow.services.filter_words import stage_id, stored_owner
from leadflow.services.lead_export import (
    ExportFormat,
    LeadExport,
    check_request,
    write_leads,
)
from leadflow.services.lead_list import LeadFilter

__all__ = ["register"]

export_app = typer.Typer(
    help="Export leads with their stage and scores (CSV for a CRM import or a spreadsheet).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("leads")
def leads(
    fmt: ExportFormat = typer.Option(
        ExportFormat.GENERIC,
        "--format",
        "-f",
        help="generic (leadflow's columns), hubspot (a contacts import), salesforce (a Lead"
        " update for Data Loader).",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="CSV file (default: stdout)."),
    stage: str | None = typer.Option(
        None, "--stage", help="Only leads in this stage (its id or label, any case)."
    ),
    temperature: str | None = typer.Option(None, "--temperature", help="hot, warm, cold ..."),
    grade: str | None = typer.Option(None, "--grade", help="Fit grade: A, B, C or D."),
    lead_type: str | None = typer.Option(None, "--lead-type", help="sql, srl, iql, mql ..."),
    owner: str | None = typer.Option(None, "--owner", help="A rep's key or name."),
    source: str | None = typer.Option(None, "--source", help="Acquisition channel."),
    sales_ready: bool | None = typer.Option(
        None, "--sales-ready/--not-sales-ready", help="Only sales-ready leads, or only the others."
    ),
    changed_since: str | None = typer.Option(
        None,
        "--changed-since",
        help="Only leads whose qualification changed at or after this date or ISO instant"
        " (UTC unless it says otherwise): the next sync of a nightly one.",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Write the leads (qualified contacts, merged ones left out) as CSV, in contact order."""
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        fail(f"--out {out}: give a file in an existing folder")
    since = _since(changed_since)
    with workspace_session(workspace, write=False) as session:
        # Stage, owner and channel read as GET /exports/leads reads them (MQL, a rep's
        # name, Google Ads), or refused naming what they take: an empty file says "none".
        where = LeadFilter(
            stage=None if stage is None else stage_id(session, stage),
            temperature=_lower(temperature),
            grade=_upper(grade),
            lead_type=_lower(lead_type),
            owner=None if owner is None else stored_owner(session, owner),
            source=None if source is None else held_channels(session, [source])[0],
        )
        request = LeadExport(where, sales_ready, since)
        check_request(session, request)  # before the file is opened: a refusal writes none
        if out is None:
            count = _to_stdout(session, fmt, request)
        else:
            try:
                with out.open("w", encoding="utf-8", newline="") as handle:
                    count = write_leads(session, fmt, request, handle)
            except OSError as error:
                fail(f"cannot write {out}: {error.strerror}")
    where_to = "" if out is None else f" to {out}"
    typer.echo(f"{count} lead(s) exported{where_to} ({fmt.value})", err=True)


def _to_stdout(session: Session, fmt: ExportFormat, request: LeadExport) -> int:
    try:
        return write_leads(session, fmt, request, sys.stdout)
    except BrokenPipeError:
        # The reader stopped early (``| head``): not an error worth a message. Python
        # would complain once more flushing stdout at exit, so it goes to /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as error:
        fail(f"--changed-since: {error}")


def _lower(text: str | None) -> str | None:
    return None if text is None else text.strip().lower()


def _upper(text: str | None) -> str | None:
    return None if text is None else text.strip().upper()
