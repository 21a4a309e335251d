"""Webhook subscriptions over HTTP, and the delivery log after the worker ran."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.domain.clock import FixedClock
from leadflow.services import outbox
from leadflow.services.webhook_delivery import RetryPolicy, deliver_due
from leadflow.store.database import session_factory, writer
from tests.integration.api.receiver import Receiver

Headers = Callable[[str], dict[str, str]]


def test_subscribe_deliver_and_read_the_log(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    receiver = Receiver().start()
    try:
        made = client.post(
            "/webhooks",
            json={"url": receiver.url, "kinds": ["stage.changed"], "description": "CRM"},
            headers=headers("admin"),
        )
        hook = made.json()
        sessions = session_factory(writer(api_engine))
        with sessions() as session:
            outbox.enqueue_in(session, outbox.STAGE_CHANGED, {"contact_id": 1}, now)
            session.commit()
        with httpx.Client() as http:
            deliver_due(sessions, http, FixedClock(now), RetryPolicy())
    finally:
        receiver.stop()

    log = client.get(f"/webhooks/{hook['id']}/deliveries", headers=headers("admin")).json()
    listed = client.get("/webhooks", headers=headers("admin")).json()
    stopped = client.delete(f"/webhooks/{hook['id']}", headers=headers("admin")).json()

    assert made.status_code == 201
    assert hook["secret"].startswith("whsec_")
    assert "secret" not in listed[0]
    [delivery] = log["items"]
    assert (delivery["status"], delivery["kind"]) == ("delivered", "stage.changed")
    assert delivery["tries"][0]["status_code"] == 204
    assert delivery["next_attempt_at"] is None  # delivered: no attempt comes next
    assert stopped["active"] is False


def test_unknown_kinds_and_urls_are_refused(client: TestClient, headers: Headers) -> None:
    bad_kind = {"url": "https://crm.example/hook", "kinds": ["lead.created"]}
    bad_url = {"url": "ftp://crm.example/hook", "kinds": ["stage.changed"]}

    assert client.post("/webhooks", json=bad_kind, headers=headers("admin")).status_code == 422
    assert client.post("/webhooks", json=bad_url, headers=headers("admin")).status_code == 422
    assert client.get("/webhooks/999999", headers=headers("admin")).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["http://[", "http://[::1/hook", "https://crm.example:99999/hook", "https://crm.example:x/h"],
)
def test_a_url_nobody_could_send_to_is_refused_naming_the_field(
    client: TestClient, headers: Headers, url: str
) -> None:
    answer = client.post(
        "/webhooks", json={"url": url, "kinds": ["stage.changed"]}, headers=headers("admin")
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "url"]
    assert client.get("/webhooks", headers=headers("admin")).json() == []


def test_deleting_a_subscription_shows_its_waiting_delivery_cancelled(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    made = client.post(
        "/webhooks",
        json={"url": "http://127.0.0.1:9/down", "kinds": ["stage.changed"]},  # refused
        headers=headers("admin"),
    ).json()
    sessions = session_factory(writer(api_engine))
    with sessions() as session:
        outbox.enqueue_in(session, outbox.STAGE_CHANGED, {"contact_id": 1}, now)
        session.commit()
    with httpx.Client(timeout=2) as http:
        deliver_due(sessions, http, FixedClock(now), RetryPolicy())
    before = client.get(f"/webhooks/{made['id']}/deliveries", headers=headers("admin")).json()

    client.delete(f"/webhooks/{made['id']}", headers=headers("admin"))

    after = client.get(f"/webhooks/{made['id']}/deliveries", headers=headers("admin")).json()
    assert [item["status"] for item in before["items"]] == ["pending"]
    [cancelled] = after["items"]
    assert (cancelled["status"], cancelled["attempts"]) == ("cancelled", 1)
    assert cancelled["tries"][0]["error"]


def test_every_kind_the_outbox_writes_can_be_subscribed_to(
    client: TestClient, headers: Headers
) -> None:
    """The API's list of kinds is the outbox's: hand-offs and assignments included."""
    every = {"url": "https://crm.example/hook", "kinds": list(outbox.KINDS)}

    made = client.post("/webhooks", json=every, headers=headers("admin"))
    schema = client.get("/openapi.json").json()["components"]["schemas"]

    assert made.status_code == 201, made.text
    assert sorted(made.json()["kinds"]) == sorted(outbox.KINDS)
    enum = schema["SubscriptionCreate"]["properties"]["kinds"]["items"]["enum"]
    assert sorted(enum) == sorted(outbox.KINDS)
