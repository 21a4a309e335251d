"""A database that does not answer: every route says 503 (try again), nothing raises.

The server is started against a PostgreSQL address where nothing listens, as when the
database is down, restarting or failing over. Before, each request was a 500 "internal
error" (a bug, to any client) and a page of traceback in the server's log; the load
balancer's retry logic and the operator's log both need "unavailable" instead.
``TestClient`` raises any exception that reaches the server, so a route that still let
one through fails the test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from leadflow.api.app import create_app
from leadflow.api.auth import PUBLIC
from leadflow.api.outage import OutageLog
from leadflow.api.state import ApiLimits
from leadflow.services.api_keys import KeyInfo, Role, hash_secret
from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.settings import Settings
from leadflow.store.database import database_unavailable, make_engine
from leadflow.store.driver import StoreError

# A port nothing listens on: each connection is refused at once.
DOWN = "postgresql://postgres@127.0.0.1:9/leadflow"
SECRET = "lf_cached-key-of-a-tool-that-pushes-events"


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(workspace=tmp_path, database_url=DOWN)
    return create_app(
        settings,
        engine=make_engine(DOWN),
        limits=ApiLimits(rate_per_second=0, public_rate_per_second=0),
        forms=FormsConfig(forms={"contact-sales": FormSpec()}),
    )


@pytest.fixture
def logged() -> Iterator[list[logging.LogRecord]]:
    """What leadflow's API logs, caught on its own logger (whatever else configured
    logging in this process before)."""
    records: list[logging.LogRecord] = []
    catcher = logging.Handler(logging.WARNING)
    catcher.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("leadflow.api")
    logger.addHandler(catcher)
    yield records
    logger.removeHandler(catcher)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as opened:  # raise_server_exceptions: an escaped error fails
        yield opened


def _cache_key(app: FastAPI) -> None:
    """The key was looked up before the database went away: the fast lane takes it."""
    key = KeyInfo(1, "website", Role.INGEST, SECRET[:12], datetime(2026, 1, 1, tzinfo=UTC), None)
    app.state.leadflow.keys.put(hash_secret(SECRET), key)


EVENT = {"type": "page_view", "email": "ann@acme.example"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/events", EVENT),  # the key is looked up first: the database is needed
        ("POST", "/events/batch", {"events": [EVENT]}),
        ("GET", "/contacts", None),
        ("POST", "/forms/contact-sales", {"email": "ann@acme.example"}),
        ("GET", "/healthz", None),
    ],
)
def test_every_route_answers_unavailable_with_a_time_to_retry(
    client: TestClient, method: str, path: str, body: object
) -> None:
    answer = client.request(method, path, json=body, headers={"X-API-Key": SECRET})

    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "https://leadflow.dev/problems/unavailable"
    assert "database" in answer.json()["detail"]
    assert int(answer.headers["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/events", "/events/batch"])
def test_the_events_fast_lane_answers_unavailable_too(
    app: FastAPI, client: TestClient, path: str
) -> None:
    _cache_key(app)
    body = EVENT if path == "/events" else {"events": [EVENT]}

    answer = client.post(path, json=body, headers={"X-API-Key": SECRET})

    assert answer.status_code == 503, answer.text
    assert answer.json()["type"] == "https://leadflow.dev/problems/unavailable"
    assert "Retry-After" in answer.headers


def test_a_signed_in_page_answers_with_a_page_saying_the_database_is_unavailable(
    client: TestClient,
) -> None:
    client.cookies.set("leadflow_session", "a-session-token-from-before", path="/ui")

    answer = client.get("/ui/leads")

    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    assert "The database does not answer" in answer.text
    assert "Retry-After" in answer.headers


def test_the_log_gets_one_line_per_outage_not_a_traceback_per_request(
    client: TestClient, logged: list[logging.LogRecord]
) -> None:
    for _ in range(5):
        client.get("/contacts", headers={"X-API-Key": SECRET})

    lines = logged
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("database unavailable (GET /contacts answered 503): ")
    assert "Connection refused" in lines[0].getMessage() or "connect" in lines[0].getMessage()
    assert lines[0].exc_info is None


def test_the_log_says_how_many_requests_were_refused_since_its_last_line(
    logged: list[logging.LogRecord],
) -> None:
    clock = [100.0]
    log = OutageLog(every=30.0, monotonic=lambda: clock[0])
    error = OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed"))

    log.report(error, "POST /events")
    clock[0] += 10
    log.report(error, "POST /events")
    log.report(error, "GET /contacts")
    clock[0] += 25
    log.report(error, "POST /events")

    said = [record.getMessage() for record in logged]
    assert len(said) == 2
    assert said[1].endswith("(2 more answered 503 since the last line)")


def test_what_counts_as_the_database_being_unavailable() -> None:
    refused = psycopg.OperationalError("connection refused")
    store_refused = StoreError("commit failed")
    store_refused.__cause__ = refused
    duplicate = StoreError("duplicate key")
    duplicate.__cause__ = psycopg.errors.UniqueViolation("duplicate key")

    assert database_unavailable(OperationalError("SELECT 1", {}, refused))
    assert database_unavailable(PoolTimeoutError("QueuePool limit reached"))
    assert database_unavailable(store_refused)
    assert not database_unavailable(duplicate)  # a bug or a race: a 500 and its traceback
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not database_unavailable(ValueError("no"))


def test_a_database_error_that_is_a_bug_is_still_an_internal_error(tmp_path: Path) -> None:
    router = APIRouter()

    @router.get("/clash", dependencies=[PUBLIC])
    def clash() -> None:
        raise IntegrityError("INSERT INTO contacts", {}, Exception("duplicate key"))

    app = create_app(
        Settings(workspace=tmp_path, database_url=DOWN),
        engine=make_engine(DOWN),
        routers=[router],
        forms=FormsConfig(),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/clash")

    assert answer.status_code == 500
    assert answer.json()["type"] == "https://leadflow.dev/problems/internal"
