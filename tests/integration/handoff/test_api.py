"""The hand-off over HTTP: admin sets up the team, sales works the queue, marketing gets
the send list; each route admits exactly its roles."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import create_account
from leadflow.services.api_keys import Role, create_key
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.form_config import FormsConfig
from leadflow.services.lead_list import LeadFilter, list_leads
from leadflow.settings import Settings
from leadflow.store.database import session_factory, writer
from leadflow.store.models import Consent
from tests.integration.handoff.conftest import START

Client = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture
def api(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Client]:
    clock = FixedClock(START)
    with session_factory(engine)() as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        session.commit()
        keys = {
            role.value: {"X-API-Key": create_key(session, role.value, role, START).secret}
            for role in Role
        }
    settings = Settings(workspace=tmp_path, database_url=database_url)
    limits = ApiLimits(rate_per_second=0, public_rate_per_second=0)
    app = create_app(settings, engine=engine, clock=clock, limits=limits, forms=FormsConfig())
    with TestClient(app) as client:
        yield client, keys


def _lead(engine: Engine, email_consent: str | None = None) -> int:
    with session_factory(writer(engine))() as session:
        account = create_account(
            session,
            {"domain": "acme.example", "industry": "software", "employees": 300, "country": "NL"},
            START,
        )
        values = {"email": "ann@acme.example", "seniority": "director", "account_id": account.id}
        contact = create_contact(session, values, START).contact
        if email_consent:
            session.add(
                Consent(contact_id=contact.id, channel="email", status=email_consent, at=START)
            )
            session.commit()
        event = IncomingEvent("demo_request", START, contact_id=contact.id)
        assert isinstance(record_event(session, event, clock=FixedClock(START)), Recorded)
        return contact.id


def _team(client: TestClient, admin: dict[str, str]) -> None:
    team = {"key": "benelux", "time_zone": "Europe/Amsterdam", "holidays": ["2026-04-27"]}
    assert client.post("/teams", json=team, headers=admin).status_code == 201
    rep = {"key": "eva", "team": "benelux", "capacity": 12}
    assert client.post("/reps", json=rep, headers=admin).status_code == 201


def test_sales_works_a_lead_through_the_api(api: Client, engine: Engine) -> None:
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)
    sales = keys["sales"]

    (item,) = client.get("/queue", params={"rep": "eva"}, headers=sales).json()
    assert item["contact_id"] == lead
    assert item["rule"] == "Benelux territory"
    assert item["next_action"] == "accept or reject"
    assert any("sales-ready" in line for line in item["why"])
    accepted = client.post(f"/leads/{lead}/accept", json={}, headers=sales).json()
    assert (accepted["stage"], accepted["late"]) == ("sql", False)
    tried = client.post(
        f"/leads/{lead}/attempts", json={"channel": "call", "outcome": "connected"}, headers=sales
    )
    assert tried.status_code == 201
    assert tried.json()["connected"]
    deal = client.post(
        f"/leads/{lead}/opportunities",
        json={"amount": 5000, "currency": "eur", "expected_close": "2026-06-30"},
        headers=sales,
    ).json()
    assert (deal["stage"], deal["currency"], deal["contact_stage"]) == (
        "qualification",
        "EUR",
        "opportunity",
    )
    won = client.post(f"/opportunities/{deal['id']}/win", json={}, headers=sales).json()
    assert won["contact_stage"] == "customer"
    assert (
        client.get(f"/opportunities/{deal['id']}", headers=keys["marketing"]).json()["status"]
        == "won"
    )
    (rep,) = client.get("/reps", headers=sales).json()
    assert (rep["key"], rep["load"], rep["absent"]) == ("eva", 0, False)


def test_the_contacts_owner_filter_finds_the_rep_holding_the_lead(
    api: Client, engine: Engine
) -> None:
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)

    found = client.get("/contacts", params={"owner": "eva"}, headers=keys["marketing"]).json()

    assert [(item["id"], item["owner"]) for item in found["items"]] == [(lead, "eva")]
    with session_factory(engine)() as session:  # the web's leads list agrees
        rows = list_leads(session, LeadFilter(owner="eva")).rows
        assert [(row.contact_id, row.owner) for row in rows] == [(lead, "eva")]


def test_rejections_answer_with_the_reason_rules(api: Client, engine: Engine) -> None:
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine, email_consent="granted")
    sales = keys["sales"]

    refused = client.post(f"/leads/{lead}/reject", json={"reason": "rude"}, headers=sales)
    assert refused.status_code == 422
    assert "unknown reject reason 'rude'" in refused.json()["detail"]
    rejected = client.post(f"/leads/{lead}/reject", json={"reason": "not_ready"}, headers=sales)
    assert rejected.json()["stage"] == "nurture"
    again = client.post(f"/leads/{lead}/accept", json={}, headers=sales)
    assert again.status_code == 409  # answering twice
    assert again.json()["detail"].endswith("ended already (rejected): it is not in sales' hands")
    (eva,) = client.get("/handoff/report", headers=keys["marketing"]).json()
    assert (eva["rep"], eva["rejected_by_reason"]) == ("eva", {"not_ready": 1})

    export = client.get("/nurture/export", params={"segment": "nurture"}, headers=keys["marketing"])
    assert export.headers["content-type"].startswith("text/csv")
    (row,) = csv.DictReader(io.StringIO(export.text))
    assert row["email"] == "ann@acme.example"


def test_the_hand_off_report_reads_since_as_the_reports_read_from(
    api: Client, engine: Engine
) -> None:
    # The command line takes --since 2026-03-02 and GET /reports takes from=2026-03-02;
    # GET /handoff/report refused the same day ("Input should have timezone info").
    client, keys = api
    _team(client, keys["admin"])
    _lead(engine)  # handed off on START, 2 March 2026
    reader = keys["marketing"]

    def reps(since: str) -> list[str]:
        answer = client.get("/handoff/report", params={"since": since}, headers=reader)
        assert answer.status_code == 200, answer.text
        return [row["rep"] for row in answer.json()]

    assert reps("2026-03-02") == reps("2026-03-02T00:00:00Z") == ["eva"]
    assert reps("2026-03-03") == reps("2026-03-03T01:00:00+01:00") == []
    for bad in ("yesterday", "2026-03-02T09:00:00"):
        refused = client.get("/handoff/report", params={"since": bad}, headers=reader)
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("since: ")


def test_deactivating_a_rep_over_the_api_re_routes_their_leads(api: Client, engine: Engine) -> None:
    client, keys = api
    admin, sales = keys["admin"], keys["sales"]
    _team(client, admin)
    lead = _lead(engine)
    piet = {"key": "piet", "team": "benelux", "capacity": 12}
    assert client.post("/reps", json=piet, headers=admin).status_code == 201

    eva = client.patch("/reps/eva", json={"active": False}, headers=admin).json()

    assert (eva["active"], eva["load"]) == (False, 0)
    (item,) = client.get("/queue", headers=sales).json()
    assert (item["contact_id"], item["rep"]) == (lead, "piet")
    refused = client.post(f"/leads/{lead}/accept", json={"rep": "eva"}, headers=sales)
    assert refused.status_code == 409
    assert "deactivated" in refused.json()["detail"]


def test_the_team_is_admins_and_the_queue_is_sales(api: Client) -> None:
    client, keys = api
    rep = {"key": "eva", "team": "benelux", "capacity": 12}

    assert client.post("/reps", json=rep, headers=keys["sales"]).status_code == 403
    assert client.get("/queue", headers=keys["marketing"]).status_code == 403
    assert client.get("/nurture/export", headers=keys["sales"]).status_code == 403
    assert client.post("/handoff/check-sla", headers=keys["sales"]).status_code == 403
    assert client.post("/reps", json=rep, headers=keys["admin"]).status_code == 404  # no team
    bad_zone = {"key": "x", "time_zone": "Mars/Olympus"}
    assert client.post("/teams", json=bad_zone, headers=keys["admin"]).status_code == 422
    _team(client, keys["admin"])
    assert client.post("/teams", json={"key": "benelux", "time_zone": "UTC"},
                       headers=keys["admin"]).status_code == 409  # fmt: skip
    away = {"first_day": "2026-03-02", "last_day": "2026-03-06"}
    assert client.post("/reps/eva/absences", json=away, headers=keys["sales"]).json()["absent"]
    patched = client.patch("/reps/eva", json={"capacity": 3}, headers=keys["admin"]).json()
    assert patched["capacity"] == 3
    sweep = client.post("/handoff/check-sla", headers=keys["admin"]).json()
    assert sweep == {"breaches": 0, "reassigned": 0, "cadences_ended": 0}
