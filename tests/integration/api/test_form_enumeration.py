"""A double opt-in form tells a stranger nothing about the address typed into it: an
unknown address, a contact's (confirmed or not), an erased person's and one whose consent
was withdrawn are answered alike, to JSON and to a browser, and each gets its link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.store.models import OutboxMessage

Headers = Callable[[str], dict[str, str]]
THANKS = "https://example.com/thanks"
KNOWN, CONFIRMED = "known@acme.example", "confirmed@acme.example"
ERASED, WITHDRAWN = "erased@acme.example", "withdrawn@acme.example"
UNKNOWN = "nobody@acme.example"


@pytest.fixture
def forms() -> FormsConfig:
    fields = {"email": "email", "first": "first_name"}
    return FormsConfig(
        forms={
            "news": FormSpec(fields=fields, double_opt_in=True, thank_you_url=THANKS),
            "quiet": FormSpec(fields=fields, double_opt_in=True),
        }
    )


def _links(engine: Engine) -> list[dict]:
    kind = OutboxMessage.kind == "form.confirmation_requested"
    with Session(engine) as session:
        found = session.scalars(select(OutboxMessage.payload).where(kind))
        return [dict(payload) for payload in found]


def _made(client: TestClient, headers: Headers, email: str) -> int:
    made = client.post("/contacts", json={"email": email}, headers=headers("marketing"))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


@pytest.fixture
def addresses(client: TestClient, headers: Headers, api_engine: Engine) -> list[str]:
    """One address in each state a form's visitor might probe for."""
    _made(client, headers, KNOWN)
    assert client.post("/forms/news", json={"email": CONFIRMED}).status_code == 202
    [link] = _links(api_engine)
    assert client.get(link["confirm_url"].removeprefix("http://testserver")).status_code == 200
    erased = _made(client, headers, ERASED)
    assert client.delete(f"/contacts/{erased}", headers=headers("admin")).status_code == 200
    _made(client, headers, WITHDRAWN)
    event = {"type": "unsubscribe", "email": WITHDRAWN}
    assert client.post("/events", json=event, headers=headers("ingest")).status_code == 201
    return [UNKNOWN, KNOWN, CONFIRMED, ERASED, WITHDRAWN]


def test_json_replies_are_alike_whoever_the_address_is(
    client: TestClient, api_engine: Engine, addresses: list[str]
) -> None:
    before = len(_links(api_engine))

    replies = [client.post("/forms/news", json={"email": a, "first": "Al"}) for a in addresses]

    assert {reply.status_code for reply in replies} == {202}
    bodies = [reply.json() for reply in replies]
    assert bodies == [{"accepted": True, "contact_id": None, "stage": None,
                       "confirmation_sent": True}] * len(addresses)  # fmt: skip
    # What the reply says is true: every address got its link.
    sent = sorted(link["email"] for link in _links(api_engine))
    assert (len(sent) - before, sent) == (len(addresses), sorted([*addresses, CONFIRMED]))


@pytest.mark.parametrize(("form", "status"), [("news", 303), ("quiet", 204)])
def test_browser_replies_are_alike_whoever_the_address_is(
    client: TestClient, addresses: list[str], form: str, status: int
) -> None:
    replies = [
        client.post(f"/forms/{form}", data={"email": a, "first": "Al"}, follow_redirects=False)
        for a in addresses
    ]

    assert [reply.status_code for reply in replies] == [status] * len(addresses)
    assert {reply.headers.get("location") for reply in replies} == {
        THANKS if status == 303 else None
    }
    assert {reply.content for reply in replies} == {replies[0].content}
