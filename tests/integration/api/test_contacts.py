"""Contacts and accounts over HTTP: create, upsert, filters, cursors, GDPR export and erase."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.services.identity import merge_contacts

Headers = Callable[[str], dict[str, str]]


def test_create_normalises_and_refuses_a_second_contact_with_the_address(
    client: TestClient, headers: Headers
) -> None:
    body = {"email": " Ann@ACME.example ", "country": "Netherlands", "phone": "020 123 4567"}

    created = client.post("/contacts", json=body, headers=headers("marketing"))
    again = client.post("/contacts", json=body, headers=headers("marketing"))

    assert created.status_code == 201, created.text
    contact = created.json()
    assert (contact["email"], contact["country"]) == ("ann@acme.example", "NL")
    assert contact["phone"] == "+31201234567"
    assert contact["domain"] == "acme.example"
    assert again.status_code == 409


def test_a_taken_address_or_crm_id_names_the_contact_that_has_it(
    client: TestClient, headers: Headers
) -> None:
    """So an integrator can switch to PUT /contacts (upsert) or read the one it hit."""
    body = {"email": "dee@acme.example", "external_id": "hubspot:51"}
    made = client.post("/contacts", json=body, headers=headers("marketing")).json()
    other = client.post(
        "/contacts", json={"email": "eve@acme.example"}, headers=headers("marketing")
    )

    again = client.post(
        "/contacts", json={"email": " DEE@acme.example"}, headers=headers("marketing")
    )
    crm_twin = {"email": "fay@acme.example", "external_id": "hubspot:51"}
    by_id = client.post("/contacts", json=crm_twin, headers=headers("marketing"))
    moved = {"email": "eve@acme.example", "external_id": "hubspot:51"}
    upserted = client.put("/contacts", json=moved, headers=headers("marketing"))

    for refused in (again, by_id, upserted):
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"] == "https://leadflow.dev/problems/conflict"
        assert problem["existing_id"] == made["id"] != other.json()["id"]
        assert refused.headers["location"].endswith(f"/contacts/{made['id']}")
        assert client.get(refused.headers["location"], headers=headers("sales")).status_code == 200
    assert again.json()["detail"] == (
        f"contact {made['id']} already has the e-mail address 'dee@acme.example'"
    )
    assert (
        by_id.json()["detail"] == f"contact {made['id']} already has the external id 'hubspot:51'"
    )


def test_a_salesforce_id_is_stored_in_its_18_character_form(
    client: TestClient, headers: Headers
) -> None:
    """As an import stores it: the 15- and 18-character ids of one lead are one id."""
    body = {"email": "cy@acme.example", "external_id": "salesforce:001D000000IqhSL"}
    made = client.post("/contacts", json=body, headers=headers("marketing"))
    assert made.status_code == 201, made.text
    assert made.json()["external_id"] == "salesforce:001D000000IqhSLIAZ"
    twin = {"email": "cy2@acme.example", "external_id": "salesforce:001D000000IqhSLIAZ"}
    assert client.post("/contacts", json=twin, headers=headers("marketing")).status_code == 409
    typo = {"email": "cy3@acme.example", "external_id": "salesforce:001D000000IqhSLAAZ"}
    refused = client.post("/contacts", json=typo, headers=headers("marketing"))
    assert refused.status_code == 422
    assert "ends in IAZ, not AAZ" in refused.text


def test_upsert_updates_by_email_and_merges_attributes(
    client: TestClient, headers: Headers
) -> None:
    first = {"email": "bo@acme.example", "title": "CTO", "attributes": {"a": 1}}
    second = {"email": "BO@acme.example", "owner": "rep-1", "attributes": {"b": 2}}

    made = client.put("/contacts", json=first, headers=headers("marketing"))
    changed = client.put("/contacts", json=second, headers=headers("marketing"))

    assert (made.status_code, changed.status_code) == (201, 200)
    assert changed.json()["id"] == made.json()["id"]
    assert changed.json()["title"] == "CTO"
    assert changed.json()["owner"] == "rep-1"
    assert changed.json()["attributes"] == {"a": 1, "b": 2}


def test_lists_filter_and_page_with_cursors(client: TestClient, headers: Headers) -> None:
    for n in range(5):
        owner = "rep-a" if n % 2 == 0 else "rep-b"
        body = {"email": f"p{n}@acme.example", "owner": owner, "source_channel": "linkedin"}
        client.post("/contacts", json=body, headers=headers("marketing"))
    seen: list[str] = []
    cursor = None
    while True:
        query = {"owner": "rep-a", "source": "linkedin", "limit": 2}
        if cursor:
            query["cursor"] = cursor
        page = client.get("/contacts", params=query, headers=headers("sales")).json()
        seen += [item["email"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == ["p0@acme.example", "p2@acme.example", "p4@acme.example"]


def test_filters_by_stage_and_temperature_read_the_qualification(
    client: TestClient, headers: Headers
) -> None:
    event = {"type": "demo_request", "email": "hot@acme.example", "at": "2026-05-30T10:00:00Z"}
    stage = client.post("/events", json=event, headers=headers("ingest")).json()["stage"]
    client.post("/contacts", json={"email": "cold@acme.example"}, headers=headers("marketing"))

    by_stage = client.get("/contacts", params={"stage": stage}, headers=headers("sales")).json()
    unknown = client.get(
        "/contacts", params={"temperature": "unknown"}, headers=headers("sales")
    ).json()

    hot = client.get("/contacts", params={"temperature": "hot"}, headers=headers("sales")).json()

    # A contact created through the API is qualified at once (it enters the funnel, its
    # temperature unknown); the demo request put the other one in its stage as well.
    assert stage == "lead"
    assert [item["email"] for item in by_stage["items"]] == [
        "hot@acme.example",
        "cold@acme.example",
    ]
    assert "cold@acme.example" in [item["email"] for item in unknown["items"]]
    assert [item["email"] for item in hot["items"]] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stage": "bogus"}, "unknown stage 'bogus' (stages of "),
        ({"temperature": "lukewarm"}, "unknown temperature 'lukewarm' (one of: unknown, cold"),
    ],
)
def test_a_filter_word_that_does_not_exist_is_refused_not_an_empty_page(
    client: TestClient, headers: Headers, params: dict[str, str], message: str
) -> None:
    reply = client.get("/contacts", params=params, headers=headers("sales"))

    assert reply.status_code in (400, 422), reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert message in reply.json()["detail"]


def test_a_filter_word_in_capitals_is_read(client: TestClient, headers: Headers) -> None:
    reply = client.get("/contacts", params={"temperature": "Hot"}, headers=headers("sales"))

    assert reply.status_code == 200, reply.text


def test_gdpr_export_holds_everything_and_erase_removes_it(
    client: TestClient, headers: Headers
) -> None:
    event = {"type": "newsletter_signup", "email": "gd@acme.example", "visitor_id": "v-9"}
    contact_id = client.post("/events", json=event, headers=headers("ingest")).json()["contact_id"]

    export = client.get(f"/contacts/{contact_id}/export", headers=headers("marketing"))
    erased = client.delete(f"/contacts/{contact_id}", headers=headers("admin"))
    after = client.get(f"/contacts/{contact_id}", headers=headers("marketing"))

    data = export.json()["data"]
    assert data["contacts"][0]["email"] == "gd@acme.example"
    assert [e["type"] for e in data["events"]] == ["newsletter_signup"]
    assert data["consents"][0]["status"] == "granted"
    assert [d["status"] for d in data["consent_history"]] == ["granted"]
    assert "state" not in data["qualifications"][0]
    assert erased.json()["erased"]["events"] == 1
    assert erased.json()["erased"]["consent_history"] == 1
    assert after.status_code == 404


def test_consents_show_the_decision_in_force_and_every_decision_on_record(
    client: TestClient, headers: Headers
) -> None:
    def send(kind: str, at: str, **properties: str) -> int:
        event = {"type": kind, "email": "cd@acme.example", "at": at, "properties": properties}
        reply = client.post("/events", json=event, headers=headers("ingest"))
        assert reply.status_code == 201, reply.text
        return int(reply.json()["contact_id"])

    contact_id = send("newsletter_signup", "2026-03-01T09:00:00Z", list="weekly")
    send("unsubscribe", "2026-05-01T09:00:00Z", campaign="spring")
    send("newsletter_signup", "2026-02-01T09:00:00Z", form="webinar")  # arrives late

    reply = client.get(f"/contacts/{contact_id}/consents", headers=headers("sales"))
    missing = client.get("/contacts/999999/consents", headers=headers("sales"))

    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [(c["channel"], c["status"]) for c in body["in_force"]] == [("email", "withdrawn")]
    assert [(d["status"], d["at"][:10], d["evidence"]) for d in body["decisions"]] == [
        ("withdrawn", "2026-05-01", "unsubscribe campaign=spring"),
        ("granted", "2026-03-01", "newsletter_signup list=weekly"),
        ("granted", "2026-02-01", "newsletter_signup form=webinar"),
    ]
    assert all(d["event_id"] is not None and d["source"] == "api" for d in body["decisions"])
    assert missing.status_code == 404


def test_the_consents_of_a_merged_record_are_the_survivors(
    client: TestClient, headers: Headers, api_engine: Engine, now: datetime
) -> None:
    """A merge moves the merged record's decisions to the survivor and decides what is in
    force there; the merged record's own row, which the merge did not choose, must not be
    answered as the person's consent, without the decisions that prove it."""

    def send(kind: str, email: str, at: str) -> int:
        event = {"type": kind, "email": email, "at": at}
        reply = client.post("/events", json=event, headers=headers("ingest"))
        assert reply.status_code == 201, reply.text
        return int(reply.json()["contact_id"])

    merged = send("newsletter_signup", "old@acme.example", "2026-01-01T09:00:00Z")
    survivor = send("unsubscribe", "new@acme.example", "2026-02-01T09:00:00Z")
    with api_engine.begin() as connection:
        merge_contacts(connection, survivor, merged, now=now)

    reply = client.get(f"/contacts/{merged}/consents", headers=headers("sales"))

    assert reply.status_code == 200, reply.text
    assert (
        reply.json()
        == client.get(f"/contacts/{survivor}/consents", headers=headers("sales")).json()
    )
    body = reply.json()
    assert body["contact_id"] == survivor
    assert [c["status"] for c in body["in_force"]] == ["withdrawn"]
    assert [d["status"] for d in body["decisions"]] == ["withdrawn", "granted"]


def test_accounts_are_created_updated_and_listed(client: TestClient, headers: Headers) -> None:
    body = {"name": "Acme", "domain": "https://www.Acme.example/about", "country": "DE"}

    made = client.post("/accounts", json=body, headers=headers("marketing"))
    patched = client.patch(
        f"/accounts/{made.json()['id']}", json={"employees": 250}, headers=headers("marketing")
    )
    listed = client.get("/accounts", params={"country": "Germany"}, headers=headers("sales"))
    duplicate = client.post("/accounts", json=body, headers=headers("marketing"))

    assert made.json()["domain"] == "acme.example"
    assert patched.json()["employees"] == 250
    assert [a["name"] for a in listed.json()["items"]] == ["Acme"]
    assert duplicate.status_code == 409
