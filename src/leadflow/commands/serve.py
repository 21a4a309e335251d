"""``leadflow serve``: the HTTP API on uvicorn (127.0.0.1:8000 unless told otherwise).

    serve [--host H] [--port P] [--workspace DIR] [--rate-limit R] [--burst B]
          [--no-access-log] [--root-path /PREFIX]

One process, one event loop; rate limits are per key *in this process*. Behind a
reverse proxy, the client address (what public routes are limited by, and what the
access log shows) is read from ``X-Forwarded-For`` when the request comes from a proxy
in ``LEADFLOW_FORWARDED_ALLOW_IPS`` (default 127.0.0.1: a proxy on the same machine).
A proxy that serves leadflow under a path prefix and strips it (``/leadflow/t.js`` to
``/t.js``) is named with ``--root-path /leadflow`` (``LEADFLOW_ROOT_PATH``): uvicorn's
root path, and the prefix of the pages' links, redirects and cookies.

The access log shows each request's path without its query (a leads search by e-mail
address, a filter by owner) and without a double opt-in link's token: whoever keeps
the server's log (journald, a log service) keeps no personal data from it and no
link that confirms someone's address (``RedactedPaths``).

An address it cannot listen on (a port in use) is one line and exit status 1, before
anything starts (``commands/listening.py``). The server does not start on a schema
other than the one this leadflow migrates to (``check_schema``: run ``leadflow db
upgrade`` first); a database that does not answer yet is a warning, and the server
answers 503 until it does.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter, DefaultFormatter

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.commands.listening import ListeningServer, listening_socket
from leadflow.commands.options import database_problem, workspace_settings
from leadflow.commands.stamps import utc_text
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.services.refusals import RefusedError
from leadflow.settings import Settings, checked_root_path
from leadflow.store.database import database_unavailable
from leadflow.store.migrate import schema_problem

__all__ = [
    "RedactedPaths",
    "UtcAccessFormatter",
    "UtcFormatter",
    "check_schema",
    "log_config",
    "register",
    "server_config",
]

_DEFAULTS = ApiLimits()
# Paths whose last part is a secret: the token of a double opt-in link.
_SECRET_PATH = re.compile(r"^(.*/forms/confirm/)[^/?]+")


class RedactedPaths(logging.Filter):
    """Rewrite an access log record's path (uvicorn's third argument): the query becomes
    ``?…`` and a confirmation token ``…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], _redacted(args[2]), *args[3:])
        return True


def utc_moment(record: logging.LogRecord) -> str:
    """A log record's moment in UTC to the millisecond: ``2026-11-24T06:41:07.512Z``."""
    return utc_text(datetime.fromtimestamp(record.created, UTC))


class UtcFormatter(DefaultFormatter):
    """uvicorn's line, stamped with its moment in UTC: a log kept by a file or a service
    that adds no time of its own still tells when a database went away."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return utc_moment(record)


class UtcAccessFormatter(AccessFormatter):
    """The access log's line, stamped as ``UtcFormatter`` stamps the others."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return utc_moment(record)


def _redacted(path: str) -> str:
    path, query, _ = path.partition("?")
    return _SECRET_PATH.sub(r"\1…", path) + ("?…" if query else "")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Address (default: LEADFLOW_HOST, else 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port (default: LEADFLOW_PORT, else 8000)."
    ),
    workspace: Path | None = WorkspaceOption,
    rate_limit: float = typer.Option(
        _DEFAULTS.rate_per_second, "--rate-limit", min=0, help="Requests/s per key; 0: off."
    ),
    burst: int = typer.Option(_DEFAULTS.burst, "--burst", min=1, help="Bucket size per key."),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", help="One line a request on the standard output."
    ),
    root_path: str | None = typer.Option(
        None,
        "--root-path",
        help="The prefix a reverse proxy serves leadflow under and strips, e.g. /leadflow.",
    ),
) -> None:
    """Serve the HTTP API (OpenAPI document at /openapi.json, docs at /docs)."""
    prefix = None if root_path is None else _checked_option(root_path)
    settings = workspace_settings(workspace)
    if prefix is not None:
        settings = settings.model_copy(update={"root_path": prefix})
    limits = ApiLimits(rate_per_second=rate_limit, burst=burst)
    try:
        app = create_app(settings, limits=limits)
    except RefusedError as error:  # e.g. an invalid forms.yaml
        fail(str(error))
    except ArgumentError as error:
        fail(f"bad database URL: {error}")
    check_schema(app.state.leadflow.engine)
    config = server_config(app, settings, host=host, port=port, access_log=access_log)
    sock = listening_socket(config.host, config.port)
    try:
        ListeningServer(config).run(sockets=[sock])
    finally:
        sock.close()  # uvicorn closes it on shutdown; here when it never ran


def _checked_option(root_path: str) -> str:
    try:
        return checked_root_path(root_path)
    except ValueError as error:
        fail(f"--root-path: {error}")


def check_schema(engine: Engine) -> None:
    """Refuse to serve a schema this leadflow does not match (exit 1, one line). A
    database that does not answer yet is only a warning: the server starts, answers 503
    (``/healthz`` too) and serves once it does, as it would after an outage."""
    try:
        problem = schema_problem(engine)
    except Exception as error:
        if not database_unavailable(error):
            raise
        typer.echo(f"warning: {database_problem(error)}; answering 503 until it does", err=True)
        return
    if problem is not None:
        fail(problem)


def server_config(
    app: FastAPI,
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    access_log: bool = True,
) -> uvicorn.Config:
    """uvicorn's configuration for ``app``: where it listens, whose forwarding it believes."""
    return uvicorn.Config(
        app,
        host=host or settings.host,
        port=port or settings.port,
        access_log=access_log,
        log_level="info",
        log_config=log_config(),
        proxy_headers=True,
        root_path=settings.root_path,
        # Given explicitly: uvicorn would otherwise read FORWARDED_ALLOW_IPS itself,
        # and leadflow reads its environment in one place (settings.py).
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with leadflow's own lines (``leadflow.*``: a database that does
    not answer, api/outage.py) written as uvicorn writes its own, to the standard error,
    every line stamped with its moment in UTC (``UtcFormatter``) and the access log's
    paths redacted (``RedactedPaths``)."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["leadflow"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config.setdefault("filters", {})["redacted"] = {"()": RedactedPaths}
    config["handlers"]["access"]["filters"] = ["redacted"]
    stamped = {"default": UtcFormatter, "access": UtcAccessFormatter}
    for name, formatter in stamped.items():
        settings = config["formatters"][name]
        settings["()"] = formatter
        settings["fmt"] = "%(asctime)s " + settings["fmt"]
    return config
