"""``leadflow webhooks``: subscriptions, and the worker that delivers the outbox.

webhooks add URL --kind KIND [--kind ...] [--description TEXT]   prints the secret once
webhooks list
webhooks remove ID                                   deactivate (the log stays; pending
                                                     deliveries become cancelled)
webhooks log ID                                      recent deliveries and attempts
webhooks deliver [--once] [--idle SECONDS]           run the delivery worker; it also
                                                     prunes every LEADFLOW_PRUNE_EVERY (1h)
                                                     and waits out a database that does
                                                     not answer (--once: exits 1)
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import httpx
import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.options import database_problem, workspace_settings
from leadflow.commands.retention import worker_housekeeping
from leadflow.commands.stamps import stamped
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services import webhooks
from leadflow.services.outbox import KINDS
from leadflow.services.webhook_delivery import PassReport, RetryPolicy, deliver_due, run_worker
from leadflow.store.database import engine_from_settings, session_factory, writer

__all__ = ["register"]

hooks_app = typer.Typer(
    name="webhooks", help="Webhook subscriptions and delivery.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(hooks_app, name="webhooks")


@hooks_app.command("add")
def add(
    url: str = typer.Argument(..., help="Where to POST, http(s)://..."),
    kind: list[str] = typer.Option(..., "--kind", "-k", help=f"One of {', '.join(KINDS)}."),
    description: str | None = typer.Option(
        None, "--description", "-d", help="What the subscription is for."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Subscribe a URL; prints the signing secret once."""
    with workspace_session(workspace) as session:
        made = webhooks.create_subscription(
            session, url, kind, SystemClock().now(), description=description
        )
    typer.echo(made.secret)
    typer.echo(f"subscription {made.id} -> {made.url} ({', '.join(made.kinds)})", err=True)


@hooks_app.command("list")
def list_(workspace: Path | None = WorkspaceOption) -> None:
    """List subscriptions."""
    with workspace_session(workspace) as session:
        found = webhooks.list_subscriptions(session)
    if not found:
        typer.echo("no webhook subscriptions")
    for hook in found:
        state = "active" if hook.active else "stopped"
        typer.echo(f"{hook.id:>4}  {state:<8} {hook.url}  [{', '.join(hook.kinds)}]")


@hooks_app.command("remove")
def remove(
    subscription_id: int = typer.Argument(..., help="The subscription's id (`webhooks list`)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Stop a subscription: its pending deliveries are cancelled, its log stays readable."""
    with workspace_session(workspace) as session:
        hook = webhooks.deactivate_subscription(session, subscription_id)
    typer.echo(f"subscription {hook.id} stopped; its pending deliveries are cancelled")


@hooks_app.command("log")
def log(
    subscription_id: int = typer.Argument(..., help="The subscription's id (`webhooks list`)."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="How many deliveries to show."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Recent deliveries of a subscription, newest first."""
    with workspace_session(workspace) as session:
        found = webhooks.delivery_log(session, subscription_id, limit=limit)
    for delivery in found:
        last = delivery.tries[-1] if delivery.tries else None
        outcome = "" if last is None else f" last: {last.status_code or last.error}"
        typer.echo(
            f"{delivery.id:>6}  {delivery.status:<9} {delivery.kind:<28} "
            f"{delivery.message_id}  attempts {delivery.attempts}{outcome}"
        )


@hooks_app.command("deliver")
def deliver(
    once: bool = typer.Option(False, "--once", help="One pass, then exit."),
    idle: float = typer.Option(1.0, "--idle", min=0.05, help="Seconds to wait when idle."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Run the delivery worker: outbox -> signed POSTs, retried with backoff."""
    settings = workspace_settings(workspace)
    engine = engine_from_settings(settings)
    sessions = session_factory(writer(engine))
    policy = RetryPolicy()
    running = [True]

    def stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    housekeeping = worker_housekeeping(settings, sessions, SystemClock())
    try:
        _work(sessions, policy, once=once, idle=idle, running=running, housekeeping=housekeeping)
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()


def _work(
    sessions: sessionmaker[Session],
    policy: RetryPolicy,
    *,
    once: bool,
    idle: float,
    running: list[bool],
    housekeeping: Callable[[], None],
) -> None:
    with httpx.Client(timeout=policy.timeout) as client:
        if once:
            _print(deliver_due(sessions, client, SystemClock(), policy))
            return
        run_worker(
            sessions,
            client,
            SystemClock(),
            policy,
            idle_seconds=idle,
            keep_going=lambda: running[0],
            on_pass=_print,
            before_pass=housekeeping,
            on_unavailable=_waiting,
            on_recovered=lambda: _say("the database answers again", err=True),
            sleep=lambda seconds: _nap(seconds, running),
        )


def _nap(seconds: float, running: list[bool]) -> None:
    """Sleep, but wake for SIGTERM: a worker waiting 30 s for the database stops at once."""
    until = time.monotonic() + seconds
    while running[0] and (left := until - time.monotonic()) > 0:
        time.sleep(min(left, 0.2))


def _waiting(error: Exception, wait: float) -> None:
    _say(f"{database_problem(error)}; trying again in {wait:.0f} s", err=True)


def _print(report: PassReport) -> None:
    if report.dispatched or report.outcomes or report.cancelled:
        _say(
            f"dispatched {report.dispatched}, delivered {report.delivered}, "
            f"retrying {report.retrying}, failed {report.failed}, cancelled {report.cancelled}"
        )


def _say(line: str, *, err: bool = False) -> None:
    """One line of the worker's, starting with its moment (commands/stamps.py)."""
    typer.echo(stamped(line, SystemClock().now()), err=err)
