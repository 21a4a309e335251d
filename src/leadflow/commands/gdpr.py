"""``leadflow gdpr export|erase PERSON``: a data subject's request, answered from the shell.

Requests arrive as an e-mail address more often than as a contact id, so PERSON is
either. Both reach every record of the person (merged records included), as the API's
``GET /contacts/{id}/export`` and ``DELETE /contacts/{id}`` do. An address also reaches
what is held under it without a contact (a double opt-in confirmation still pending),
even when nobody has it as a contact; ``--email`` adds another address of the person's.

export PERSON [--email ADDR ...] [--out FILE]   every row held about them, as JSON
erase PERSON [--email ADDR ...] [--yes] [--reason erasure|objection]
                             delete them everywhere; asks first unless --yes; their
                             address and phone go on the suppression list (hashed)
suppressions                 the suppression list: counts, moments, reasons (no address)
suppressed [EMAIL] [--phone P]   whether an address or phone is suppressed
lift [EMAIL] [--phone P] --why TEXT [--yes]   lift one (recorded: when, by, why)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.options import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services.gdpr import erase_person, export_person, find_person
from leadflow.services.refusals import NotFoundError
from leadflow.services.suppression import (
    Reason,
    check_suppressed,
    lift,
    list_suppressions,
)

__all__ = ["register"]

gdpr_app = typer.Typer(
    help="GDPR requests of one person: export what is held (art. 15), erase it (art. 17); "
    "the suppression list of erased people.",
    no_args_is_help=True,
)

PersonArgument = typer.Argument(..., help="The person's contact id or e-mail address.")
AlsoOption = typer.Option(
    [], "--email", help="Another address of the person's (repeatable): what is held under it."
)


def register(app: typer.Typer) -> None:
    app.add_typer(gdpr_app, name="gdpr")


@gdpr_app.command("export")
def export(
    person: str = PersonArgument,
    also: list[str] = AlsoOption,
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
        contact_id, named = find_person(session, person)
        held = export_person(session, contact_id, addresses=[*named, *also])
    text = json.dumps(held, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    rows = sum(len(rows) for rows in held["data"].values())
    typer.echo(f"wrote {rows} rows about {_whom(held['contact_ids'])} to {out}", err=True)


@gdpr_app.command("erase")
def erase(
    person: str = PersonArgument,
    also: list[str] = AlsoOption,
    yes: bool = typer.Option(False, "--yes", "-y", help="Erase without asking."),
    reason: Reason = typer.Option(
        Reason.ERASURE,
        "--reason",
        help="erasure (art. 17), or objection to direct marketing (art. 21).",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Delete the person everywhere (cannot be undone); prints how many rows went. Their
    addresses and phone numbers go on the suppression list (keyed hashes only), so no
    import, API call or event brings them back."""
    with workspace_session(workspace) as session:
        contact_id, named = find_person(session, person)
        addresses = [*named, *also]
        # The question shows what would go; --yes need not read it all first. Nothing held
        # at all: no question (an address erased before is said so, else not found).
        held = None if yes else _held_or_none(session, contact_id, addresses)
        if held is not None:
            rows = sum(len(rows) for rows in held["data"].values())
            whom = _whom(held["contact_ids"])
            question = f"erase {whom} and {rows} rows about them? This cannot be undone"
            if not typer.confirm(question, default=False):
                fail("nothing erased")
        now = SystemClock().now()
        done = erase_person(session, contact_id, now=now, reason=reason, addresses=addresses)
    if done["already_erased"]:
        typer.echo("already erased: nothing is held under this address, which is on the"
                   " suppression list")  # fmt: skip
        return
    counts = ", ".join(f"{table} {count}" for table, count in sorted(done["erased"].items()))
    typer.echo(f"erased {_whom(done['contact_ids'])}: {counts}")
    typer.echo(f"suppressed {done['suppressed']} address(es) and phone number(s) ({reason})")


def _held_or_none(
    session: Session, contact_id: int | None, addresses: list[str]
) -> dict[str, Any] | None:
    try:
        return export_person(session, contact_id, addresses=addresses)
    except NotFoundError:
        return None


def _whom(contact_ids: list[int]) -> str:
    """``contact 1, 2``, or what a request by address alone reached."""
    if not contact_ids:
        return "what is held under the address (no contact)"
    return "contact " + ", ".join(str(record) for record in contact_ids)


EmailArgument = typer.Argument(None, help="The e-mail address.")
PhoneOption = typer.Option(None, "--phone", help="A phone number, international (+<country>...).")


@gdpr_app.command("suppressions")
def suppressions(workspace: Path | None = WorkspaceOption) -> None:
    """List the suppression list: how many are in force, and each one's kind, moment and
    reason, and when, by whom and why it was lifted. Never an address: only hashes are
    kept."""
    with workspace_session(workspace) as session:
        found, after = list_suppressions(session, limit=500), None
        rows = list(found.rows)
        while len(found.rows) == 500:
            after = found.rows[-1].id
            found = list_suppressions(session, after=after, limit=500)
            rows += found.rows
    typer.echo(f"{found.in_force} in force, {found.lifted} lifted")
    for row in rows:
        line = f"{row.id}\t{row.kind}\t{row.reason}\t{row.suppressed_at.isoformat()}"
        if row.lifted_at is not None:
            line += f"\tlifted {row.lifted_at.isoformat()} by {row.lifted_by}: {row.lift_reason}"
        typer.echo(line)


@gdpr_app.command("suppressed")
def suppressed(
    email: str | None = EmailArgument,
    phone: str | None = PhoneOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Say whether an address or phone number is on the suppression list (exit 1 if not)."""
    with workspace_session(workspace) as session:
        found = check_suppressed(session, email=email, phone=phone)
    if not found:
        typer.echo("not suppressed")
        raise typer.Exit(1)
    for item in found:
        when = item.suppressed_at.isoformat()
        typer.echo(f"suppressed: {item.kind} since {when} ({item.reason})")


@gdpr_app.command("lift")
def lift_suppression(
    email: str | None = EmailArgument,
    phone: str | None = PhoneOption,
    why: str = typer.Option(
        ..., "--why", help="Why it is lifted, on record (do not write the person's name)."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Lift without asking."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Lift a suppression (the person asked to be added again): the next import or API
    call may create them. Kept on record: when, by the command line, and why."""
    if not why.strip():
        fail("--why needs a reason")
    if not yes and not typer.confirm("lift the suppression? They may be re-added", default=False):
        fail("nothing lifted")
    with workspace_session(workspace) as session:
        now = SystemClock().now()
        lifted = lift(session, email=email, phone=phone, by="cli", why=why.strip(), now=now)
        session.commit()
    typer.echo(f"lifted {lifted} suppression(s)")
