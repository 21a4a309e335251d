"""List filters compare what a person types with what the store holds.

``GET /contacts?source=Google Ads`` finds the contacts stored as ``paid_search``, as the
imports read that channel; ``?stage=MQL`` finds ``mql``; ``?owner= Anna@x.com`` finds
the rep's leads; ``GET /accounts?industry=Computer Software`` finds ``computer_software``.
A value that names nothing held is refused rather than answered with an empty page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.services import reps
from leadflow.store.database import session_factory

Headers = Callable[[str], dict[str, str]]


def _ids(client: TestClient, headers: Headers, path: str, **params: str) -> list[int]:
    found = client.get(path, params=params, headers=headers("sales"))
    assert found.status_code == 200, found.text
    return [item["id"] for item in found.json()["items"]]


def _contact(client: TestClient, headers: Headers, **values: object) -> int:
    made = client.post("/contacts", json=values, headers=headers("marketing"))
    assert made.status_code == 201, made.text
    contact_id: int = made.json()["id"]
    return contact_id


@pytest.fixture
def anna(api_engine: Engine, now: datetime) -> str:
    """A rep whose key is her address, as many teams key their reps."""
    with session_factory(api_engine)() as session:
        reps.add_team(
            session,
            key="benelux",
            name=None,
            zone="UTC",
            working_hours="mon-fri 09:00-17:00",
            now=now,
        )
        reps.add_rep(
            session,
            key="anna@x.com",
            name="Anna Smit",
            email=None,
            team_key="benelux",
            capacity=10,
            now=now,
        )
        session.commit()
    return "anna@x.com"


@pytest.mark.parametrize("typed", ["Google Ads", "paid search", "PPC", " paid_search "])
def test_a_channel_as_typed_finds_the_contacts_stored_under_it(
    client: TestClient, headers: Headers, typed: str
) -> None:
    paid = _contact(client, headers, email="ann@acme.example", source_channel="paid_search")
    _contact(client, headers, email="bo@acme.example", source_channel="events")

    assert _ids(client, headers, "/contacts", source=typed) == [paid]


def test_a_channel_nobody_has_is_refused_a_teams_own_is_found(
    client: TestClient, headers: Headers
) -> None:
    own = _contact(client, headers, email="ann@acme.example", source_channel="g2_reviews")

    refused = client.get("/contacts", params={"source": "tiktok"}, headers=headers("sales"))

    assert _ids(client, headers, "/contacts", source="G2 Reviews") == [own]
    assert refused.status_code == 422
    assert "'tiktok' is not an acquisition channel of any contact" in refused.json()["detail"]


@pytest.mark.parametrize("typed", ["Lead", "LEAD", " lead"])
def test_a_stage_as_typed_finds_the_stage(client: TestClient, headers: Headers, typed: str) -> None:
    made = _contact(client, headers, email="ann@acme.example")
    assert _ids(client, headers, "/contacts", stage="lead") == [made]

    assert _ids(client, headers, "/contacts", stage=typed) == [made]


@pytest.mark.parametrize("typed", ["MQL", "Marketing qualified lead", "marketing-qualified lead"])
def test_a_stage_by_its_label_or_in_capitals_is_that_stage(
    client: TestClient, headers: Headers, typed: str
) -> None:
    _contact(client, headers, email="ann@acme.example")

    found = client.get("/contacts", params={"stage": typed}, headers=headers("sales"))

    assert found.status_code == 200, found.text
    assert found.json()["items"] == []  # nobody is an mql yet: an empty page, not a 422


@pytest.mark.parametrize("typed", ["anna@x.com", " Anna@x.com", "ANNA@X.COM", "Anna Smit"])
def test_an_owner_as_typed_finds_the_reps_contacts(
    client: TestClient, headers: Headers, anna: str, typed: str
) -> None:
    hers = _contact(client, headers, email="ann@acme.example", owner=anna)
    _contact(client, headers, email="bo@acme.example")

    assert _ids(client, headers, "/contacts", owner=typed) == [hers]


def test_an_owner_no_rep_and_no_contact_has_is_refused_naming_it(
    client: TestClient, headers: Headers, anna: str
) -> None:
    imported = _contact(client, headers, email="ann@acme.example", owner="hubspot-owner-17")

    refused = client.get("/contacts", params={"owner": "anne@x.com"}, headers=headers("sales"))

    assert _ids(client, headers, "/contacts", owner="hubspot-owner-17") == [imported]
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"] == "https://leadflow.dev/problems/validation"
    detail = refused.json()["detail"]
    assert detail.startswith("unknown owner 'anne@x.com': no rep and no contact has it")
    assert "anna@x.com (Anna Smit)" in detail


@pytest.mark.parametrize("typed", ["Computer Software", "computer software", "computer_software"])
def test_an_industry_as_typed_finds_the_accounts_stored_under_it(
    client: TestClient, headers: Headers, typed: str
) -> None:
    made = client.post(
        "/accounts",
        json={"domain": "acme.example", "industry": "computer_software"},
        headers=headers("marketing"),
    ).json()
    client.post(
        "/accounts",
        json={"domain": "bank.example", "industry": "banking"},
        headers=headers("marketing"),
    )

    assert _ids(client, headers, "/accounts", industry=typed) == [made["id"]]
