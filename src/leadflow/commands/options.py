"""What every command that opens a workspace shares: the option, the settings, the exit.

Kept apart from ``commands.workspace`` (which brings Alembic and the store) so a group
whose everyday commands never open a database, ``definition``, starts quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from leadflow.settings import Settings

__all__ = ["WorkspaceOption", "fail", "settings_for"]

WorkspaceOption = typer.Option(
    None,
    "--workspace",
    "-w",
    help="Workspace folder (default: LEADFLOW_WORKSPACE, else the current folder).",
    file_okay=False,
)


def settings_for(workspace: Path | None) -> Settings:
    """Settings from the environment, with the workspace given on the command line."""
    return Settings() if workspace is None else Settings(workspace=workspace)


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
