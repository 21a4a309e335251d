"""Every moment leadflow hands an integrator is written one way: ISO 8601 in UTC ending
in ``Z`` (``2026-06-01T12:00:00Z``), in API replies and webhook payloads alike, so a
receiver can compare a webhook's ``at`` with the API's as text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.webhook_delivery import RetryPolicy, deliver_due
from leadflow.store.database import session_factory, writer
from leadflow.store.models import OutboxMessage
from tests.integration.api.receiver import Receiver

Headers = Callable[[str], dict[str, str]]
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
POLICY = RetryPolicy(first_delay=30, max_delay=600, max_attempts=3, timeout=2)


def _moments(document: object) -> Iterator[str]:
    """Every string in a JSON document that is a moment (a date and a time)."""
    if isinstance(document, str):
        if MOMENT.match(document):
            yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from _moments(value)
    elif isinstance(document, list):
        for value in document:
            yield from _moments(value)


def _in_z(document: object) -> list[str]:
    found = list(_moments(document))
    assert found, "the document holds no moment to check"
    return [moment for moment in found if not moment.endswith("Z")]


def _sales_ready_lead(client: TestClient, headers: Headers) -> dict[str, object]:
    company = {"name": "BigCo", "industry": "software", "employees": 200, "country": "DE"}
    account = client.post("/accounts", json=company, headers=headers("marketing")).json()
    person = {"email": "cto@bigco.example", "seniority": "c_level", "account_id": account["id"]}
    client.post("/contacts", json=person, headers=headers("marketing"))
    event = {"type": "demo_request", "email": "cto@bigco.example", "key": "d1"}
    reply: dict[str, object] = client.post("/events", json=event, headers=headers("ingest")).json()
    return reply


def test_webhook_payloads_write_moments_as_the_api_does(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    receiver = Receiver().start()
    try:
        kinds = ["stage.changed", "lead.sales_ready", "lead.handed_off"]
        hook = {"url": receiver.url, "kinds": kinds}
        assert client.post("/webhooks", json=hook, headers=headers("admin")).status_code == 201
        reply = _sales_ready_lead(client, headers)
        sessions = session_factory(writer(api_engine))
        with httpx.Client(timeout=POLICY.timeout) as http:
            report = deliver_due(sessions, http, FixedClock(now), POLICY)
    finally:
        receiver.stop()

    bodies = [json.loads(got.body) for got in receiver.received]
    assert report.delivered == len(bodies) >= 3
    assert {body["type"] for body in bodies} >= {"stage.changed", "lead.sales_ready"}
    assert [_in_z(body) for body in bodies] == [[] for _ in bodies]
    # The same moment reads the same in the event's reply and in the webhook.
    transitions = reply["transitions"]
    assert isinstance(transitions, list)
    moved = [body["data"] for body in bodies if body["type"] == "stage.changed"]
    assert {data["at"] for data in moved} == {move["at"] for move in transitions}
    assert all(body["created_at"] == "2026-06-01T12:00:00Z" for body in bodies)


def test_a_message_stored_before_the_change_is_delivered_in_z(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    receiver = Receiver().start()
    try:
        hook = {"url": receiver.url, "kinds": ["lead.sales_ready"]}
        assert client.post("/webhooks", json=hook, headers=headers("admin")).status_code == 201
        stored = {"contact_id": 7, "stage": "sql", "at": "2026-06-01T11:59:30.250000+00:00"}
        with Session(api_engine) as session:
            message = {"id": "old-1", "kind": "lead.sales_ready", "payload": stored}
            session.execute(insert(OutboxMessage).values(created_at=now, **message))
            session.commit()
        with httpx.Client(timeout=POLICY.timeout) as http:
            deliver_due(session_factory(writer(api_engine)), http, FixedClock(now), POLICY)
    finally:
        receiver.stop()

    [got] = receiver.received
    assert json.loads(got.body)["data"]["at"] == "2026-06-01T11:59:30.250000Z"


def test_a_qualification_and_its_explanation_write_moments_in_z(
    client: TestClient, headers: Headers
) -> None:
    reply = _sales_ready_lead(client, headers)
    contact = reply["contact_id"]

    for path in (
        f"/contacts/{contact}/qualification",
        f"/contacts/{contact}/qualification/explanation",
    ):
        answer = client.get(path, headers=headers("sales")).json()
        assert _in_z(answer) == [], path
        assert answer["at"] == "2026-06-01T12:00:00Z"


def test_a_gdpr_export_writes_moments_in_z(client: TestClient, headers: Headers) -> None:
    contact = _sales_ready_lead(client, headers)["contact_id"]

    by_id = client.get(f"/contacts/{contact}/export", headers=headers("marketing")).json()
    by_address = client.post(
        "/gdpr/export", json={"email": "cto@bigco.example"}, headers=headers("marketing")
    ).json()

    assert _in_z(by_id["data"]["contacts"]) == []
    assert _in_z(by_id["data"]["events"]) == []
    assert by_address["data"]["contacts"] == by_id["data"]["contacts"]
