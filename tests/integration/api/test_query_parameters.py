"""A query parameter a keyed route does not read is refused, not silently ignored.

An integrator's ``GET /contacts?q=...`` (or, before it was a filter, ``?email=...``)
answered the unfiltered first page, whose first item is somebody else.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def test_a_lookup_by_a_parameter_the_list_does_not_take_is_refused_naming_those_it_does(
    client: TestClient, headers: Headers
) -> None:
    for email in ("ann@acme.example", "bo@acme.example"):
        made = client.post("/contacts", json={"email": email}, headers=headers("marketing"))
        assert made.status_code == 201, made.text

    found = client.get("/contacts?q=bo@acme.example", headers=headers("marketing"))

    assert found.status_code == 422, found.text
    problem = found.json()
    assert problem["type"] == "https://leadflow.dev/problems/validation"
    assert problem["detail"] == (
        "unknown query parameter 'q'; this route takes: "
        "changed_since, cursor, email, external_id, limit, owner, source, stage, temperature"
    )
    assert problem["errors"] == [
        {
            "loc": ["query", "q"],
            "msg": "not a parameter of this route",
            "type": "extra_forbidden",
        }
    ]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/contacts?temprature=hot", "marketing"),  # a misspelt filter
        ("/accounts?domain=acme.example", "marketing"),
        ("/queue?owner=r0001", "sales"),
        ("/reports/funnel?since=2026-01-01", "sales"),
        ("/exports/leads?from=2026-01-01", "marketing"),
        ("/webhooks?limit=10", "admin"),  # a route that takes none
    ],
)
def test_every_keyed_route_refuses_what_it_does_not_read(
    client: TestClient, headers: Headers, path: str, role: str
) -> None:
    answered = client.get(path, headers=headers(role))

    assert answered.status_code == 422, answered.text
    assert answered.json()["errors"][0]["loc"][0] == "query"


def test_the_parameters_a_route_documents_still_work_aliases_included(
    client: TestClient, headers: Headers
) -> None:
    for path in ("/contacts?stage=lead&limit=5", "/reports/funnel?from=2026-01-01&by=month"):
        assert client.get(path, headers=headers("sales")).status_code == 200, path
    exported = client.get("/exports/leads?format=hubspot", headers=headers("marketing"))
    assert exported.status_code == 200, exported.text


def test_the_events_fast_lane_hands_a_query_string_to_the_route(
    client: TestClient, headers: Headers
) -> None:
    event = {"type": "page_view", "email": "ann@acme.example"}
    first = client.post("/events", json=event, headers=headers("ingest"))  # caches the key
    assert first.status_code == 201, first.text

    refused = client.post("/events?source=hubspot", json=event, headers=headers("ingest"))

    assert refused.status_code == 422, refused.text
    assert "unknown query parameter 'source'" in refused.json()["detail"]


def test_public_routes_ignore_what_websites_and_probes_add(client: TestClient) -> None:
    assert client.get("/healthz?probe=lb-1").status_code == 200


def test_the_key_is_checked_before_the_query(client: TestClient) -> None:
    assert client.get("/contacts?q=ann@acme.example").status_code == 401
