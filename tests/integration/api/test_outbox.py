"""The real-time path announces stage moves and sales-readiness through the outbox,
in the transaction of the event: committed together, or not at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import active_definition
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.store.models import OutboxMessage

Headers = Callable[[str], dict[str, str]]


def _messages(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    with Session(engine) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at))
        return [(row.kind, dict(row.payload)) for row in rows]


def test_a_stage_move_writes_one_stage_changed_message(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    event = {"type": "newsletter_signup", "email": "o@acme.example", "key": "o-1"}

    first = client.post("/events", json=event, headers=headers("ingest")).json()
    client.post("/events", json=event, headers=headers("ingest"))  # a duplicate: no new move

    changes = [data for kind, data in _messages(api_engine) if kind == "stage.changed"]
    assert len(first["transitions"]) == len(changes) == 1
    assert changes[0]["contact_id"] == first["contact_id"]
    assert changes[0]["to"] == first["transitions"][0]["to_stage"]


def test_becoming_sales_ready_is_announced_once(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    company = {"name": "BigCo", "industry": "software", "employees": 200, "country": "DE"}
    account = client.post("/accounts", json=company, headers=headers("marketing")).json()
    person = {"email": "cto@bigco.example", "seniority": "c_level", "account_id": account["id"]}
    client.post("/contacts", json=person, headers=headers("marketing"))

    results = [
        client.post(
            "/events",
            json={"type": "demo_request", "email": "cto@bigco.example", "key": f"d{n}"},
            headers=headers("ingest"),
        ).json()
        for n in range(3)
    ]

    assert [result["sales_ready"] for result in results] == [True, True, True]
    ready = [data for kind, data in _messages(api_engine) if kind == "lead.sales_ready"]
    assert len(ready) == 1
    assert ready[0]["contact_id"] == results[0]["contact_id"]


def test_a_rolled_back_batch_leaves_no_message(
    api_engine: Engine, now: datetime, api_keys: dict[str, str]
) -> None:
    del api_keys
    with Session(api_engine) as session:
        active = active_definition(session)
    event = IncomingEvent(type="newsletter_signup", at=now, email="rb@acme.example", key="rb")

    with EventRecorder(api_engine, active, FixedClock(now)) as recorder:
        outcomes = recorder.record_batch([event], commit=False)
        recorder.rollback()

    assert outcomes[0].__class__.__name__ == "Recorded"
    assert _messages(api_engine) == []


@pytest.fixture(autouse=True)
def _no_messages_before(api_engine: Engine) -> None:
    assert _messages(api_engine) == []
