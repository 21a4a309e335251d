"""``leadflow db prune``: delete what the operational tables no longer need.

    db prune [--dry-run] [--yes] [--replies 24h] [--messages 30d] [--confirmations 7d]
             [--chunk N] [--json] [-w DIR]

The windows default to the settings ``LEADFLOW_RETENTION_REPLIES``, ``_MESSAGES`` and
``_CONFIRMATIONS``; what goes and why is in ``services.retention``. Without ``--yes``
(or ``--dry-run``) the command counts first and asks. The webhook worker prunes on its
own every ``LEADFLOW_PRUNE_EVERY`` with the same windows (``worker_housekeeping``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import typer
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from leadflow.commands.options import WorkspaceOption, database_problem, fail, workspace_settings
from leadflow.commands.stamps import stamped
from leadflow.domain.clock import Clock, SystemClock
from leadflow.domain.durations import format_duration, parse_duration
from leadflow.services.retention import CHUNK, PruneSchedule, Windows, prune
from leadflow.settings import Settings
from leadflow.store.database import engine_from_settings, session_factory, writer

__all__ = ["db_prune", "windows_of", "worker_housekeeping"]

_WINDOW_HELP = "{what} older than this are deleted, e.g. 7d (default: {setting}, else {default})."


def db_prune(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count, delete nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking."),
    replies: str | None = typer.Option(
        None,
        "--replies",
        help=_WINDOW_HELP.format(
            what="Idempotency-Key replies", setting="LEADFLOW_RETENTION_REPLIES", default="24h"
        ),
    ),
    messages: str | None = typer.Option(
        None,
        "--messages",
        help=_WINDOW_HELP.format(
            what="Dispatched webhook messages (with their delivery log)",
            setting="LEADFLOW_RETENTION_MESSAGES",
            default="30d",
        ),
    ),
    confirmations: str | None = typer.Option(
        None,
        "--confirmations",
        help=_WINDOW_HELP.format(
            what="Double opt-in tokens used or expired",
            setting="LEADFLOW_RETENTION_CONFIRMATIONS",
            default="7d",
        ),
    ),
    chunk: int = typer.Option(
        CHUNK, "--chunk", min=1, max=CHUNK, help="Rows deleted per transaction."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Delete old idempotent replies, webhook messages, expired sessions and tokens."""
    overrides = {"replies": replies, "messages": messages, "confirmations": confirmations}
    settings = workspace_settings(workspace)
    windows = windows_of(settings, overrides)
    sessions, dispose = _writer_sessions(settings)
    now = SystemClock().now()
    try:
        if not dry_run and not yes:
            _ask(prune(sessions, windows, now, dry_run=True, chunk=chunk))
        rows = prune(sessions, windows, now, dry_run=dry_run, chunk=chunk)
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        dispose()
    _print(rows, windows, now, dry_run=dry_run, as_json=as_json)


def windows_of(settings: Settings, overrides: dict[str, str | None] | None = None) -> Windows:
    """The settings' windows, each replaced by its option when one was given."""
    chosen = {
        "replies": settings.retention_replies,
        "messages": settings.retention_messages,
        "confirmations": settings.retention_confirmations,
    }
    for name, text in (overrides or {}).items():
        if text is not None:
            chosen[name] = _option_duration(name, text)
    return Windows(**chosen)


def worker_housekeeping(
    settings: Settings, sessions: sessionmaker[Session], clock: Clock
) -> Callable[[], None]:
    """What the webhook worker runs before each pass: a prune when one is due, its counts
    printed (stamped as the worker's lines are); a database that refuses (busy, down)
    skips this run rather than the worker."""
    if settings.prune_every is None:
        return lambda: None
    schedule = PruneSchedule(sessions, windows_of(settings), settings.prune_every, clock)

    def run() -> None:
        try:
            rows = schedule.run_if_due()
        except OperationalError as error:
            typer.echo(stamped(f"prune skipped: {database_problem(error)}", clock.now()), err=True)
            return
        if rows is not None and any(rows.values()):
            pruned = ", ".join(f"{table} {n}" for table, n in rows.items() if n)
            typer.echo(stamped(f"pruned {pruned}", clock.now()))

    return run


def _option_duration(name: str, text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        fail(f"--{name}: {error}")


def _writer_sessions(settings: Settings) -> tuple[sessionmaker[Session], Callable[[], None]]:
    try:
        engine = engine_from_settings(settings)
    except ArgumentError as error:
        fail(f"bad database URL: {error}")
    return session_factory(writer(engine)), engine.dispose


def _ask(rows: dict[str, int]) -> None:
    if not any(rows.values()):
        return
    counts = ", ".join(f"{table} {count}" for table, count in rows.items() if count)
    # Asked on the standard error, so that `--json > counts.json` holds the document alone.
    if not typer.confirm(f"delete {counts}?", default=False, err=True):
        fail("nothing deleted")


def _print(
    rows: dict[str, int], windows: Windows, now: datetime, *, dry_run: bool, as_json: bool
) -> None:
    if as_json:
        document = {
            "dry_run": dry_run,
            "now": now.isoformat(),
            "windows": {
                "replies": format_duration(windows.replies),
                "messages": format_duration(windows.messages),
                "confirmations": format_duration(windows.confirmations),
            },
            "rows": rows,
        }
        typer.echo(json.dumps(document, indent=2))
        return
    verb = "would delete" if dry_run else "deleted"
    typer.echo(
        f"windows: replies {format_duration(windows.replies)}, messages "
        f"{format_duration(windows.messages)}, confirmations "
        f"{format_duration(windows.confirmations)}"
    )
    for table, count in rows.items():
        typer.echo(f"{table:<20} {count:>9}  {verb}")
