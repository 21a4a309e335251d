"""Website tracking: the snippet, its hits, CORS for the site's pages, the first touch."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.domain.clock import FixedClock
from leadflow.services.contacts import create_contact
from leadflow.services.form_config import FormsConfig, FormSpec, TrackingSpec
from leadflow.settings import Settings
from leadflow.store.models import Contact, Event

SITE = "https://www.example.com"
FROM_SITE = {"Origin": SITE}


@pytest.fixture
def forms() -> FormsConfig:
    return FormsConfig(
        forms={"demo": FormSpec(event="demo_request", fields={"email": "email"})},
        tracking=TrackingSpec(origins=(SITE,), events=("page_view", "video_play")),
    )


def _hit(hit_id: str = "hit-0001", **fields: str | None) -> dict[str, str | None]:
    return {
        "id": hit_id,
        "visitor_id": "visitor-123",
        "type": "page_view",
        "url": f"{SITE}/pricing",
        **fields,
    }


def _events(engine: Engine) -> list[Event]:
    with Session(engine) as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def test_the_snippet_carries_the_workspace_settings(client: TestClient) -> None:
    reply = client.get("/t.js")

    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/javascript")
    assert "__CONFIG__" not in reply.text
    config = '{"events": ["page_view", "video_play"], "requireConsent": true, "cookieDays": 395}'
    assert f"var config = {config};" in reply.text


def test_a_beacon_records_an_anonymous_page_view_once(
    client: TestClient, api_engine: Engine
) -> None:
    body = json.dumps(_hit(url=f"{SITE}/pricing?utm_source=google&utm_medium=cpc&x=secret"))
    beacon = {**FROM_SITE, "Content-Type": "text/plain;charset=UTF-8"}

    first = client.post("/collect", content=body, headers=beacon)
    again = client.post("/collect", content=body, headers=beacon)

    assert (first.status_code, again.status_code) == (204, 204)
    assert first.headers["access-control-allow-origin"] == SITE
    [event] = _events(api_engine)
    assert (event.type, event.source, event.visitor_id, event.contact_id) == (
        "page_view", "web", "visitor-123", None
    )  # fmt: skip
    assert event.properties == {
        "url": f"{SITE}/pricing",
        "path": "/pricing",
        "utm_source": "google",
        "utm_medium": "cpc",
    }


@pytest.mark.parametrize(
    ("headers", "hit", "status", "kind"),
    [
        ({}, _hit(), 403, "origin_not_allowed"),
        ({"Origin": "https://evil.test"}, _hit(), 403, "origin_not_allowed"),
        (FROM_SITE, _hit(url="https://evil.test/pricing"), 403, "origin_not_allowed"),
        (FROM_SITE, _hit(type="demo_request"), 422, "validation"),
        (FROM_SITE, _hit(visitor_id="short"), 422, "validation"),
        (FROM_SITE, _hit(url="javascript:alert(1)"), 403, "origin_not_allowed"),
    ],
)
def test_a_hit_from_elsewhere_or_of_another_kind_is_refused(
    client: TestClient,
    api_engine: Engine,
    headers: dict[str, str],
    hit: dict[str, str],
    status: int,
    kind: str,
) -> None:
    reply = client.post("/collect", json=hit, headers=headers)

    assert reply.status_code == status, reply.text
    assert reply.json()["type"].endswith("/" + kind)
    assert _events(api_engine) == []


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"id": 5}'])
def test_a_body_that_is_no_hit_is_a_validation_problem(client: TestClient, body: bytes) -> None:
    reply = client.post("/collect", content=body, headers=FROM_SITE)

    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"


def test_a_page_may_post_a_form_as_json_after_a_preflight(client: TestClient) -> None:
    preflight = client.options(
        "/forms/demo",
        headers={
            **FROM_SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    posted = client.post("/forms/demo", json={"email": "ann@acme.example"}, headers=FROM_SITE)

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SITE
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert posted.status_code == 202
    assert posted.headers["access-control-allow-origin"] == SITE


def test_no_cors_for_other_sites_or_for_the_rest_of_the_api(
    client: TestClient, headers: dict[str, str]
) -> None:
    elsewhere = client.options(
        "/forms/demo",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
    )
    api = client.options("/contacts", headers={**FROM_SITE, "Access-Control-Request-Method": "GET"})
    listed = client.get("/contacts", headers={**FROM_SITE, **headers("marketing")})

    assert "access-control-allow-origin" not in elsewhere.headers
    assert "access-control-allow-origin" not in api.headers
    assert listed.status_code == 200
    assert "access-control-allow-origin" not in listed.headers


def test_a_new_contact_takes_its_source_from_the_first_landing_page(
    client: TestClient, api_engine: Engine
) -> None:
    landing = f"{SITE}/?utm_source=linkedin&utm_medium=paid_social&utm_campaign=q2-launch"
    for hit_id, url in (("hit-0001", landing), ("hit-0002", f"{SITE}/pricing")):
        reply = client.post("/collect", json=_hit(hit_id, url=url), headers=FROM_SITE)
        assert reply.status_code == 204
    form = {"email": "cy@acme.example", "visitor_id": "visitor-123"}

    reply = client.post("/forms/demo", data=form, follow_redirects=False)

    assert reply.status_code == 204
    with Session(api_engine) as session:
        contact = session.scalars(select(Contact).where(Contact.email == "cy@acme.example")).one()
        joined = session.scalars(
            select(Event.type).where(Event.contact_id == contact.id).order_by(Event.id)
        ).all()
    assert (contact.source_channel, contact.source_medium, contact.source_campaign) == (
        "linkedin", "paid_social", "q2-launch"
    )  # fmt: skip
    assert joined == ["page_view", "page_view", "demo_request"]


def test_a_known_contact_keeps_its_source(
    client: TestClient, api_engine: Engine, now: datetime
) -> None:
    with Session(api_engine) as session:
        create_contact(session, {"email": "di@acme.example", "source_channel": "events"}, now)
        session.commit()
    hit = _hit(referrer="https://www.bing.com/")
    assert client.post("/collect", json=hit, headers=FROM_SITE).status_code == 204

    client.post("/forms/demo", json={"email": "di@acme.example", "visitor_id": "visitor-123"})

    with Session(api_engine) as session:
        contact = session.scalars(select(Contact).where(Contact.email == "di@acme.example")).one()
    assert contact.source_channel == "events"


@pytest.fixture
def app_without_tracking(
    api_engine: Engine, database_url: str, clock: FixedClock, tmp_path: Path, limits: ApiLimits
) -> Iterator[TestClient]:
    settings = Settings(workspace=tmp_path, database_url=database_url)
    forms = FormsConfig(forms={"demo": FormSpec()})
    app = create_app(settings, engine=api_engine, clock=clock, limits=limits, forms=forms)
    with TestClient(app) as opened:
        yield opened


def test_without_a_tracking_section_there_is_no_snippet_and_no_cors(
    app_without_tracking: TestClient,
) -> None:
    snippet = app_without_tracking.get("/t.js")
    hit = app_without_tracking.post("/collect", json=_hit(), headers=FROM_SITE)
    preflight = app_without_tracking.options(
        "/forms/demo", headers={**FROM_SITE, "Access-Control-Request-Method": "POST"}
    )

    assert (snippet.status_code, hit.status_code) == (404, 404)
    assert "access-control-allow-origin" not in preflight.headers


def test_an_event_naming_the_visitor_and_a_new_address_gives_the_source_too(
    client: TestClient, api_engine: Engine, headers: Callable[[str], dict[str, str]]
) -> None:
    """A site's own back end (a sign-up) identifies the visitor through /events."""
    landing = {
        "type": "page_view",
        "visitor_id": "tracker-42",
        "source": "matomo",  # another tracker, its whole address kept
        "properties": {"url": f"{SITE}/?utm_source=google&utm_medium=cpc&utm_campaign=brand"},
    }
    signup = {"type": "trial_start", "visitor_id": "tracker-42", "email": "ed@acme.example"}
    known = {"type": "trial_start", "visitor_id": "tracker-43", "email": "ed@acme.example"}
    for event in (landing, signup, {**known, "key": "again"}):
        reply = client.post("/events", json=event, headers=headers("ingest"))
        assert reply.status_code == 201, reply.text

    with Session(api_engine) as session:
        contact = session.scalars(select(Contact).where(Contact.email == "ed@acme.example")).one()
    assert (contact.source_channel, contact.source_medium, contact.source_campaign) == (
        "paid_search", "cpc", "brand"
    )  # fmt: skip


