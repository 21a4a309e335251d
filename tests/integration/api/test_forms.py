"""Web forms: browser posts redirect, JSON answers, honeypot, visitor join, double opt-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.api.app import create_app
from leadflow.domain.clock import FixedClock
from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.settings import Settings
from leadflow.store.models import Consent, ConsentDecision, Contact, Event, OutboxMessage
from tests.integration.api.conftest import UNLIMITED

Headers = Callable[[str], dict[str, str]]
THANKS = "https://example.com/thanks"


@pytest.fixture
def forms() -> FormsConfig:
    return FormsConfig(
        forms={
            "demo": FormSpec(
                event="demo_request",
                thank_you_url=THANKS,
                fields={"email": "email", "first": "first_name", "size": "attributes.team_size"},
            ),
            "newsletter": FormSpec(double_opt_in=True, confirmed_url="https://example.com/ok"),
            "trial": FormSpec(
                thank_you_url=THANKS,
                error_url="https://example.com/trial?lang=de",
                fields={"mail": "email"},
            ),
        }
    )


def _contact(engine: Engine, email: str) -> Contact:
    with Session(engine) as session:
        found = session.scalar(select(Contact).where(Contact.email == email))
        assert found is not None
        return found


def test_a_browser_post_is_redirected_to_the_thank_you_page(
    client: TestClient, api_engine: Engine
) -> None:
    form = {"email": "Ann@Acme.example", "first": "Ann", "size": "40", "website": ""}

    reply = client.post("/forms/demo", data=form, follow_redirects=False)

    assert reply.status_code == 303
    assert reply.headers["location"] == THANKS
    contact = _contact(api_engine, "ann@acme.example")
    assert (contact.first_name, contact.attributes) == ("Ann", {"team_size": "40"})
    with Session(api_engine) as session:
        types = session.scalars(select(Event.type).where(Event.contact_id == contact.id)).all()
    assert types == ["demo_request"]


def test_a_filled_honeypot_is_accepted_and_nothing_is_stored(
    client: TestClient, api_engine: Engine
) -> None:
    form = {"email": "bot@spam.example", "website": "http://spam.example"}

    reply = client.post("/forms/demo", data=form, follow_redirects=False)

    assert reply.status_code == 303
    with Session(api_engine) as session:
        assert session.scalar(select(Contact).where(Contact.email == "bot@spam.example")) is None


def test_the_visitor_cookie_joins_anonymous_history(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    for url in ("/pricing", "/product"):
        event = {"type": "page_view", "visitor_id": "v-123", "properties": {"url": url}}
        assert client.post("/events", json=event, headers=headers("ingest")).status_code == 201
    client.cookies.set("lf_visitor", "v-123")

    reply = client.post("/forms/demo", json={"email": "cy@acme.example"})

    assert reply.status_code == 202, reply.text
    contact_id = reply.json()["contact_id"]
    with Session(api_engine) as session:
        types = sorted(session.scalars(select(Event.type).where(Event.contact_id == contact_id)))
    assert types == ["demo_request", "page_view", "page_view"]


def test_double_opt_in_confirms_the_address_through_the_link(
    client: TestClient, api_engine: Engine
) -> None:
    reply = client.post("/forms/newsletter", json={"email": "di@acme.example"})
    assert reply.json()["confirmation_sent"] is True
    with Session(api_engine) as session:
        [message] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "form.confirmation_requested")
        ).all()
    link = message.payload["confirm_url"]
    assert _contact(api_engine, "di@acme.example").identity == "known"

    confirmed = client.get(link, follow_redirects=False)
    again = client.get(link, follow_redirects=False)

    assert confirmed.status_code == again.status_code == 303
    contact = _contact(api_engine, "di@acme.example")
    assert contact.identity == "confirmed"
    with Session(api_engine) as session:
        consent = session.scalar(select(Consent).where(Consent.contact_id == contact.id))
        confirmations = session.scalars(
            select(Event.type).where(Event.type == "email_confirmed")
        ).all()
        decisions = session.scalars(
            select(ConsentDecision).where(ConsentDecision.contact_id == contact.id)
        ).all()
    assert consent is not None
    assert consent.status == "confirmed"
    assert confirmations == ["email_confirmed"]
    # The proof of consent: which form, which address, when the link went out and came back.
    [decision] = [d for d in decisions if d.status == "confirmed"]  # the second click: none
    assert (decision.source, decision.at) == ("double_opt_in", consent.at)
    assert decision.evidence is not None
    assert decision.evidence.startswith("form newsletter: link sent ")
    assert "to di@acme.example, followed " in decision.evidence


def _confirm_url(api_engine: Engine) -> str:
    with Session(api_engine) as session:
        [message] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "form.confirmation_requested")
        ).all()
    return str(message.payload["confirm_url"])


def test_the_confirmation_link_takes_the_posters_host_without_a_public_url(
    client: TestClient, api_engine: Engine
) -> None:
    """Why LEADFLOW_PUBLIC_URL exists: the Host header is the poster's to choose."""
    client.post(
        "/forms/newsletter", json={"email": "eve@acme.example"}, headers={"Host": "evil.example"}
    )

    assert _confirm_url(api_engine).startswith("http://evil.example/forms/confirm/")


