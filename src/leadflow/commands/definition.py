"""``leadflow definition``: validate, compare, inspect and activate funnel definitions.

validate FILE      exit 0 and a one-line summary, or exit 1 and FILE:LINE errors
presets            the shipped presets, one a line
show PRESET        a preset's YAML, to copy and adapt
diff OLD NEW       what changed in meaning (files or preset names)
schema             the JSON Schema of the definition file
activate [FILE]    record the workspace's definition.yaml (or FILE) as the active version
versions           the versions recorded in the workspace, the active one marked
check [FILE]       where a definition (default: the active one) and the workspace's data
                   disagree: fields, values and event types nobody holds, rules that never hold
"""

from __future__ import annotations

from pathlib import Path

import typer

from leadflow.commands.options import WorkspaceOption, fail, settings_for
from leadflow.definition.builtin import (
    DEFAULT_PRESET,
    PRESET_NAMES,
    UnknownPresetError,
    is_preset,
    preset_description,
    preset_text,
)
from leadflow.definition.describe import summarize
from leadflow.definition.diff import diff_definitions
from leadflow.definition.document import Document
from leadflow.definition.errors import DefinitionError
from leadflow.definition.json_schema import schema_text
from leadflow.definition.lint import definition_warnings
from leadflow.definition.loader import (
    load_definition,
    load_definition_document,
)
from leadflow.definition.located import shipped_sources, warning_place
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
    try:
        definition, document = load_definition_document(file)
    except DefinitionError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"ok: {summarize(definition)}")
    _echo_warnings(definition, document, preset=is_preset(file))


def echo_file_warnings(file: str) -> None:
    """The warnings ``validate`` prints, for a file ``init`` or ``activate`` just took: a
    team that never ran ``validate`` still hears that its gate lets nobody (or everybody)
    through. The file loaded a moment ago, so loading it again cannot fail."""
    definition, document = load_definition_document(file)
    _echo_warnings(definition, document, preset=is_preset(file))


def _echo_warnings(definition: Definition, document: Document, *, preset: bool) -> None:
    shipped = frozenset() if preset else shipped_sources()
    for warning in definition_warnings(definition):
        place = warning_place(document, warning.loc, shipped)
        where = "" if place is None else f"{place[0]}:{place[1]}: "
        typer.echo(f"warning: {where}{warning}", err=True)


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


@definition_app.command("activate")
def activate(
    file: Path | None = typer.Argument(
        None, help="Definition file (default: the workspace's definition.yaml).", dir_okay=False
    ),
    rescore: bool = typer.Option(
        False, "--rescore", help="Then qualify every contact with it at once."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Record a definition as a new version and make it the active one.

    Contacts are qualified with it as their next events arrive; --rescore does them all now.
    """
    # The store's imports are taken here, not at the top: `definition validate` and the
    # other file-only commands start in a third of the time without them.
    from leadflow.commands.api_keys import workspace_session
    from leadflow.domain.clock import SystemClock
    from leadflow.services.definitions import (
        VersionConflictError,
        activate_file,
        active_definition,
        leads_in_retired_stages,
    )
    from leadflow.services.workspace import DEFINITION_FILE

    own = settings_for(workspace).workspace / DEFINITION_FILE
    path = file or own
    with workspace_session(workspace) as session:
        try:
            done = activate_file(session, path, now=SystemClock().now())
        except DefinitionError as error:
            for problem in error.errors:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from None
        except VersionConflictError as error:
            fail(str(error))
        session.commit()
        retired = (
            {}
            if rescore
            else leads_in_retired_stages(session, active_definition(session).definition)
        )
    after = " version ".join(done.after)
    if not done.changed:
        typer.echo(f"{after} is already the active definition")
    elif done.before is None:
        typer.echo(f"active definition: {after}")
    else:
        typer.echo(f"active definition: {' version '.join(done.before)} -> {after}")
    if retired:
        typer.echo(_retired_line(retired, after))
    echo_file_warnings(str(path))
    _note_stale_workspace_file(own, path, done.after)
    if rescore:
        from leadflow.commands.analytics import rescore_command

        rescore_command(at=None, parquet=None, out=None, definition=None, workspace=workspace)


def _note_stale_workspace_file(own: Path, activated: Path, after: tuple[str, str]) -> None:
    """Another file was activated: the workspace's own file, which `activate` without a
    file records, still holds an older version, and would bring it back unnoticed."""
    if not own.is_file() or own.resolve() == activated.resolve():
        return
    try:
        held = load_definition(own)
    except DefinitionError:
        return  # a broken workspace file says so itself when it is activated
    if (held.name, held.version) == after:
        return
    typer.echo(
        f"note: {own} still holds {held.name} version {held.version}: `leadflow definition"
        f" activate` without a file would go back to it; keep activating {activated}, or"
        " bring the workspace's file up to date",
        err=True,
    )


def _retired_line(retired: dict[str, int], definition: str) -> str:
    total = sum(retired.values())
    stands = "lead stands" if total == 1 else "leads stand"
    stages = ", ".join(f"{stage}: {count}" for stage, count in retired.items())
    return (
        f"{total} {stands} in a stage {definition} does not have ({stages}); they stay "
        "there until `leadflow rescore` moves them to where this version places them"
    )


@definition_app.command("versions")
def versions(workspace: Path | None = WorkspaceOption) -> None:
    """List the definition versions recorded in the workspace, newest first."""
    from rich.console import Console
    from rich.table import Table

    from leadflow.commands.api_keys import workspace_session
    from leadflow.services.definition_versions import recent_versions

    with workspace_session(workspace) as session:
        rows = recent_versions(session)
        table = Table("id", "", "name", "version", "recorded", "activated")
        for row in rows:
            table.add_row(
                str(row.id),
                "active" if row.active else "",
                row.name,
                row.version,
                f"{row.created_at:%Y-%m-%d %H:%M}",
                "" if row.activated_at is None else f"{row.activated_at:%Y-%m-%d %H:%M}",
            )
    if not rows:
        typer.echo("no definition recorded; `leadflow init` records the first")
        return
    Console(width=120).print(table)


@definition_app.command("check")
def check(
    file: str | None = typer.Argument(
        None, help="Definition file or preset name (default: the workspace's active definition)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when there is any warning."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Check a definition against the workspace's data: fields, values and event types it
    reads that nobody holds (with the closest ones held), and what each rule matches.

    Nothing is written. Exit 0 (1 with --strict when there are warnings); 2 when the
    check cannot run.
    """
    from leadflow.commands.definition_check import run_check

    run_check(file, workspace, as_json=as_json, strict=strict)