DEEP = b"[" * 100_000  # json.loads gives up with a RecursionError, not a ValueError


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/collect", FROM_SITE),
        ("/forms/demo", {**FROM_SITE, "Content-Type": "application/json"}),
    ],
)
def test_a_body_nested_too_deep_is_a_validation_problem_not_a_crash(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    reply = client.post(path, content=DEEP, headers=headers)

    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("field", ["url", "referrer", "title"])
def test_a_hit_with_a_nul_character_is_refused_as_postgresql_would_refuse_it(
    client: TestClient, api_engine: Engine, field: str
) -> None:
    hit = _hit(**{field: f"{SITE}/pric\u0000ing"})

    reply = client.post("/collect", json=hit, headers=FROM_SITE)

    assert reply.status_code == 422, reply.text
    assert field in reply.json()["detail"]
    assert _events(api_engine) == []


def test_an_internationalised_domain_is_matched_as_the_browser_writes_it() -> None:
    # A browser's Origin header and location.href carry the host in punycode (IDNA).
    spec = TrackingSpec(origins=["https://Bücher.example/", "https://straße.example:8443"])

    assert spec.origins == ("https://xn--bcher-kva.example", "https://xn--strae-oqa.example:8443")


def test_a_hit_from_an_internationalised_domain_is_recorded(
    api_engine: Engine, now: datetime, tmp_path: Path
) -> None:
    forms = FormsConfig(tracking=TrackingSpec(origins=["https://bücher.example"]))
    app = create_app(
        Settings(workspace=tmp_path),
        engine=api_engine,
        clock=FixedClock(now),
        forms=forms,
        limits=ApiLimits(rate_per_second=0, public_rate_per_second=0),
    )
    site = "https://xn--bcher-kva.example"
    with TestClient(app) as browser:
        reply = browser.post("/collect", json=_hit(url=f"{site}/kontakt"), headers={"Origin": site})

    assert reply.status_code == 204, reply.text
    [event] = _events(api_engine)
    assert event.properties["url"] == f"{site}/kontakt"


def test_a_page_address_with_a_long_query_is_recorded_without_it(
    client: TestClient, api_engine: Engine
) -> None:
    # Only the origin, path and campaign parameters are kept, so a query of a few
    # thousand characters (a shop's filters, a mailer's tokens) must not cost the view.
    long = f"{SITE}/shop?utm_source=newsletter&filters={'x' * 5000}"

    reply = client.post("/collect", json=_hit(url=long, referrer=long), headers=FROM_SITE)

    assert reply.status_code == 204, reply.text
    [event] = _events(api_engine)
    assert event.properties["url"] == f"{SITE}/shop"
    assert event.properties["referrer"] == f"{SITE}/shop"
    assert event.properties["utm_source"] == "newsletter"


def test_a_page_without_consent_posts_its_form_with_a_null_visitor_id(
    client: TestClient, api_engine: Engine
) -> None:
    # docs: the page adds visitor_id: leadflow.visitorId(), which is null before consent;
    # an optional field left empty is often sent as null too.
    posted = {"email": "ann@acme.example", "visitor_id": None, "company": None}

    reply = client.post("/forms/demo", json=posted, headers=FROM_SITE)

    assert reply.status_code == 202, reply.text
    [event] = _events(api_engine)
    assert (event.type, event.visitor_id) == ("demo_request", None)


@pytest.mark.parametrize(
    "visitor", ["null", "undefined", "[object Object]", "a visitor", "v" * 201, "\u00a0"]
)
def test_a_form_ignores_a_visitor_id_that_is_no_id(
    client: TestClient, api_engine: Engine, visitor: str
) -> None:
    # Such an id would join whoever else posts it (every page sending "null") into one
    # visitor, and a cut one maybe another visitor's; the lead still counts.
    posted = {"email": "ann@acme.example", "visitor_id": visitor}

    reply = client.post("/forms/demo", json=posted, headers=FROM_SITE)

    assert reply.status_code == 202, reply.text
    [event] = _events(api_engine)
    assert event.visitor_id is None


@pytest.mark.parametrize(
    "visitor", ["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "GA1.2.1234567.1700000000", "a" * 200, "v-1"]
)
def test_a_form_keeps_the_visitor_id_of_the_snippet_or_another_tracker(
    client: TestClient, api_engine: Engine, visitor: str
) -> None:
    posted = {"email": "ann@acme.example", "visitor_id": visitor}

    reply = client.post("/forms/demo", json=posted, headers=FROM_SITE)

    assert reply.status_code == 202, reply.text
    [event] = _events(api_engine)
    assert event.visitor_id == visitor
