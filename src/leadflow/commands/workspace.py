"""``leadflow init`` and ``leadflow db``: make a workspace, migrate its database.

    init [--preset NAME] [DIR]      folder + definition.yaml + migrated database + active version
    db upgrade [--revision REV]     migrate to the newest schema (or to REV)
    db downgrade REV                migrate back to REV ("base" removes every table)
    db current                      the schema revision of the database, and the newest one
    db prune [--dry-run] [--yes]    delete what has served its purpose (commands.retention)

Every command that opens a workspace takes ``--workspace DIR`` (default: the
LEADFLOW_WORKSPACE setting, else the current folder); LEADFLOW_DATABASE_URL, when set,
points at another database (PostgreSQL) instead of the workspace's SQLite file.
``settings_for``, ``WorkspaceOption`` and ``fail`` live in ``commands.options`` and are
re-exported here for the other command modules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from leadflow.commands.options import (
    WorkspaceOption,
    fail,
    no_workspace_at,
    settings_for,
    unwritable_workspace,
)
from leadflow.commands.retention import db_prune
from leadflow.definition.builtin import PRESET_NAMES, UnknownPresetError
from leadflow.definition.errors import DefinitionError
from leadflow.domain.clock import SystemClock
from leadflow.services.workspace import WorkspaceError, init_workspace
from leadflow.store.database import engine_from_settings
from leadflow.store.migrate import current, downgrade, head, upgrade

__all__ = ["WorkspaceOption", "fail", "register", "settings_for"]

T = TypeVar("T")

db_app = typer.Typer(
    name="db", help="Migrate the database schema; prune old rows.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    db_app.command("prune")(db_prune)
    app.add_typer(db_app, name="db")


def init(
    directory: Path = typer.Argument(Path("."), help="Workspace folder (created if missing)."),
    preset: str | None = typer.Option(
        None, "--preset", "-p", help=f"Preset to start from: {', '.join(PRESET_NAMES)}."
    ),
    definition: Path | None = typer.Option(
        None,
        "--definition",
        "-d",
        dir_okay=False,
        help="Start from your own definition file instead of a preset.",
    ),
) -> None:
    """Create a workspace: definition.yaml from a preset or your file, a migrated database."""
    settings = settings_for(directory)  # a setting the environment gets wrong: one line
    try:
        report = init_workspace(
            directory,
            preset=preset,
            database_url=settings.resolved_database_url,
            now=SystemClock().now(),
            definition=definition,
        )
    except DefinitionError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    except (UnknownPresetError, WorkspaceError, OSError) as error:
        fail(str(error))
    except (OperationalError, ArgumentError) as error:
        fail(f"cannot use the database: {_first_line(error)}")
    action = "wrote" if report.wrote_definition else "kept"
    typer.echo(f"workspace {report.directory}")
    typer.echo(f"  {action} {report.definition_file}")
    typer.echo(f"  database {report.database} at revision {report.revision}")
    typer.echo(f"  active definition {report.definition_name} version {report.definition_version}")
    if definition is not None:
        from leadflow.commands.definition import echo_file_warnings

        echo_file_warnings(str(definition))


@db_app.command("upgrade")
def db_upgrade(
    workspace: Path | None = WorkspaceOption,
    revision: str = typer.Option("head", "--revision", "-r", help="Target revision."),
) -> None:
    """Migrate the database forward (to the newest schema by default)."""
    engine = _engine(workspace)
    _run(lambda: upgrade(engine, revision), engine)
    typer.echo(f"database at revision {_run(lambda: current(engine), engine)}")


# "-1" (one step back) would otherwise be refused as an unknown option; with this the
# parser leaves it to the revision argument. A real unknown option is still refused.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(
    revision: str = typer.Argument(
        ..., help='Target revision, "-1" for one step, "base" for none.'
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Migrate the database back to an older schema (data in dropped tables is lost)."""
    engine = _engine(workspace)
    _run(lambda: downgrade(engine, revision), engine)
    typer.echo(f"database at revision {_run(lambda: current(engine), engine) or 'base'}")


@db_app.command("current")
def db_current(workspace: Path | None = WorkspaceOption) -> None:
    """Print the database's schema revision and the newest one this leadflow knows."""
    engine = _engine(workspace)
    revision = _run(lambda: current(engine), engine)
    newest = head()
    state = "up to date" if revision == newest else "behind: run `leadflow db upgrade`"
    typer.echo(f"database revision {revision or 'none'}; newest {newest} ({state})")


def _engine(workspace: Path | None) -> Engine:
    settings = settings_for(workspace)
    if settings.database_url is None and not settings.workspace.is_dir():
        fail(no_workspace_at(settings.workspace))
    problem = unwritable_workspace(settings)
    if problem is not None:
        fail(problem)
    try:
        return engine_from_settings(settings)
    except ArgumentError as error:
        fail(f"bad database URL: {_first_line(error)}")


def _run(action: Callable[[], T], engine: Engine) -> T:
    try:
        return action()
    except CommandError as error:
        fail(str(error))
    except OperationalError as error:
        fail(f"cannot use the database: {_first_line(error)}")
    finally:
        engine.dispose()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
