"""Learned models over HTTP (admin): list, read, activate a stored one, deactivate, and
the activation periods each change writes, with the API key's name as who did it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.services.definitions import active_definition
from leadflow.services.prediction import activate_model, deactivate_model

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def stored(api_engine: Engine, models: Path, now: datetime) -> dict[int, int]:
    """v1 and v2 stored from the command line, none active now: {version: id}."""
    earlier = now - timedelta(days=3)
    with Session(api_engine) as session:
        first = activate_model(session, models / "v1", now=earlier, actor="command line").row
        second = activate_model(session, models / "v2", now=earlier + timedelta(days=1)).row
        deactivate_model(session, now=earlier + timedelta(days=2), actor="command line")
        session.commit()
        return {1: first.id, 2: second.id}


def test_list_read_activate_and_deactivate(
    client: TestClient, headers: Headers, stored: dict[int, int], api_engine: Engine, now: datetime
) -> None:
    admin = headers("admin")

    listed = client.get("/models", headers=admin).json()
    one = client.get(f"/models/{stored[1]}", headers=admin).json()
    switched = client.post(f"/models/{stored[1]}/activate", headers=admin)
    again = client.post(f"/models/{stored[1]}/activate", headers=admin)
    with Session(api_engine) as session:
        active = active_definition(session).model
    stopped = client.post("/models/deactivate", headers=admin)
    history = client.get("/models/activations", headers=admin).json()

    assert [(row["version"], row["active"]) for row in listed] == [(2, False), (1, False)]
    assert one["card"]["learner"] == "logistic_regression"
    assert one["activated_by"] == "command line"
    assert switched.status_code == 200
    assert (switched.json()["active"], switched.json()["activated_by"]) == (True, "API key admin")
    assert again.json()["activated_at"] == switched.json()["activated_at"]
    assert active is not None
    assert active.id == stored[1]
    assert stopped.status_code == 200
    assert (stopped.json()["id"], stopped.json()["active"]) == (stored[1], False)
    assert [(p["model_version"], p["activated_by"], p["deactivated_by"]) for p in history] == [
        (1, "API key admin", "API key admin"),
        (2, None, "command line"),
        (1, "command line", None),
    ]
    assert datetime.fromisoformat(history[0]["activated_at"]) == now  # the injected clock


def test_unknown_models_and_nothing_to_deactivate_are_problems(
    client: TestClient, headers: Headers, stored: dict[int, int]
) -> None:
    admin = headers("admin")

    missing = client.get("/models/999999", headers=admin)
    activate_missing = client.post("/models/999999/activate", headers=admin)
    nothing_active = client.post("/models/deactivate", headers=admin)

    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "no stored model with id 999999"
    assert activate_missing.status_code == 404
    assert nothing_active.status_code == 409
    assert nothing_active.json()["detail"] == "no model is active"
    assert client.get("/models", headers=headers("marketing")).status_code == 403
