"""Events sent while a rescore holds the qualifications are answered 503, not held.

``leadflow rescore`` locks ``qualifications`` on PostgreSQL for its whole run (minutes
for 200,000 contacts: 247 s on the development machine), and the real-time path waited
for it: every ``POST /events`` of every server hung for up to 235 s, past any client's
timeout and a load balancer's. The recorder now waits at most a few seconds for a lock
and answers 503 with Retry-After (nothing stored, nothing acknowledged), and a group of
waiting requests is answered at once, not each after a wait of its own (PostgreSQL only:
SQLite writers answer busy after 5 s already).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from leadflow.store.database import serialise_writers

Headers = Callable[[str], dict[str, str]]
T = TypeVar("T")
PATIENCE = 20.0  # seconds a test waits for the answers before letting the lock go


def test_events_meeting_a_rescores_lock_are_answered_busy_in_seconds(
    backend: str, api_engine: Engine, client: TestClient, headers: Headers
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's busy timeout answers 503 after 5 s already")
    answers: list[tuple[int, str | None]] = []

    def post(number: int) -> None:
        sent = client.post(
            "/events",
            json={"type": "page_view", "email": f"p{number}@acme.example", "key": f"k{number}"},
            headers=headers("marketing"),
        )
        answers.append((sent.status_code, sent.headers.get("Retry-After")))

    senders = [lambda n=n: post(n) for n in range(4)]
    answered_in_time = _while_a_rescore_holds(api_engine, senders, lambda: list(answers))

    assert len(answered_in_time) == 4
    assert set(answered_in_time) == {(503, "5")}
    with api_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM events")) == 0


def test_other_writes_meeting_a_rescores_lock_are_answered_busy_too(
    backend: str, api_engine: Engine, client: TestClient, headers: Headers
) -> None:
    # A contact created or corrected during a rescore hung as events did.
    if backend != "postgresql":
        pytest.skip("SQLite's busy timeout answers 503 after 5 s already")
    made = client.post(
        "/contacts", json={"email": "ann@acme.example"}, headers=headers("marketing")
    )
    assert made.status_code == 201
    contact = made.json()["id"]
    answers: dict[str, tuple[int, str | None]] = {}

    def send(name: str, method: str, path: str, body: dict[str, object]) -> None:
        sent = client.request(method, path, json=body, headers=headers("marketing"))
        answers[name] = (sent.status_code, sent.headers.get("Retry-After"))

    requests = {
        "create": ("POST", "/contacts", {"email": "bob@acme.example"}),
        "correct": ("PATCH", f"/contacts/{contact}", {"title": "CTO"}),
    }
    senders = [lambda n=n, r=r: send(n, *r) for n, r in requests.items()]
    answered_in_time = _while_a_rescore_holds(api_engine, senders, lambda: dict(answers))

    assert answered_in_time == {"create": (503, "5"), "correct": (503, "5")}
    with api_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM contacts")) == 1
        title = "SELECT title FROM contacts WHERE id = :id"
        assert connection.scalar(text(title), {"id": contact}) is None


def _while_a_rescore_holds(
    engine: Engine, requests: list[Callable[[], None]], answered: Callable[[], T]
) -> T:
    """Send ``requests`` at once while the qualifications are locked as a running rescore
    holds them; once they are answered or ``PATIENCE`` is up, whichever is first, take
    ``answered()`` (what came back in time), let the lock go and wait for the rest."""
    with engine.connect() as rescore:
        serialise_writers(rescore, "qualifications")
        senders = [threading.Thread(target=request) for request in requests]
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + PATIENCE
        for sender in senders:
            sender.join(timeout=max(0.0, deadline - time.monotonic()))
        in_time = answered()
        rescore.rollback()
    for sender in senders:
        sender.join()
    return in_time
