"""Finding a contact by e-mail address or by its id in the CRM, without creating one.

A CRM or warehouse sync holds the address or the CRM's id, not leadflow's; ``PUT
/contacts`` finds by address but creates whoever it does not find.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def _make(client: TestClient, headers: Headers, body: dict[str, str]) -> int:
    made = client.post("/contacts", json=body, headers=headers("marketing"))
    assert made.status_code == 201, made.text
    contact_id: int = made.json()["id"]
    return contact_id


def test_the_address_finds_its_contact_as_written_in_any_case(
    client: TestClient, headers: Headers
) -> None:
    _make(client, headers, {"email": "ann@acme.example"})
    bo = _make(client, headers, {"email": "bo@acme.example"})

    found = client.get("/contacts", params={"email": " Bo@ACME.example "}, headers=headers("sales"))

    assert found.status_code == 200, found.text
    assert [item["id"] for item in found.json()["items"]] == [bo]
    assert found.json()["next_cursor"] is None


def test_an_address_nobody_has_is_an_empty_page_and_creates_nobody(
    client: TestClient, headers: Headers
) -> None:
    found = client.get("/contacts", params={"email": "cy@acme.example"}, headers=headers("sales"))
    after = client.get("/contacts", headers=headers("sales"))

    assert found.json() == {"items": [], "next_cursor": None}
    assert after.json()["items"] == []


def test_the_crm_id_finds_its_contact_in_either_salesforce_form(
    client: TestClient, headers: Headers
) -> None:
    lead = _make(client, headers, {"email": "dee@acme.example",
                                   "external_id": "salesforce:001D000000IqhSL"})  # fmt: skip
    _make(client, headers, {"email": "eve@acme.example", "external_id": "hubspot:51"})

    for written in ("salesforce:001D000000IqhSL", "salesforce:001D000000IqhSLIAZ"):
        found = client.get("/contacts", params={"external_id": written}, headers=headers("sales"))
        assert [item["id"] for item in found.json()["items"]] == [lead], written


def test_a_value_that_cannot_be_an_address_or_crm_id_is_refused_saying_why(
    client: TestClient, headers: Headers
) -> None:
    bad_email = client.get("/contacts", params={"email": "nobody"}, headers=headers("sales"))
    bad_id = client.get(
        "/contacts",
        params={"external_id": "salesforce:001D000000IqhSLAAZ"},
        headers=headers("sales"),
    )

    assert bad_email.status_code == 422, bad_email.text
    assert "e-mail 'nobody' is not valid" in bad_email.json()["detail"]
    assert bad_id.status_code == 422, bad_id.text
    assert "ends in IAZ, not AAZ" in bad_id.json()["detail"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_crm_id_is_refused_rather_than_answered_with_nobody(
    client: TestClient, headers: Headers, blank: str
) -> None:
    client.post(
        "/contacts", json={"email": "a@acme.example", "external_id": "hubspot:1"},
        headers=headers("marketing"),
    )  # fmt: skip

    answer = client.get("/contacts", params={"external_id": blank}, headers=headers("sales"))

    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"] == ["query", "external_id"]
