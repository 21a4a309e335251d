"""``leadflow qualify``: qualify one person from a facts document, without a database.

For trying a definition (a preset or a team's file) on one person: what stage, whether
sales-ready, and every point explained. ``--json`` prints the Qualification's JSON form.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from leadflow.definition.loader import DefinitionError, load_definition
from leadflow.definition.model import Definition
from leadflow.domain.clock import SystemClock, parse_instant
from leadflow.domain.qualification import Qualification
from leadflow.engine import qualify
from leadflow.ingest.facts_document import FactsDocumentError, load_facts_document

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("qualify")(qualify_command)


def qualify_command(
    definition: str = typer.Option(
        ..., "--definition", help="A definition file, or a preset name (e.g. waterfall)."
    ),
    facts: Path = typer.Option(..., "--facts", help="The person's facts document (JSON)."),
    now: str | None = typer.Option(
        None, "--now", help="Qualify as of this ISO instant (default: the current time)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Qualify one person: stage, sales-ready, fit, engagement, temperature, lead type."""
    compiled = _definition(definition)
    moment = _moment(now)
    try:
        person = load_facts_document(facts)
    except FactsDocumentError as error:
        _fail(*error.errors)
    result = qualify(person, compiled, moment)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(result, compiled)


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


def _print(result: Qualification, definition: Definition) -> None:
    console = Console()
    table = Table(title=f"{definition.name} {definition.version}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    stage = result.stage
    label = "none" if stage is None else definition.stages[definition.stage_index(stage)].label()
    table.add_row("stage", label if label == stage else f"{label} ({stage})")
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
    console.print("\n".join(result.explanation), markup=False, highlight=False, soft_wrap=True)
