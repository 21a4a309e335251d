"""``leadflow gdpr export|erase PERSON``: a data subject's request, answered from the shell.

Requests arrive as an e-mail address more often than as a contact id, so PERSON is
either. Both reach every record of the person (merged records included), as the API's
``GET /contacts/{id}/export`` and ``DELETE /contacts/{id}`` do.

export PERSON [--out FILE]   every row held about them, as JSON (stdout or FILE)
erase PERSON [--yes]         delete them everywhere; asks first unless --yes
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.options import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services.contacts import find_contact
from leadflow.services.gdpr import erase_person, export_person

__all__ = ["register"]

gdpr_app = typer.Typer(
    help="GDPR requests of one person: export what is held (art. 15), erase it (art. 17).",
    no_args_is_help=True,
)

PersonArgument = typer.Argument(..., help="The person's contact id or e-mail address.")


def register(app: typer.Typer) -> None:
    app.add_typer(gdpr_app, name="gdpr")


@gdpr_app.command("export")
def export(
    person: str = PersonArgument,
    out: Path | None = typer.Option(
        None, "--out", "-o", dir_okay=False, help="Write the JSON to this file, not stdout."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Print every row held about the person as JSON (their contact records, events,
    consents, qualification, stage history, sales work, merges and webhook messages)."""
    if out is not None and not out.parent.is_dir():
        fail(f"no folder {out.parent} to write {out.name} in")
    with workspace_session(workspace) as session:
        held = export_person(session, find_contact(session, person))
    text = json.dumps(held, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    rows = sum(len(rows) for rows in held["data"].values())
    typer.echo(f"wrote {rows} rows about contact {held['contact_id']} to {out}", err=True)


@gdpr_app.command("erase")
def erase(
    person: str = PersonArgument,
    yes: bool = typer.Option(False, "--yes", "-y", help="Erase without asking."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Delete the person everywhere (cannot be undone); prints how many rows went."""
    with workspace_session(workspace) as session:
        contact_id = find_contact(session, person)
        if not yes:  # the question shows what would go; --yes need not read it all first
            held = export_person(session, contact_id)
            records = ", ".join(str(record) for record in held["contact_ids"])
            rows = sum(len(rows) for rows in held["data"].values())
            question = f"erase contact {records} and {rows} rows about them? This cannot be undone"
            if not typer.confirm(question, default=False):
                fail("nothing erased")
        done = erase_person(session, contact_id, now=SystemClock().now())
    records = ", ".join(str(record) for record in done["contact_ids"])
    counts = ", ".join(f"{table} {count}" for table, count in sorted(done["erased"].items()))
    typer.echo(f"erased contact {records}: {counts}")
