"""``leadflow keys``: API keys for machines.

    keys create --name N --role admin|marketing|sales|ingest   prints the key, once
                [--rep REP]                                    a sales key acting as REP only
    keys list                                                  name, role, prefix, state
    keys revoke ID                                             the key stops working

The key is printed once and stored only as a hash: keep it where it is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from leadflow.commands.options import database_problem, workspace_settings
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services.api_keys import Role, create_key, list_keys, revoke_key
from leadflow.services.refusals import RefusedError
from leadflow.store.database import engine_from_settings, session_factory, writer

__all__ = ["register", "workspace_session"]

keys_app = typer.Typer(name="keys", help="API keys: create, list, revoke.", no_args_is_help=True)
ROLES = ", ".join(role.value for role in Role)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


@contextmanager
def workspace_session(workspace: Path | None, *, write: bool = True) -> Iterator[Session]:
    """A session on the workspace's database; database errors end as one line. A write
    session holds SQLite's write lock from its start; ``write=False`` (a long read, such
    as an export) leaves writers free."""
    settings = workspace_settings(workspace)
    try:
        engine = engine_from_settings(settings)
    except ArgumentError as error:
        fail(f"bad database URL: {error}")
    try:
        with session_factory(writer(engine) if write else engine)() as session:
            yield session
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    except RefusedError as error:
        fail(str(error))
    finally:
        engine.dispose()


@keys_app.command("create")
def create(
    name: str = typer.Option(..., "--name", "-n", help="What the key is for, e.g. website."),
    role: str = typer.Option(..., "--role", "-r", help=f"One of {ROLES}."),
    rep: str | None = typer.Option(
        None, "--rep", help="A sales key for this rep: it acts as the rep, only on their leads."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Create a key and print it. It is shown this once."""
    with workspace_session(workspace) as session:
        issued = create_key(session, name, role, SystemClock().now(), rep=rep)
    typer.echo(issued.secret)
    bound = "" if issued.info.rep is None else f", acting as rep {issued.info.rep!r}"
    typer.echo(
        f"key {issued.info.id} {issued.info.name!r} ({issued.info.role.value}{bound}) created; "
        "store it now, it is not shown again",
        err=True,
    )


@keys_app.command("list")
def list_(workspace: Path | None = WorkspaceOption) -> None:
    """List keys (never their secrets)."""
    with workspace_session(workspace) as session:
        keys = list_keys(session)
    if not keys:
        typer.echo("no API keys; create one with `leadflow keys create --name N --role R`")
    for key in keys:
        state = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}Z"
        bound = "" if key.rep is None else f"  rep {key.rep}"
        line = f"{key.id:>4}  {key.name:<24} {key.role.value:<10} {key.prefix}…  {state}{bound}"
        typer.echo(line)


@keys_app.command("revoke")
def revoke(
    key_id: int = typer.Argument(..., help="The key's id (see `leadflow keys list`)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Revoke a key. A running server stops accepting it within seconds."""
    with workspace_session(workspace) as session:
        key = revoke_key(session, key_id, SystemClock().now())
    typer.echo(f"key {key.id} {key.name!r} revoked")
