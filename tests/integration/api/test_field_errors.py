"""A value that is well-formed JSON but cannot be used (an address that is not one, a
country nobody has) is refused as a schema error is: ``errors`` names the field, so a
client can show the message beside it rather than parse the detail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from leadflow.services.form_config import FormsConfig, FormSpec

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def forms() -> FormsConfig:
    fields = {"mail": "email", "first": "first_name", "land": "country"}
    return FormsConfig(forms={"demo": FormSpec(event="demo_request", fields=fields)})


def _error(answer: object) -> tuple[list[str], str, str]:
    assert isinstance(answer, dict)
    assert answer["type"].endswith("/validation")
    [error] = answer["errors"]
    assert answer["detail"].endswith(error["msg"])
    return error["loc"], error["type"], answer["detail"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"email": "not-an-email"}, ["body", "email"]),
        ({"email": "a@acme.example", "country": "Atlantis"}, ["body", "country"]),
        ({"email": "a@acme.example", "phone": "call me"}, ["body", "phone"]),
        ({"email": "a@acme.example", "first_name": "x" * 201}, ["body", "first_name"]),
        (
            {"email": "a@acme.example", "attributes": {"industry": "!!!"}},
            ["body", "attributes", "industry"],
        ),
        ({"email": "a@acme.example", "account_id": 999}, ["body", "account_id"]),
    ],
)
def test_a_contact_value_that_cannot_be_used_names_its_field(
    client: TestClient, headers: Headers, body: dict[str, object], loc: list[str]
) -> None:
    for method in ("POST", "PUT"):
        answer = client.request(method, "/contacts", json=body, headers=headers("marketing"))

        assert answer.status_code == 422
        assert _error(answer.json())[0] == loc


def test_a_patch_names_the_field_it_cannot_use(client: TestClient, headers: Headers) -> None:
    made = client.post("/contacts", json={"email": "a@acme.example"}, headers=headers("marketing"))
    path = f"/contacts/{made.json()['id']}"

    emptied = client.patch(path, json={"email": None}, headers=headers("marketing"))
    country = client.patch(path, json={"country": "Atlantis"}, headers=headers("marketing"))

    assert _error(emptied.json())[0] == ["body", "email"]
    assert _error(country.json())[0] == ["body", "country"]


def test_an_account_value_that_cannot_be_used_names_its_field(
    client: TestClient, headers: Headers
) -> None:
    answer = client.post(
        "/accounts", json={"name": "Acme", "employees": "lots"}, headers=headers("marketing")
    )

    assert answer.status_code == 422
    loc, kind, detail = _error(answer.json())
    assert (loc, kind) == (["body", "employees"], "value_error")
    assert detail == "employees: 'lots' is not a number"


@pytest.mark.parametrize(
    "name",
    ["email", "stage", "temperature", "owner", "source", "changed_since"],
)
def test_a_filter_that_finds_nothing_by_its_words_names_the_query_parameter(
    client: TestClient, headers: Headers, name: str
) -> None:
    answer = client.get("/contacts", params={name: "nope"}, headers=headers("sales"))

    assert answer.status_code == 422
    assert _error(answer.json())[0] == ["query", name]


def test_a_form_names_the_field_as_the_page_posted_it(client: TestClient) -> None:
    bad_address = client.post("/forms/demo", json={"mail": "nope"})
    bad_country = client.post("/forms/demo", json={"mail": "a@acme.example", "land": "Atlantis"})
    no_address = client.post("/forms/demo", json={"first": "Ann"})

    assert _error(bad_address.json())[0] == ["body", "mail"]
    assert _error(bad_country.json())[0] == ["body", "land"]
    assert _error(no_address.json())[0] == ["body", "mail"]


@pytest.mark.parametrize(
    ("event", "loc"),
    [
        ({"type": "demo_request", "email": "nope"}, ["body", "email"]),
        ({"type": "demo_request", "contact_id": 424242}, ["body", "contact_id"]),
        (
            {"type": "demo_request", "contact_id": "salesforce:001D000000IqhSLAAZ"},
            ["body", "contact_id"],
        ),
        (
            {"type": "demo_request", "email": "a@acme.example", "at": "2099-01-01T00:00:00Z"},
            ["body", "at"],
        ),
    ],
)
def test_an_event_that_cannot_be_recorded_names_its_field(
    client: TestClient, headers: Headers, event: dict[str, object], loc: list[str]
) -> None:
    for extra in ({}, {"Idempotency-Key": "k-1"}):  # the fast lane and the route
        answer = client.post("/events", json=event, headers={**headers("ingest"), **extra})

        assert answer.status_code == 422, answer.text
        assert _error(answer.json())[:2] == (loc, "value_error")
