"""`GET /exports/leads`: the leads as CSV for a CRM import, streamed, filters checked first."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def _lead(client: TestClient, headers: Headers, email: str, kind: str, at: str) -> None:
    event = {"type": kind, "at": at, "email": email}
    posted = client.post("/events", json=event, headers=headers("ingest"))
    assert posted.status_code in (200, 201), posted.text


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_salesforce_file_of_the_leads_with_their_ids(
    client: TestClient, headers: Headers
) -> None:
    made = client.post(
        "/contacts",
        json={"email": "ann@acme.example", "external_id": "salesforce:00Q5g00000AbCdE"},
        headers=headers("marketing"),
    )
    assert made.status_code == 201, made.text
    _lead(client, headers, "ann@acme.example", "demo_request", "2026-05-20T10:00:00Z")
    _lead(client, headers, "bo@other.example", "page_view", "2026-05-21T10:00:00Z")

    got = client.get("/exports/leads?format=salesforce", headers=headers("sales"))

    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="leadflow-leads-salesforce.csv"' in got.headers["content-disposition"]
    rows = _rows(got.text)
    assert [(row["Id"], row["Email"]) for row in rows] == [
        ("00Q5g00000AbCdEEAV", "ann@acme.example"),
        ("", "bo@other.example"),
    ]
    assert rows[0]["Leadflow_Lead_Type__c"] == "srl"


def test_filters_and_changed_since(client: TestClient, headers: Headers) -> None:
    _lead(client, headers, "ann@acme.example", "demo_request", "2026-05-20T10:00:00Z")
    _lead(client, headers, "bo@other.example", "page_view", "2026-05-21T10:00:00Z")

    srl = client.get("/exports/leads?lead_type=srl", headers=headers("marketing"))
    none_later = client.get(
        "/exports/leads", params={"changed_since": "2100-01-01T00:00:00Z"}, headers=headers("sales")
    )

    assert [row["email"] for row in _rows(srl.text)] == ["ann@acme.example"]
    assert none_later.status_code == 200
    assert none_later.text.splitlines()[1:] == []


def test_a_stage_the_definition_lacks_is_a_problem_not_an_empty_file(
    client: TestClient, headers: Headers
) -> None:
    refused = client.get("/exports/leads?stage=sqll", headers=headers("marketing"))
    bad_format = client.get("/exports/leads?format=marketo", headers=headers("marketing"))
    wrong_role = client.get("/exports/leads", headers=headers("ingest"))
    naive = client.get(
        "/exports/leads", params={"changed_since": "2026-05-01T10:00"}, headers=headers("sales")
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "unknown stage 'sqll'" in refused.json()["detail"]
    assert bad_format.status_code == 422
    assert wrong_role.status_code == 403
    # A moment without a zone could be anyone's local time: refused, not guessed.
    assert naive.status_code == 422
    assert "changed_since" in naive.json()["detail"]


def test_filters_read_what_was_typed_as_get_contacts_does(
    client: TestClient, headers: Headers
) -> None:
    """The same words find the same leads in the list and in the file."""
    body = {"email": "ann@acme.example", "source_channel": "paid_search", "owner": "crm-17"}
    assert client.post("/contacts", json=body, headers=headers("marketing")).status_code == 201
    _lead(client, headers, "bo@other.example", "page_view", "2026-05-21T10:00:00Z")

    def emails(**params: str) -> list[str]:
        got = client.get("/exports/leads", params=params, headers=headers("marketing"))
        assert got.status_code == 200, got.text
        return [row["email"] for row in _rows(got.text)]

    unknown = client.get("/exports/leads?owner=nobody", headers=headers("marketing"))

    assert emails(source="Google Ads") == ["ann@acme.example"]
    assert emails(stage="Lead") == emails(stage=" LEAD") == ["ann@acme.example", "bo@other.example"]
    assert emails(stage="MQL") == []
    assert emails(owner=" crm-17") == ["ann@acme.example"]
    assert unknown.status_code == 422
    assert unknown.json()["detail"].startswith("unknown owner 'nobody'")
