"""The API stores a contact's channel, seniority and industry as the imports store them,
so one fit rule (``account.industry in [financial_services]``) reads both alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.store.database import session_factory
from leadflow.store.models import Contact

Headers = Callable[[str], dict[str, str]]

TYPED = {
    "channel": "Google Ads",
    "seniority": "  Vice  President ",
    "industry": "Computer Software",
}


def _stored(engine: Engine, email: str) -> tuple[Any, ...]:
    with session_factory(engine)() as session:
        contact = session.scalars(select(Contact).where(Contact.email == email)).one()
        return contact.source_channel, contact.seniority, contact.attributes.get("industry")


def _imported(engine: Engine, tmp_path: Path, now: datetime) -> tuple[Any, ...]:
    """What ``leadflow import contacts`` stores for the same values (a free-mail address:
    the industry stays on the contact, as the API's attributes keep it)."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "email,channel,seniority,industry\n"
        f"imported@gmail.com,{TYPED['channel']},{TYPED['seniority']},{TYPED['industry']}\n",
        encoding="utf-8",
    )
    import_contacts(engine, path, ImportOptions(get_format("generic")), clock=FixedClock(now))
    return _stored(engine, "imported@gmail.com")


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_contact_sent_as_typed_is_stored_as_an_import_stores_it(
    client: TestClient,
    headers: Headers,
    api_engine: Engine,
    tmp_path: Path,
    now: datetime,
    method: str,
) -> None:
    body = {
        "email": "sent@gmail.com",
        "source_channel": TYPED["channel"],
        "seniority": TYPED["seniority"],
        "attributes": {"industry": TYPED["industry"], "team_size": "12"},
    }

    sent = client.request(method.upper(), "/contacts", json=body, headers=headers("marketing"))

    assert sent.status_code == 201, sent.text
    stored = _stored(api_engine, "sent@gmail.com")
    assert stored == _imported(api_engine, tmp_path, now)
    assert stored == ("paid_search", "vp", "computer_software")  # the presets' words
    assert sent.json()["source_channel"] == "paid_search"
    assert sent.json()["attributes"] == {"industry": "computer_software", "team_size": "12"}


def test_an_account_sent_as_typed_meets_the_fit_rule_written_in_snake_case(
    client: TestClient, headers: Headers
) -> None:
    """The waterfall preset's `target industry` rule names `financial_services`."""
    typed = client.post(
        "/accounts",
        json={"domain": "bank.example", "industry": "Financial Services"},
        headers=headers("marketing"),
    )
    client.post(
        "/accounts",
        json={"domain": "fund.example", "industry": "financial_services"},
        headers=headers("marketing"),
    )
    client.post("/accounts", json={"domain": "none.example"}, headers=headers("marketing"))

    def fit(email: str) -> float:
        made = client.post("/contacts", json={"email": email}, headers=headers("marketing"))
        assert made.status_code == 201, made.text
        score: float = made.json()["qualification"]["fit_score"]
        return score

    assert typed.json()["industry"] == "financial_services"
    assert fit("ann@bank.example") == fit("bo@fund.example") == fit("cy@none.example") + 25
    patched = client.patch(
        f"/accounts/{typed.json()['id']}",
        json={"industry": "Computer Software"},
        headers=headers("marketing"),
    )
    assert patched.json()["industry"] == "computer_software"


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/contacts", {"email": "a@x.example", "source_channel": "--"}, "source_channel: "),
        (
            "/contacts",
            {"email": "a@x.example", "attributes": {"industry": "?"}},
            "attributes.industry: ",
        ),
        ("/accounts", {"domain": "x.example", "industry": "..."}, "industry: "),
    ],
)
def test_a_value_that_names_no_channel_or_industry_is_refused_naming_the_field(
    client: TestClient, headers: Headers, path: str, body: dict[str, Any], says: str
) -> None:
    refused = client.post(path, json=body, headers=headers("marketing"))

    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith(says)
    assert client.get(path, headers=headers("sales")).json()["items"] == []


def test_a_seniority_as_a_crm_writes_it_meets_the_fit_rule_written_in_its_words(
    client: TestClient, headers: Headers
) -> None:
    """The waterfall preset's `decision-maker seniority` rule names c_level, vp, director."""

    def fit(email: str, seniority: str | None) -> float:
        body = {"email": email} if seniority is None else {"email": email, "seniority": seniority}
        made = client.post("/contacts", json=body, headers=headers("marketing"))
        assert made.status_code == 201, made.text
        score: float = made.json()["qualification"]["fit_score"]
        return score

    plain = fit("nobody@quiet.example", None)
    assert fit("ceo@quiet.example", "C-Level") == fit("cto@quiet.example", "c_level") > plain
    assert fit("vp@quiet.example", "Vice President") > plain
    assert fit("head@quiet.example", "Head of") > plain
