"""``leadflow users``: the people who sign in to the web application.

    users create --email E --name N --role admin|marketing|sales [--password-stdin]
                 [--language en|nl|de|fr|nb] [--rep KEY]
    users list
    users disable EMAIL|ID          signs them out everywhere
    users enable EMAIL|ID

The password is asked for twice at a prompt (never echoed), or read from standard
input with ``--password-stdin`` for scripts: ``pass show lf | leadflow users create ...``.
Never as an option: it would end up in the shell history and the process list.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services.reps import rep_exists
from leadflow.services.users import (
    LANGUAGES,
    MIN_PASSWORD,
    User,
    UserRole,
    create_user,
    list_users,
    set_active,
)

__all__ = ["register"]

users_app = typer.Typer(
    name="users", help="Web users: create, list, disable, enable.", no_args_is_help=True
)
ROLES = ", ".join(role.value for role in UserRole)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


@users_app.command("create")
def create(
    email: str = typer.Option(..., "--email", "-e", help="Sign-in address."),
    name: str = typer.Option(..., "--name", "-n", help="Name shown in the application."),
    role: str = typer.Option(..., "--role", "-r", help=f"One of {ROLES}."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    language: str | None = typer.Option(
        None, "--language", "-l", help=f"One of {', '.join(LANGUAGES)}; default: the browser's."
    ),
    rep: str | None = typer.Option(None, "--rep", help="Rep key whose queue a sales user works."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Create a user (the first admin, or anyone)."""
    password = _stdin_password() if password_stdin else _prompted_password()
    with workspace_session(workspace) as session:
        user = create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            now=SystemClock().now(),
            language=language,
            rep_key=rep,
        )
        unknown_rep = user.rep_key is not None and not rep_exists(session, user.rep_key)
    typer.echo(f"user {user.id} {user.email} ({user.role.value}) created")
    if unknown_rep:
        # A warning, not a refusal: the user may be created before the team is set up.
        typer.echo(
            f"warning: no rep has the key {user.rep_key!r} yet: the user's queue stays "
            "empty until `leadflow reps add` creates it (`leadflow reps list` shows the keys)",
            err=True,
        )


@users_app.command("list")
def list_(workspace: Path | None = WorkspaceOption) -> None:
    """List users (never their passwords)."""
    with workspace_session(workspace) as session:
        users = list_users(session)
    if not users:
        typer.echo("no users; create one with `leadflow users create --email E --name N --role R`")
    for user in users:
        typer.echo(_line(user))


@users_app.command("disable")
def disable(
    user: str = typer.Argument(..., help="E-mail or id."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Disable a user; their sessions end at once."""
    with workspace_session(workspace) as session:
        changed = set_active(session, user, False, SystemClock().now())
    typer.echo(f"user {changed.id} {changed.email} disabled")


@users_app.command("enable")
def enable(
    user: str = typer.Argument(..., help="E-mail or id."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Enable a disabled user again."""
    with workspace_session(workspace) as session:
        changed = set_active(session, user, True, SystemClock().now())
    typer.echo(f"user {changed.id} {changed.email} enabled")


def _line(user: User) -> str:
    state = "active" if user.active else "disabled"
    extra = f"  rep {user.rep_key}" if user.rep_key else ""
    return f"{user.id:>4}  {user.email:<32} {user.role.value:<10} {state:<8} {user.name}{extra}"


def _stdin_password() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        fail("no password on standard input")
    return password


def _prompted_password() -> str:
    password: str = typer.prompt(
        f"Password (at least {MIN_PASSWORD} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    return password
