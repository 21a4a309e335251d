"""A sales key bound to a rep acts as that rep only: its queue by default, its own leads
and deals; another rep's are a 403 with a stable type. An unbound sales key (a team's
integration) acts as any rep it names, as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.integration.handoff.test_api import Client, _lead, _team
from tests.integration.handoff.test_api import api as api  # the fixture

Desk = tuple[TestClient, dict[str, dict[str, str]], int]
NOT_YOURS = "https://leadflow.dev/problems/not_your_lead"


def _key(client: TestClient, admin: dict[str, str], name: str, **body: str) -> dict[str, str]:
    made = client.post("/keys", json={"name": name, "role": "sales", **body}, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["rep"] == body.get("rep")
    return {"X-API-Key": made.json()["secret"]}


def _refused(reply: object) -> None:
    assert getattr(reply, "status_code", None) == 403, getattr(reply, "text", reply)
    document = reply.json()  # type: ignore[attr-defined]
    assert document["type"] == NOT_YOURS
    assert document["status"] == 403


@pytest.fixture
def desk(api: Client, engine: Engine) -> Desk:
    client, keys = api
    _team(client, keys["admin"])  # eva, who gets the lead
    lead = _lead(engine)
    max_rep = {"key": "max", "team": "benelux", "capacity": 12}
    assert client.post("/reps", json=max_rep, headers=keys["admin"]).status_code == 201
    keys["eva"] = _key(client, keys["admin"], "eva-phone", rep="eva")
    keys["max"] = _key(client, keys["admin"], "max-phone", rep="max")
    return client, keys, lead


def test_a_bound_key_sees_its_reps_queue_and_no_other(
    desk: Desk,
) -> None:
    client, keys, lead = desk

    mine = client.get("/queue", headers=keys["eva"])
    theirs = client.get("/queue", headers=keys["max"])
    peeking = client.get("/queue", params={"rep": "eva"}, headers=keys["max"])
    unassigned = client.get("/queue", params={"unassigned": "true"}, headers=keys["max"])

    assert [item["contact_id"] for item in mine.json()] == [lead]
    assert theirs.json() == []
    _refused(peeking)
    assert unassigned.status_code == 200  # leads nobody holds, to claim
    away = {"first_day": "2026-08-03", "last_day": "2026-08-07"}
    _refused(client.post("/reps/eva/absences", json=away, headers=keys["max"]))
    assert client.post("/reps/max/absences", json=away, headers=keys["max"]).status_code == 201
    listed = client.get("/keys", headers=keys["admin"]).json()
    assert {key["name"]: key["rep"] for key in listed}["eva-phone"] == "eva"


def test_a_bound_key_acts_only_on_its_reps_leads_and_deals(
    desk: Desk,
) -> None:
    client, keys, lead = desk
    attempt = {"channel": "call", "outcome": "connected"}

    _refused(client.post(f"/leads/{lead}/accept", json={}, headers=keys["max"]))
    _refused(client.post(f"/leads/{lead}/accept", json={"rep": "eva"}, headers=keys["max"]))
    _refused(client.post(f"/leads/{lead}/reject", json={"reason": "no_budget"},
                         headers=keys["max"]))  # fmt: skip
    _refused(client.post(f"/leads/{lead}/accept", json={"rep": "max"}, headers=keys["eva"]))
    accepted = client.post(f"/leads/{lead}/accept", json={}, headers=keys["eva"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["rep"] == "eva"
    _refused(client.post(f"/leads/{lead}/attempts", json=attempt, headers=keys["max"]))
    assert client.post(f"/leads/{lead}/attempts", json=attempt,
                       headers=keys["eva"]).status_code == 201  # fmt: skip
    budget = {"criterion": "budget", "met": True}
    _refused(client.post(f"/leads/{lead}/bant", json=budget, headers=keys["max"]))
    stated = client.post(f"/leads/{lead}/bant", json=budget, headers=keys["eva"])
    assert stated.status_code == 201, stated.text
    _refused(client.post(f"/leads/{lead}/opportunities", json={}, headers=keys["max"]))
    deal = client.post(f"/leads/{lead}/opportunities", json={}, headers=keys["eva"]).json()
    _refused(client.post(f"/opportunities/{deal['id']}/win", json={}, headers=keys["max"]))
    won = client.post(f"/opportunities/{deal['id']}/win", json={}, headers=keys["eva"])
    assert won.status_code == 200, won.text


def test_an_unbound_sales_key_still_acts_as_any_rep_it_names(
    desk: Desk,
) -> None:
    client, keys, lead = desk

    accepted = client.post(f"/leads/{lead}/accept", json={"rep": "max"}, headers=keys["sales"])

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["rep"] == "max"


def test_only_a_sales_key_is_bound_and_only_to_a_rep_the_team_has(
    desk: Desk,
) -> None:
    client, keys, _ = desk
    admin = keys["admin"]

    marketing = client.post("/keys", json={"name": "m", "role": "marketing", "rep": "eva"},
                            headers=admin)  # fmt: skip
    nobody = client.post("/keys", json={"name": "n", "role": "sales", "rep": "zoe"},
                         headers=admin)  # fmt: skip

    assert marketing.status_code == 422
    assert "only a sales key" in marketing.json()["detail"]
    assert nobody.status_code == 404
    assert "no rep with key 'zoe'" in nobody.json()["detail"]


def test_a_nul_in_a_keys_name_or_rep_is_refused_not_a_server_error(desk: Desk) -> None:
    """PostgreSQL's text refuses NUL: the request is refused before it gets there."""
    client, keys, _ = desk
    named = {"name": "a\x00", "role": "admin"}
    bound = {"name": "b", "role": "sales", "rep": "eva\x00"}

    for body in (named, bound):
        reply = client.post("/keys", json=body, headers=keys["admin"])
        assert reply.status_code == 422, reply.text
        assert reply.json()["type"] == "https://leadflow.dev/problems/validation"


def test_a_refused_action_with_an_idempotency_key_is_refused_again_not_replayed(
    desk: Desk,
) -> None:
    # The two came from two branches at once: the refusal must not be kept as the key's
    # answer, nor block the key for the rep the lead belongs to.
    client, keys, lead = desk
    retry = {"Idempotency-Key": "accept-1"}

    _refused(client.post(f"/leads/{lead}/accept", json={}, headers=keys["max"] | retry))
    _refused(client.post(f"/leads/{lead}/accept", json={}, headers=keys["max"] | retry))
    first = client.post(f"/leads/{lead}/accept", json={}, headers=keys["eva"] | retry)
    again = client.post(f"/leads/{lead}/accept", json={}, headers=keys["eva"] | retry)

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
