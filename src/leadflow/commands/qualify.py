"""``leadflow qualify``: qualify one person and explain every point.

    qualify --definition DEF --facts FILE.json    a facts document, without a database
    qualify --contact ID|EMAIL [--definition DEF]  a workspace's contact, its whole history,
                                                  under the active definition or DEF
    qualify --repair [--apply]                    leads a stale sales action moved to the
                                                  sales-ready stage: listed; moved back

For trying a definition (a preset or a team's file) on one person: what stage, whether
sales-ready, and every point explained. ``--json`` prints the Qualification's JSON form.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from leadflow.commands.options import WorkspaceOption
from leadflow.definition.loader import DefinitionError, load_definition
from leadflow.definition.model import Definition
from leadflow.domain.clock import SystemClock, parse_instant
from leadflow.domain.qualification import Qualification
from leadflow.engine import qualify
from leadflow.ingest.facts_document import FactsDocumentError, load_facts_document

if TYPE_CHECKING:  # the store is imported only by the paths that use it
    from leadflow.services.stale_stages import StuckLead

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("qualify")(qualify_command)


def qualify_command(
    definition: str | None = typer.Option(
        None,
        "--definition",
        help="A definition file, or a preset name (e.g. waterfall). Needed with --facts;"
        " with --contact, a candidate tried instead of the workspace's active definition.",
    ),
    facts: Path | None = typer.Option(
        None, "--facts", help="The person's facts document (JSON), without a database."
    ),
    contact: str | None = typer.Option(
        None,
        "--contact",
        help="A contact of the workspace, by id or e-mail address: its stored facts and"
        " whole event history.",
    ),
    workspace: Path | None = WorkspaceOption,
    now: str | None = typer.Option(
        None, "--now", help="Qualify as of this ISO instant (default: the current time)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    repair: bool = typer.Option(
        False,
        "--repair",
        help="List the workspace's leads that a sales action already stale when it arrived"
        " moved to the sales-ready stage (nothing is written).",
    ),
    apply: bool = typer.Option(
        False, "--apply", help="With --repair: move them back, recorded in the stage ledger."
    ),
) -> None:
    """Qualify one person: stage, sales-ready, fit, engagement, temperature, lead type."""
    if repair or apply:
        _repair(workspace, apply=apply, alone=not (facts or contact or definition or now))
        return
    if (facts is None) == (contact is None):
        _fail("give either --facts FILE (with --definition) or --contact ID|EMAIL")
    moment = _moment(now)
    compiled = None if definition is None else _definition(definition)
    if contact is not None:
        _qualify_contact(contact, workspace, compiled, moment, as_json=as_json)
        return
    assert facts is not None
    if compiled is None:
        _fail("--facts needs --definition (a file or a preset name)")
    try:
        person = load_facts_document(facts)
    except FactsDocumentError as error:
        _fail(*error.errors)
    result = qualify(person, compiled, moment)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(result, compiled)


def _qualify_contact(
    who: str,
    workspace: Path | None,
    candidate: Definition | None,
    moment: datetime,
    *,
    as_json: bool,
) -> None:
    """A stored contact recomputed over its whole history (nothing is written)."""
    # Imported here: the facts-document path above needs no store.
    from leadflow.commands.api_keys import workspace_session
    from leadflow.services.contact_qualification import qualify_contact
    from leadflow.services.contacts import find_contact
    from leadflow.services.definitions import active_definition

    with workspace_session(workspace) as session:
        contact_id = find_contact(session, who)
        found = qualify_contact(session, contact_id, moment, definition=candidate)
        shown = candidate or active_definition(session).definition
    result = found.qualification
    if as_json:
        document = {"contact_id": contact_id, "lifecycle_stage": found.lifecycle_stage}
        typer.echo(json.dumps({**document, **result.to_dict()}, indent=2, ensure_ascii=False))
        return
    _print(result, shown, contact=(contact_id, found.lifecycle_stage))


def _repair(workspace: Path | None, *, apply: bool, alone: bool) -> None:
    """Leads standing in a stage only a stale sales action let them into
    (services/stale_stages.py): listed, and with ``apply`` moved back."""
    from leadflow.commands.api_keys import workspace_session
    from leadflow.services.stale_stages import (
        REPAIR_ACTOR,
        find_stuck_leads,
        repair_stuck_leads,
    )

    if not alone:
        _fail("--repair works on the whole workspace: give no --facts, --contact, --definition"
              " or --now")  # fmt: skip
    clock = SystemClock()
    with workspace_session(workspace) as session:
        if apply:
            leads = repair_stuck_leads(session, clock=clock)
        else:
            leads = find_stuck_leads(session, clock.now())
    for lead in leads:
        who = f"contact {lead.contact_id}" + (f" {lead.email}" if lead.email else "")
        if lead.held_by_sales:
            typer.echo(f"{who}: left in {lead.stage}, sales holds it (an open hand-off;"
                       f" reject it if it is no lead for sales): {lead.why}")  # fmt: skip
        else:
            typer.echo(f"{who}: {lead.stage} -> {lead.back_to}: {lead.why}")
    typer.echo(_repair_summary(leads, apply=apply, actor=REPAIR_ACTOR))


def _repair_summary(leads: list[StuckLead], *, apply: bool, actor: str) -> str:
    movable = sum(not lead.held_by_sales for lead in leads)
    if not leads:
        return "no lead stands in a stage that only a stale sales action let it into"
    if apply:
        return f"{movable} lead(s) moved back, each recorded in the stage ledger by {actor}"
    return f"{movable} lead(s) to move back; nothing written: run with --apply to record the moves"


def _definition(name: str) -> Definition:
    try:
        return load_definition(name)
    except DefinitionError as error:
        _fail(*(str(problem) for problem in error.errors))


def _moment(text: str | None) -> datetime:
    if text is None:
        return SystemClock().now()
    try:
        return parse_instant(text)
    except ValueError as error:
        _fail(f"--now: {error}")


def _fail(*lines: str) -> NoReturn:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(1)


def _print(
    result: Qualification,
    definition: Definition,
    *,
    contact: tuple[int, str | None] | None = None,
) -> None:
    console = Console()
    table = Table(title=f"{definition.name} {definition.version}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    if contact is not None:
        contact_id, where = contact
        table.add_row("contact", str(contact_id))
        # Moves are forward-only: the lead may stand further on than its rules reach now.
        table.add_row("lifecycle stage", _stage_label(definition, where))
    table.add_row("stage", _stage_label(definition, result.stage))
    ready = "yes" if result.sales_ready else "no"
    table.add_row("sales-ready", f"{ready}: {result.sales_ready_reason}")
    table.add_row("fit", f"{result.fit.score:g} (grade {result.fit.grade})")
    table.add_row("engagement", f"{result.engagement.score:.2f}")
    table.add_row("temperature", f"{result.temperature} (BANT {result.bant.met} of 4)")
    origin = ", purchased origin" if result.purchased else ""
    table.add_row("lead type", f"{result.lead_type}{origin}")
    table.add_row("identity", str(result.identity))
    table.add_row("as of", result.at.isoformat())
    console.print(table)
    lines = list(result.explanation)
    if contact is not None and _ahead(definition, contact[1], result.stage):
        lines.append(
            f"lifecycle stage: {_stage_label(definition, contact[1])}: where the lead stands;"
            " moves are forward-only, so it stays here while its rules now give the stage"
            f" below ({_stage_label(definition, result.stage)})"
        )
    console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def _ahead(definition: Definition, where: str | None, stage: str | None) -> bool:
    """Whether the lead stands in a later stage than its rules give it now (a sales
    action gone stale, points faded): the two rows would otherwise contradict each other."""
    order = [known.id for known in definition.stages]
    if where not in order:
        return False
    return stage not in order or order.index(where) > order.index(stage)


def _stage_label(definition: Definition, stage: str | None) -> str:
    if stage is None:
        return "none"
    try:
        label = definition.stages[definition.stage_index(stage)].label()
    except ValueError:  # an off-ramp (nurture, disqualified), or not this one's
        return stage
    return label if label == stage else f"{label} ({stage})"
