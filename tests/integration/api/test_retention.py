"""Pruning Idempotency-Key replies: inside the window a retry replays, after it a retry
is answered again, and in neither case is an event stored twice (docs/api.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from leadflow.api.schemas.events import EventBatch, EventIn
from leadflow.domain.clock import FixedClock
from leadflow.services.idempotency import derived_event_key, fingerprint
from leadflow.services.retention import Windows, prune
from leadflow.services.webhook_delivery import dispatch
from leadflow.store.database import session_factory, writer
from leadflow.store.models import Event, WebhookDelivery

Headers = Callable[[str], dict[str, str]]
WINDOWS = Windows(
    replies=timedelta(hours=24), messages=timedelta(days=30), confirmations=timedelta(days=7)
)
# Events with a key of their own and events without one (they get one derived from the
# header and the request: "<Idempotency-Key>~<digest>:<index>").
BATCH = {
    "events": [
        {"type": "demo_request", "email": "ret@acme.example", "key": "crm-991"},
        {"type": "page_view", "email": "ret@acme.example"},
        {"type": "newsletter_signup", "email": "ret@acme.example", "source": "site"},
    ]
}


@pytest.fixture
def sessions(api_engine: Engine) -> sessionmaker[Session]:
    return session_factory(writer(api_engine))


def _events(sessions: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with sessions() as session:
        found = session.execute(select(Event.source, Event.idempotency_key).order_by(Event.id))
        return [(source, key) for source, key in found]


def _print(path: str, body: dict[str, Any]) -> str:
    """The fingerprint the API takes of a request: its body as the route's model dumps it."""
    model = EventBatch if path.endswith("/batch") else EventIn
    return fingerprint("POST", path, model.model_validate(body).model_dump_json())


def _prune_at(sessions: sessionmaker[Session], clock: FixedClock, later: timedelta) -> int:
    clock.current += later
    return prune(sessions, WINDOWS, clock.now())["idempotent_replies"]


def test_a_retry_inside_the_window_still_replays_after_a_prune(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    sent = {**headers("ingest"), "Idempotency-Key": "batch-7"}

    first = client.post("/events/batch", json=BATCH, headers=sent)
    pruned = _prune_at(sessions, clock, timedelta(hours=23))
    again = client.post("/events/batch", json=BATCH, headers=sent)

    assert pruned == 0
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["stored"] == 3


def test_after_the_window_a_resent_batch_is_answered_again_and_stores_nothing_twice(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    sent = {**headers("ingest"), "Idempotency-Key": "batch-8"}

    first = client.post("/events/batch", json=BATCH, headers=sent)
    stored = _events(sessions)
    pruned = _prune_at(sessions, clock, timedelta(hours=25))
    again = client.post("/events/batch", json=BATCH, headers=sent)

    assert pruned == 1
    assert "Idempotent-Replayed" not in again.headers
    assert (again.json()["stored"], again.json()["duplicate"]) == (0, 3)
    ids = [result["event_id"] for result in again.json()["results"]]
    assert ids == [result["event_id"] for result in first.json()["results"]]
    assert _events(sessions) == stored
    derived = derived_event_key("batch-8", _print("/events/batch", BATCH))
    assert stored == [("api", "crm-991"), ("api", f"{derived}:1"), ("site", f"{derived}:2")]
    assert derived.startswith("batch-8~")


def test_after_the_window_a_resent_single_event_is_a_duplicate(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    sent = {**headers("ingest"), "Idempotency-Key": "one-9"}
    event = {"type": "demo_request", "email": "single@acme.example"}  # no key, no "at"

    first = client.post("/events", json=event, headers=sent)
    pruned = _prune_at(sessions, clock, timedelta(days=3))
    again = client.post("/events", json=event, headers=sent)

    assert pruned == 1
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "duplicate"
    assert again.json()["event_id"] == first.json()["event_id"]
    assert _events(sessions) == [("api", derived_event_key("one-9", _print("/events", event)))]


def test_after_the_window_a_reused_key_records_the_other_requests_events(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    """Another request under an old key is refused while the first reply is kept; once it
    is pruned the request runs, and its events without a key of their own are its own:
    their keys are bound to the request's content, not only to the header."""
    sent = {**headers("ingest"), "Idempotency-Key": "reused"}
    client.post("/events/batch", json=BATCH, headers=sent)
    before = len(_events(sessions))
    other = {"events": [{"type": "webinar_attended", "email": "new@acme.example"}] * 2}

    inside = client.post("/events/batch", json=other, headers=sent)
    _prune_at(sessions, clock, timedelta(hours=25))
    after = client.post("/events/batch", json=other, headers=sent)
    again = client.post("/events/batch", json=other, headers=sent)  # its retry: replayed

    assert inside.status_code == 422
    assert after.status_code == 200
    assert [result["status"] for result in after.json()["results"]] == ["stored", "stored"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(_events(sessions)) == before + 2


def test_a_long_key_gives_event_keys_the_store_can_hold(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session]
) -> None:
    sent = {**headers("ingest"), "Idempotency-Key": "k" * 200}  # the longest the API takes

    reply = client.post("/events/batch", json=BATCH, headers=sent)

    assert reply.status_code == 200, reply.text
    assert reply.json()["stored"] == 3
    assert all(len(key or "") <= 200 for _, key in _events(sessions))


def test_the_delivery_log_keeps_pending_deliveries_and_loses_settled_ones_after_the_window(
    client: TestClient, headers: Headers, sessions: sessionmaker[Session], now: datetime
) -> None:
    made = client.post(
        "/webhooks",
        json={"url": "https://crm.example/in", "kinds": ["stage.changed"]},
        headers=headers("admin"),
    ).json()
    client.post("/events", json=BATCH["events"][0], headers=headers("ingest"))
    with sessions() as session:
        assert dispatch(session, now) == 1

    def log_after_prune(later: timedelta) -> list[str]:
        prune(sessions, WINDOWS, now + later)
        log = client.get(f"/webhooks/{made['id']}/deliveries", headers=headers("admin"))
        assert log.status_code == 200, log.text
        return [entry["status"] for entry in log.json()["items"]]

    pending = log_after_prune(timedelta(days=365))
    with sessions() as session:
        session.execute(update(WebhookDelivery).values(status="delivered", delivered_at=now))
        session.commit()
    inside = log_after_prune(timedelta(days=29))
    after = log_after_prune(timedelta(days=31))

    assert (pending, inside, after) == (["pending"], ["delivered"], [])
