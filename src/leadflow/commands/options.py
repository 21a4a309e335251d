"""What every command that opens a workspace shares: the option, the settings, the exit.

Kept apart from ``commands.workspace`` (which brings Alembic and the store) so a group
whose everyday commands never open a database, ``definition``, starts quickly.
"""

from __future__ import annotations

import os
import pwd
import re
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from leadflow.settings import Settings

__all__ = [
    "NOTHING_FOUND",
    "WorkspaceOption",
    "database_problem",
    "delimiter_option",
    "fail",
    "missing_workspace",
    "no_workspace_at",
    "settings_for",
    "settings_problem",
    "unwritable_workspace",
    "workspace_settings",
]

# A CSV import whose file has a header and not one row: refused (exit status 1) rather
# than reported as a success of 0 rows; an export that came out empty, or the wrong
# file, is worth a failed job (docs/importing.md, "Errors").
NOTHING_FOUND = "{file}: a header and no rows: nothing imported"

# What --delimiter takes, and the character each means ("tab" is easier to type).
_DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|"}
# How SQLite and PostgreSQL say a table is not there: a database never migrated.
_MISSING_TABLE = re.compile(r"no such table|relation \S+ does not exist")

WorkspaceOption = typer.Option(
    None,
    "--workspace",
    "-w",
    help="Workspace folder (default: LEADFLOW_WORKSPACE, else the current folder).",
    file_okay=False,
)


def settings_for(workspace: Path | None) -> Settings:
    """Settings from the environment, with the workspace given on the command line; a
    value the environment gets wrong ends the command with one line naming it."""
    try:
        return Settings() if workspace is None else Settings(workspace=workspace)
    except ValidationError as error:
        fail(settings_problem(error))


def settings_problem(error: ValidationError) -> str:
    """``LEADFLOW_PORT: Input should be ...``: the variable to fix, and what is wrong."""
    problems = []
    for found in error.errors():
        name = "LEADFLOW_" + "_".join(str(part) for part in found["loc"]).upper()
        problems.append(f"{name}: {found['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def workspace_settings(workspace: Path | None) -> Settings:
    """Settings of a workspace that exists. Without this, SQLite would create an empty
    ``leadflow.db`` in whatever folder the command ran in, and the command would then
    fail on missing tables with a hint to migrate that stray file."""
    settings = settings_for(workspace)
    problem = missing_workspace(settings) or unwritable_workspace(settings)
    if problem is not None:
        fail(problem)
    return settings


def missing_workspace(settings: Settings) -> str | None:
    """Why ``settings`` name no workspace (its folder or its database file is missing)."""
    database = settings.workspace_database
    if database is None or database.is_file():
        return None
    return no_workspace_at(settings.workspace)


def no_workspace_at(folder: Path) -> str:
    """The line for a folder that is no workspace. Most often the command ran elsewhere
    (the README's tour runs from the project root) and only lacked ``-w``; creating a
    workspace there is the other way out, not the only one."""
    return (
        f"no workspace at {folder}: name one with --workspace or LEADFLOW_WORKSPACE, "
        f"or create it with `leadflow init {folder}`"
    )


def unwritable_workspace(settings: Settings) -> str | None:
    """Why this user cannot write the SQLite database's folder or files, if it cannot
    (or why there is no folder to write it in).

    SQLite writes beside the database even to read it (WAL's ``-shm`` file), so a
    workspace made by another user failed every command with "attempt to write a
    readonly database", naming neither the folder nor the user, and ``leadflow serve``
    answered 503 as if the database were down, for ever."""
    database = _sqlite_file(settings.resolved_database_url)
    if database is None:
        return None
    if not database.parent.is_dir():  # only a URL names one: a workspace is checked before
        return f"LEADFLOW_DATABASE_URL: no folder {database.parent} to hold {database.name}"
    suffixes = ("", "-wal", "-shm", "-journal")
    files = [database.with_name(database.name + suffix) for suffix in suffixes]
    paths = [database.parent, *(path for path in files if path.exists())]
    if all(os.access(path, os.W_OK) for path in paths):
        return None
    return (
        f"the workspace {database.parent} is not writable by {_user()}: SQLite writes "
        f"beside {database.name} even to read it; give that user write access to the "
        f"folder and its {database.name} files"
    )


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _user() -> str:
    """This process's user, as ``ls -l`` names it (``nobody``), else its number."""
    uid = os.geteuid()
    try:
        return f"the user {pwd.getpwuid(uid).pw_name}"
    except KeyError:  # a container's user without a passwd entry
        return f"the user with uid {uid}"


def database_problem(error: Exception) -> str:
    """One line for a database that cannot be used: unreachable, not migrated, refusing.
    Only a missing table earns the hint to migrate (a server that is down does not)."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    first = text.splitlines()[0] if text else type(cause).__name__
    if _MISSING_TABLE.search(text):
        return f"cannot use the database ({first}); is it migrated? `leadflow db upgrade`"
    return f"cannot use the database: {first}"


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def delimiter_option(text: str | None) -> str | None:
    """The delimiter ``--delimiter`` names (None: detect it); exits on any other."""
    if text is None:
        return None
    if text.lower() not in _DELIMITERS:
        fail(f"--delimiter: {text!r} is not one of ',', ';', 'tab', '|'")
    return _DELIMITERS[text.lower()]
