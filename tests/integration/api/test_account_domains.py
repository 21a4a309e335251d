"""A domain is one account's: another's is refused naming the account that has it, as a
contact's taken address is, so a sync can read or update that one instead."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def _account(client: TestClient, headers: Headers, name: str, domain: str) -> int:
    made = client.post(
        "/accounts", json={"name": name, "domain": domain}, headers=headers("marketing")
    )
    assert made.status_code == 201, made.text
    account_id: int = made.json()["id"]
    return account_id


def test_a_taken_domain_names_the_account_that_has_it(client: TestClient, headers: Headers) -> None:
    acme = _account(client, headers, "Acme", "acme.example")
    beta = _account(client, headers, "Beta", "beta.example")

    created = client.post(
        "/accounts",
        json={"name": "Acme BV", "domain": "https://www.Acme.example/"},
        headers=headers("marketing"),
    )
    patched = client.patch(
        f"/accounts/{beta}", json={"domain": "acme.example"}, headers=headers("marketing")
    )

    for answer in (created, patched):
        assert answer.status_code == 409, answer.text
        problem = answer.json()
        assert problem["existing_id"] == acme
        assert answer.headers["Location"].endswith(f"/accounts/{acme}")
        # The domain asked for, not the one the patched account still has.
        assert problem["detail"] == "another account already has the domain 'acme.example'"
    kept = client.get(f"/accounts/{beta}", headers=headers("sales")).json()
    assert kept["domain"] == "beta.example"
