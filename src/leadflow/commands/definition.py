"""``leadflow definition``: validate, compare and inspect funnel definitions.

validate FILE      exit 0 and a one-line summary, or exit 1 and FILE:LINE errors
presets            the shipped presets, one a line
show PRESET        a preset's YAML, to copy and adapt
diff OLD NEW       what changed in meaning (files or preset names)
schema             the JSON Schema of the definition file
"""

from __future__ import annotations

import typer

from leadflow.definition.builtin import (
    DEFAULT_PRESET,
    PRESET_NAMES,
    UnknownPresetError,
    preset_description,
    preset_text,
)
from leadflow.definition.describe import summarize
from leadflow.definition.diff import diff_definitions
from leadflow.definition.errors import DefinitionError
from leadflow.definition.json_schema import schema_text
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition

__all__ = ["register"]

definition_app = typer.Typer(
    name="definition",
    help="Validate, compare and inspect funnel definitions.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``definition`` group to the root app."""
    app.add_typer(definition_app, name="definition")


def _load_or_exit(reference: str) -> Definition:
    try:
        return load_definition(reference)
    except DefinitionError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None


@definition_app.command("validate")
def validate(
    file: str = typer.Argument(..., help="Definition file (or a preset name)."),
) -> None:
    """Check a definition; print a summary, or every error as FILE:LINE: key.path: message."""
    definition = _load_or_exit(file)
    typer.echo(f"ok: {summarize(definition)}")


@definition_app.command("presets")
def presets() -> None:
    """List the shipped presets (the schools of thought)."""
    for name in PRESET_NAMES:
        default = " (default)" if name == DEFAULT_PRESET else ""
        typer.echo(f"{name}{default}: {preset_description(name)}")


@definition_app.command("show")
def show(preset: str = typer.Argument(..., help="Preset name (see `presets`).")) -> None:
    """Print a preset's YAML, to copy and adapt."""
    try:
        typer.echo(preset_text(preset), nl=False)
    except UnknownPresetError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@definition_app.command("diff")
def diff(
    old: str = typer.Argument(..., help="The definition before (file or preset)."),
    new: str = typer.Argument(..., help="The definition after (file or preset)."),
) -> None:
    """Show what changed in meaning: stages, rules, thresholds (not a text diff)."""
    before, after = _load_or_exit(old), _load_or_exit(new)
    typer.echo(f"{summarize(before)} -> {summarize(after)}")
    changes = diff_definitions(before, after)
    for change in changes:
        typer.echo(f"  {change}")
    if not changes:
        typer.echo("  no change in meaning")


@definition_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the definition file (schema version 1)."""
    typer.echo(schema_text(), nl=False)
