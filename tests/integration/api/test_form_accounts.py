"""A form's company fields (``account.<field>``) reach the account fit rules read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.store.models import Account, Contact

Headers = Callable[[str], dict[str, str]]
FIELDS = {
    "email": "email",
    "company": "company",
    "size": "account.employees",
    "sector": "account.industry",
    "land": "account.country",
}


@pytest.fixture
def forms() -> FormsConfig:
    return FormsConfig(forms={"trial": FormSpec(event="trial_start", fields=FIELDS)})


def _contact(engine: Engine, email: str) -> tuple[Contact, Account | None]:
    with Session(engine) as session:
        contact = session.scalar(select(Contact).where(Contact.email == email))
        assert contact is not None
        account = None if contact.account_id is None else session.get(Account, contact.account_id)
        return contact, account


def _explanation(client: TestClient, headers: Headers, contact_id: int) -> str:
    reply = client.get(
        f"/contacts/{contact_id}/qualification/explanation", headers=headers("marketing")
    )
    assert reply.status_code == 200, reply.text
    return "\n".join(reply.json()["explanation"])


def test_a_form_creates_the_company_account_and_fit_rules_read_it(
    client: TestClient, api_engine: Engine, headers: Headers
) -> None:
    posted = {"email": "ann@acme.example", "company": "Acme BV", "size": "51-200",
              "sector": "Software", "land": "Nederland"}  # fmt: skip

    reply = client.post("/forms/trial", json=posted)

    assert reply.status_code == 202, reply.text
    contact, account = _contact(api_engine, "ann@acme.example")
    assert account is not None
    assert (account.domain, account.name) == ("acme.example", "Acme BV")
    assert (account.employees, account.industry, account.country) == (51, "software", "NL")
    explained = _explanation(client, headers, contact.id)
    assert "target industry: account.industry = 'software'" in explained
    assert "core company size (51-1000 employees): account.employees = 51" in explained


def test_a_form_fills_only_what_the_account_does_not_hold(
    client: TestClient, api_engine: Engine, headers: Headers
) -> None:
    held = {"name": "Bolt GmbH", "domain": "bolt.example", "employees": 300}
    assert client.post("/accounts", json=held, headers=headers("marketing")).status_code == 201

    posted = {"email": "bo@bolt.example", "size": "11-50", "sector": "logistics"}
    assert client.post("/forms/trial", json=posted).status_code == 202

    _, account = _contact(api_engine, "bo@bolt.example")
    assert account is not None
    assert (account.name, account.employees, account.industry) == ("Bolt GmbH", 300, "logistics")


def test_a_free_mail_poster_keeps_the_company_values_on_the_contact(
    client: TestClient, api_engine: Engine
) -> None:
    posted = {"email": "cy@gmail.com", "size": "11-50", "sector": "retail"}

    assert client.post("/forms/trial", json=posted).status_code == 202

    contact, account = _contact(api_engine, "cy@gmail.com")
    assert account is None
    assert contact.attributes == {"employees": 11, "industry": "retail"}
    with Session(api_engine) as session:
        assert session.scalar(select(Account).where(Account.domain == "gmail.com")) is None


def test_a_value_the_form_cannot_read_is_kept_as_typed_and_the_lead_is_not_lost(
    client: TestClient, api_engine: Engine
) -> None:
    posted = {"email": "di@dune.example", "size": "a few of us", "land": "Atlantis"}

    assert client.post("/forms/trial", json=posted).status_code == 202

    contact, account = _contact(api_engine, "di@dune.example")
    assert account is not None
    assert (account.employees, account.country) == (None, None)
    assert contact.attributes == {"employees": "a few of us", "country": "Atlantis"}


def test_an_unknown_account_target_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"account\.employees"):
        FormSpec(fields={"email": "email", "size": "account.size"})
