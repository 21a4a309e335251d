"""PATCH /contacts/{id} changes some fields of one contact; GET /contacts?changed_since=
reads the contacts a sync has not seen yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.domain.clock import FixedClock
from leadflow.services.identity import merge_contacts

Headers = Callable[[str], dict[str, str]]


def _made(client: TestClient, headers: Headers, **values: object) -> dict[str, object]:
    reply = client.post("/contacts", json=values, headers=headers("marketing"))
    assert reply.status_code == 201, reply.text
    body: dict[str, object] = reply.json()
    return body


def test_a_patch_sets_empties_and_keeps_fields_and_merges_attributes(
    client: TestClient, headers: Headers
) -> None:
    made = _made(
        client,
        headers,
        email="ann@acme.example",
        title="CTO",
        department="it",
        country="NL",
        attributes={"tier": "gold", "plan": "trial"},
    )
    changes = {
        "title": "Chief Technology Officer",
        "department": None,
        "phone": "020 123 4567",  # no country sent: the contact's own (NL) reads it
        "attributes": {"plan": None, "seats": 40},
    }

    reply = client.patch(f"/contacts/{made['id']}", json=changes, headers=headers("marketing"))

    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["title"] == "Chief Technology Officer"
    assert body["department"] is None
    assert body["phone"] == "+31201234567"
    assert (body["email"], body["country"]) == ("ann@acme.example", "NL")  # left out: kept
    assert body["attributes"] == {"tier": "gold", "seats": 40}
    read = client.get(f"/contacts/{made['id']}", headers=headers("sales")).json()
    assert read == body
    cleared = client.patch(
        f"/contacts/{made['id']}", json={"attributes": None}, headers=headers("marketing")
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["attributes"] == {}


def test_a_patch_normalises_as_create_does_and_refuses_what_it_cannot_hold(
    client: TestClient, headers: Headers
) -> None:
    made = _made(client, headers, email="bo@acme.example")
    other = _made(client, headers, email="cy@acme.example", external_id="hubspot:7")
    url = f"/contacts/{made['id']}"

    moved = client.patch(
        url,
        json={"email": " Bo@NEWCO.example", "seniority": "C-Level"},
        headers=headers("marketing"),
    )
    emptied = client.patch(url, json={"email": None}, headers=headers("marketing"))
    taken = client.patch(url, json={"external_id": "hubspot:7"}, headers=headers("marketing"))
    country = client.patch(url, json={"country": "Atlantis"}, headers=headers("marketing"))
    unknown = client.patch(url, json={"favourite": "tea"}, headers=headers("marketing"))
    missing = client.patch("/contacts/999999", json={"title": "x"}, headers=headers("marketing"))

    assert moved.status_code == 200, moved.text
    assert (moved.json()["email"], moved.json()["domain"]) == ("bo@newco.example", "newco.example")
    assert moved.json()["seniority"] == "c_level"
    assert emptied.status_code == 422
    assert "email cannot be emptied" in emptied.json()["detail"]
    assert taken.status_code == 409
    assert taken.json()["existing_id"] == other["id"]
    assert country.status_code == 422
    assert "Atlantis" in country.json()["detail"]
    assert unknown.status_code == 422
    assert missing.status_code == 404
    after = client.get(url, headers=headers("sales")).json()
    assert after["external_id"] is None  # nothing refused was written
    assert after["country"] is None


def test_a_merged_contact_is_changed_through_its_survivor(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    merged = _made(client, headers, email="old@acme.example")
    survivor = _made(client, headers, email="new@acme.example")
    with api_engine.begin() as connection:
        merge_contacts(connection, int(str(survivor["id"])), int(str(merged["id"])), now=now)

    reply = client.patch(
        f"/contacts/{merged['id']}", json={"title": "CEO"}, headers=headers("marketing")
    )

    assert reply.status_code == 409
    assert f"merged into contact {survivor['id']}" in reply.json()["detail"]


def test_only_marketing_may_patch(client: TestClient, headers: Headers) -> None:
    made = _made(client, headers, email="dee@acme.example")

    as_sales = client.patch(
        f"/contacts/{made['id']}", json={"title": "x"}, headers=headers("sales")
    )
    anonymous = client.patch(f"/contacts/{made['id']}", json={"title": "x"})

    assert (as_sales.status_code, anonymous.status_code) == (403, 401)


def test_changed_since_lists_contacts_changed_or_requalified_at_or_after_the_moment(
    client: TestClient, headers: Headers, clock: FixedClock
) -> None:
    start = clock.current
    quiet = _made(client, headers, email="quiet@acme.example")
    edited = _made(client, headers, email="edited@acme.example")
    active = _made(client, headers, email="active@acme.example")
    clock.current = start + timedelta(hours=2)
    sync_started = clock.current
    client.patch(f"/contacts/{edited['id']}", json={"title": "CFO"}, headers=headers("marketing"))
    event = {"type": "pricing_view", "email": "active@acme.example", "at": "2026-06-01T13:30:00Z"}
    assert client.post("/events", json=event, headers=headers("ingest")).status_code == 201

    def emails(since: str) -> list[str]:
        reply = client.get("/contacts", params={"changed_since": since}, headers=headers("sales"))
        assert reply.status_code == 200, reply.text
        return [item["email"] for item in reply.json()["items"]]

    assert emails(sync_started.isoformat()) == ["edited@acme.example", "active@acme.example"]
    assert emails("2026-06-01T16:00:00+02:00") == emails(sync_started.isoformat())
    assert len(emails(start.isoformat())) == 3
    assert quiet["email"] not in emails(sync_started.isoformat())
    assert active["id"] != quiet["id"]
    bad = client.get("/contacts", params={"changed_since": "yesterday"}, headers=headers("sales"))
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("changed_since: 'yesterday' is not an ISO 8601 moment")
