"""A database that does not answer: ``503 unavailable`` with ``Retry-After``, and one log line.

When PostgreSQL is down, restarting or failing over (or SQLite stays locked), every
request that needs it fails the same way. Answered as a bug, that is a 500 to each
client and a traceback per request in the log: thousands of lines a minute that hide
the one thing to know. Here each such request gets the problem document ``unavailable``
(503, ``Retry-After``: clients and load balancers retry), and the log gets one line,
then at most one every ``every`` seconds while it lasts, counting the requests refused
in between. The server itself needs nothing when the database comes back: the pool
opens new connections and a recorder whose connection broke is replaced.

What counts as unavailable is ``store.database.database_unavailable``; anything else
(a constraint, a syntax error) is still a bug: a 500 and its traceback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from leadflow.api.problems import ProblemKind, problem_response
from leadflow.store.database import database_unavailable
from leadflow.store.driver import StoreError

__all__ = [
    "RETRY_AFTER",
    "UNAVAILABLE_DETAIL",
    "OutageLog",
    "install_outage_handlers",
    "unavailable_response",
]

# Seconds a client is asked to wait: a restart or a fail-over takes a few.
RETRY_AFTER = 5
UNAVAILABLE_DETAIL = "the database does not answer; try again shortly"

_log = logging.getLogger("leadflow.api")


class OutageLog:
    """Logs requests refused for an unavailable database: one line per ``every`` seconds."""

    def __init__(self, every: float = 30.0, *, monotonic: Callable[[], float] = time.monotonic):
        self.every = every
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._quiet_until: float | None = None
        self._unsaid = 0  # requests refused since the last line

    def report(self, error: BaseException, request: str) -> None:
        with self._lock:
            now = self._monotonic()
            if self._quiet_until is not None and now < self._quiet_until:
                self._unsaid += 1
                return
            unsaid, self._unsaid = self._unsaid, 0
            self._quiet_until = now + self.every
        since = f" ({unsaid} more answered 503 since the last line)" if unsaid else ""
        _log.warning("database unavailable (%s answered 503): %s%s", request, _why(error), since)


def unavailable_response(instance: str) -> JSONResponse:
    return problem_response(
        ProblemKind.UNAVAILABLE,
        UNAVAILABLE_DETAIL,
        instance=instance,
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def install_outage_handlers(app: FastAPI, outages: OutageLog) -> None:
    """Answer the API's routes' database errors that mean "try again" with a 503."""

    async def on_database_error(request: Request, error: Exception) -> JSONResponse:
        if not database_unavailable(error):
            raise error  # a bug: the server's 500 and its traceback
        outages.report(error, f"{request.method} {request.url.path}")
        return unavailable_response(request.url.path)

    app.add_exception_handler(SQLAlchemyError, on_database_error)
    app.add_exception_handler(StoreError, on_database_error)


def _why(error: BaseException) -> str:
    """The driver's first line (``connection failed: ... Connection refused``)."""
    cause = getattr(error, "orig", None) or error.__cause__ or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__