def test_a_public_url_gives_the_confirmation_link_its_host_whatever_the_request_says(
    api_engine: Engine, database_url: str, clock: FixedClock, tmp_path: Path, forms: FormsConfig
) -> None:
    settings = Settings(
        workspace=tmp_path, database_url=database_url, public_url="https://leads.acme.example/"
    )
    app = create_app(settings, engine=api_engine, clock=clock, limits=UNLIMITED, forms=forms)
    with TestClient(app) as client:
        client.post(
            "/forms/newsletter",
            json={"email": "eve@acme.example"},
            headers={"Host": "evil.example"},
        )

    link = _confirm_url(api_engine)
    assert link.startswith("https://leads.acme.example/forms/confirm/")
    assert len(link.rsplit("/", 1)[1]) >= 32  # the token


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("leads.acme.example", "absolute http(s) address"),
        ("ftp://leads.acme.example", "absolute http(s) address"),
        ("https://leads.acme.example/?x=1", "without a query"),
    ],
)
def test_a_public_url_that_is_not_an_address_is_refused(
    tmp_path: Path, given: str, problem: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(problem)):
        Settings(workspace=tmp_path, public_url=given)


def test_a_made_up_confirmation_token_is_not_found(client: TestClient) -> None:
    reply = client.get("/forms/confirm/" + "x" * 43)

    assert reply.status_code == 404
    assert reply.json()["type"].endswith("/not_found")


def test_forms_refuse_what_they_cannot_use(client: TestClient) -> None:
    assert client.post("/forms/nope", json={"email": "a@b.example"}).status_code == 404
    assert client.post("/forms/demo", json={"first": "no e-mail"}).status_code == 422
    assert (
        client.post("/forms/demo", content=b"x", headers={"content-type": "text/plain"}).status_code
        == 415
    )


def test_metrics_count_a_refused_post_as_rejected(client: TestClient, headers: Headers) -> None:
    client.post("/forms/demo", data={"email": "bo@acme.example"}, follow_redirects=False)
    client.post("/forms/demo", data={"email": "x@acme.example", "website": "spam"})
    client.post("/forms/demo", data={"email": "not an address"}, follow_redirects=False)
    client.post("/forms/demo", json={"email": "bo@acme.example", "first": ["a", "b"]})

    text = client.get("/metrics", headers=headers("admin")).text

    assert 'leadflow_form_submissions_total{outcome="accepted"} 1.0' in text
    assert 'leadflow_form_submissions_total{outcome="spam"} 1.0' in text
    assert 'leadflow_form_submissions_total{outcome="rejected"} 2.0' in text


BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_post_refused_goes_to_the_forms_error_page_saying_why(
    client: TestClient, api_engine: Engine
) -> None:
    # A visitor without JavaScript got the problem document's JSON as the page.
    reply = client.post("/forms/trial", data={"mail": "not an address"}, headers=BROWSER,
                        follow_redirects=False)  # fmt: skip

    assert reply.status_code == 303
    assert reply.headers["location"] == (
        "https://example.com/trial?lang=de&reason=validation&field=mail"
    )
    with Session(api_engine) as session:
        assert session.scalar(select(Contact)) is None


def test_without_an_error_page_a_browser_is_shown_why_in_html(client: TestClient) -> None:
    reply = client.post("/forms/demo", data={"email": "<b>not</b> an address"}, headers=BROWSER)

    assert reply.status_code == 422
    assert reply.headers["content-type"].startswith("text/html")
    assert "could not be sent" in reply.text
    assert "e-mail &#x27;&lt;b&gt;not&lt;/b&gt; an address&#x27; is not valid" in reply.text
    assert "<b>not</b>" not in reply.text  # what was posted is never markup
    assert "history.back()" in reply.text


def test_a_script_posting_a_form_still_gets_the_problem_document(client: TestClient) -> None:
    # fetch() sends Accept: */*: the page's script reads the JSON and shows its own message.
    reply = client.post("/forms/trial", data={"mail": "not an address"}, follow_redirects=False)

    assert reply.status_code == 422
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["errors"][0]["loc"] == ["body", "mail"]
