"""The hand-off over HTTP: admin sets up the team, sales works the queue, marketing gets
the send list; each route admits exactly its roles."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.api.app import create_app
from leadflow.api.auth import Principal
from leadflow.api.idempotent import run_once
from leadflow.api.schemas.handoff import AcceptBody, AttemptBody, WorkPublic
from leadflow.api.state import ApiLimits
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import create_account
from leadflow.services.api_keys import Role, create_key, list_keys
from leadflow.services.cadence import log_attempt
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.form_config import FormsConfig
from leadflow.services.idempotency import fingerprint, reserve_on_commit
from leadflow.services.lead_list import LeadFilter, list_leads
from leadflow.settings import Settings
from leadflow.store.database import session_factory, writer
from leadflow.store.models import BantFact, Consent, Conversation, Opportunity, SalesAttempt
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
        values = {
            "email": "ann@acme.example",
            "phone": "+31 20 123 4567",
            "seniority": "director",
            "account_id": account.id,
        }
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
    assert item["customer"] is False  # a customer's item says to reject or close it
    assert item["phone"] == "+31201234567"  # the number to call, as stored (E.164)
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
    client.app.state.leadflow.clock.current = START + timedelta(days=2)  # 3 March is past
    assert reps("2026-03-03") == reps("2026-03-03T01:00:00+01:00") == []
    # Refused in the command line's words (tests/integration/handoff/test_commands.py).
    refused = {
        "yesterday": "since 'yesterday' is not a date (2026-03-02, from midnight UTC)"
        " or an ISO 8601 moment with its offset (2026-03-02T09:00:00+01:00)",
        "2026-03-02T09:00:00": "since '2026-03-02T09:00:00' has no offset: write"
        " 2026-03-02T09:00:00Z for UTC, or the offset meant (+01:00)",
    }
    for bad, said in refused.items():
        answer = client.get("/handoff/report", params={"since": bad}, headers=reader)
        assert (answer.status_code, answer.json()["detail"]) == (422, said)


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


def test_a_team_takes_a_countrys_public_holidays_over_the_api(api: Client) -> None:
    client, keys = api
    _team(client, keys["admin"])  # the Netherlands' King's Day 2026 given by hand
    body = {"country": "NL", "years": [2026, 2027]}

    team = client.post("/teams/benelux/public-holidays", json=body, headers=keys["admin"])

    assert team.status_code == 200, team.text
    days = team.json()["holidays"]
    assert {"2026-04-27", "2027-04-27", "2026-12-25", "2027-12-26"} <= set(days)
    assert days.count("2026-04-27") == 1
    assert client.post("/teams/benelux/public-holidays", json=body,
                       headers=keys["sales"]).status_code == 403  # fmt: skip
    unknown = {"country": "NL", "subdivision": "ZZ", "years": [2027]}
    refused = client.post("/teams/benelux/public-holidays", json=unknown, headers=keys["admin"])
    assert refused.status_code == 422
    assert "NL has no subdivision 'ZZ'" in refused.json()["detail"]
    nobody = client.post("/teams/nordics/public-holidays", json=body, headers=keys["admin"])
    assert nobody.status_code == 404


def test_lead_actions_honour_idempotency_key(api: Client, engine: Engine) -> None:
    # A CRM integration retrying after a timeout: the same key and body get the first
    # answer again and nothing is recorded twice; the key on another request is refused.
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)
    sales = keys["sales"]

    def twice(path: str, body: dict[str, object], key: str) -> tuple[Response, Response]:
        sent = {**sales, "Idempotency-Key": key}
        return client.post(path, json=body, headers=sent), client.post(
            path, json=body, headers=sent
        )

    call = {"channel": "call", "outcome": "no_answer"}
    for path, body, key in (
        (f"/leads/{lead}/accept", {}, "accept-1"),
        (f"/leads/{lead}/attempts", call, "attempt-1"),
        (f"/leads/{lead}/conversations", {"outcome": "interested"}, "talk-1"),
        (f"/leads/{lead}/opportunities", {"amount": 5000}, "deal-1"),
    ):
        first, again = twice(path, body, key)
        assert first.status_code in (200, 201), first.text
        assert (again.status_code, again.json()) == (first.status_code, first.json())
        assert again.headers["Idempotent-Replayed"] == "true"
    deal = client.post(
        f"/leads/{lead}/opportunities",
        json={"amount": 5000},
        headers={**sales, "Idempotency-Key": "deal-1"},
    ).json()
    first, again = twice(f"/opportunities/{deal['id']}/lose", {"reason": "price"}, "lose-1")
    assert again.json() == first.json()

    other = client.post(
        f"/leads/{lead}/attempts",
        json={"channel": "email", "outcome": "no_answer"},
        headers={**sales, "Idempotency-Key": "attempt-1"},
    )
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency_key_reused")
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SalesAttempt)) == 1
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_a_retry_racing_the_first_request_is_refused_whole(
    api: Client, engine: Engine, backend: str
) -> None:
    # The CRM times out and retries while the first attempt is still being recorded: the
    # retry's own attempt must not stay. (PostgreSQL: SQLite's writer holds the write
    # lock from the retry's first read, so no twin can run in between there.)
    if backend == "sqlite":
        pytest.skip("SQLite writers hold the write lock from their first read")
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)
    assert client.post(f"/leads/{lead}/accept", json={}, headers=keys["sales"]).status_code == 200
    with session_factory(engine)() as session:
        sales_key = next(k for k in list_keys(session) if k.role is Role.SALES)
    principal = Principal(key=sales_key, client="crm")
    path = f"/leads/{lead}/attempts"
    request = Request({"type": "http", "method": "POST", "path": path, "headers": []})
    body = AttemptBody.model_validate({"channel": "call", "outcome": "no_answer"})
    opened = session_factory(writer(engine))

    def attempt(session: Session) -> Callable[[], WorkPublic]:
        def run() -> WorkPublic:
            state = log_attempt(
                session,
                lead,
                channel="call",
                outcome="no_answer",
                rep=None,
                clock=FixedClock(START),
            )
            return WorkPublic.model_validate(asdict(state))

        return run

    def first_then_retry() -> WorkPublic:
        with opened() as twin:  # the other request, all of it, before ours commits
            run_once(twin, principal, request, body, "retry-9", attempt(twin), 201, START)
        return attempt(ours)()

    with opened() as ours:
        answer = run_once(ours, principal, request, body, "retry-9", first_then_retry, 201, START)

    assert answer.headers["Idempotent-Replayed"] == "true"
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SalesAttempt)) == 1


def test_a_retry_after_the_first_request_was_cut_off_is_told_it_took_effect(
    api: Client, engine: Engine
) -> None:
    # The first request's action committed with its reservation, then it died before
    # storing its answer: the retry must not act again, and says why.
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)
    sent = {**keys["sales"], "Idempotency-Key": "cut-1"}
    path = f"/leads/{lead}/accept"
    with session_factory(writer(engine))() as session:
        sales_key = next(k for k in list_keys(session) if k.role is Role.SALES)
        print_ = fingerprint("POST", path, AcceptBody().model_dump_json())
        reserve_on_commit(session, sales_key.id, "cut-1", print_, START)
        session.commit()

    retried = client.post(path, json={}, headers=sent)

    assert retried.status_code == 409
    assert retried.json()["type"].endswith("/idempotency_pending")
    (item,) = client.get("/queue", headers=keys["sales"]).json()
    assert item["status"] == "open"  # the retry accepted nothing


def test_the_report_refuses_a_since_in_the_future(api: Client) -> None:
    client, keys = api
    reply = client.get("/handoff/report", params={"since": "2999-01-01"}, headers=keys["sales"])

    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"] == (
        "since 2999-01-01 is in the future: no hand-off can have been made since then"
    )
    past = client.get("/handoff/report", params={"since": "2026-01-01"}, headers=keys["sales"])
    assert (past.status_code, past.json()) == (200, [])


def test_sales_states_bant_over_the_api_and_the_lead_warms(api: Client, engine: Engine) -> None:
    """What an SDR learned on a call (a CRM's BANT fields, synced) reaches the
    qualification: a statement wins over the definition's rules."""
    client, keys = api
    _team(client, keys["admin"])
    lead = _lead(engine)
    sales = keys["sales"]
    before = client.get(f"/contacts/{lead}/qualification", headers=sales).json()
    assert before["temperature"] == "cold"  # authority by rule (a director), nothing else

    body = {"criterion": "budget", "met": True, "evidence": "EUR 40k approved for Q3"}
    stated = client.post(f"/leads/{lead}/bant", json=body, headers=sales)
    assert stated.status_code == 201, stated.text
    assert stated.json() == {"contact_id": lead, "criterion": "budget", "met": True,
                             "stage": "sql"}  # fmt: skip
    after = client.get(f"/contacts/{lead}/qualification", headers=sales).json()
    assert after["temperature"] == "warm"
    assert after["bant"]["budget"]["met"] is True
    assert after["bant"]["budget"]["evidence"] == "EUR 40k approved for Q3"
    # Unknown again ("we no longer know"): the latest statement counts.
    unknown = {"criterion": "budget", "met": None}
    assert client.post(f"/leads/{lead}/bant", json=unknown, headers=sales).status_code == 201
    again = client.get(f"/contacts/{lead}/qualification", headers=sales).json()
    assert again["temperature"] == "cold"
    # A team's integration says which rep learned it; a rep the team lacks is refused.
    need = {"criterion": "need", "met": True, "rep": "eva"}
    assert client.post(f"/leads/{lead}/bant", json=need, headers=sales).status_code == 201
    ghost = {"criterion": "need", "met": True, "rep": "ghost"}
    assert client.post(f"/leads/{lead}/bant", json=ghost, headers=sales).status_code == 404
    with Session(engine) as session:
        said = session.execute(select(BantFact.criterion, BantFact.actor, BantFact.source)
                               .order_by(BantFact.id)).all()  # fmt: skip
    assert said == [("budget", "API key sales", "api"), ("budget", "API key sales", "api"),
                    ("need", "rep eva", "api")]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"criterion": "money", "met": True}, 422, "criterion"),
        ({"criterion": "need"}, 422, "met"),
        ({"criterion": "need", "met": "ja"}, 422, "met"),
        ({"criterion": "need", "met": True, "evidence": "x" * 2001}, 422, "evidence"),
        ({"criterion": "need", "met": True, "colour": "red"}, 422, "colour"),
    ],
)
def test_a_bad_bant_statement_is_refused_naming_its_field(
    api: Client, engine: Engine, body: dict[str, object], status: int, field: str
) -> None:
    client, keys = api
    lead = _lead(engine)
    answer = client.post(f"/leads/{lead}/bant", json=body, headers=keys["sales"])
    assert answer.status_code == status, answer.text
    assert field in answer.text
    assert client.get(f"/contacts/{lead}/qualification", headers=keys["sales"]).json()[
        "bant"
    ]["need"]["source"] != "fact"  # fmt: skip


def test_bant_for_nobody_is_404_and_marketing_may_not_state_it(api: Client) -> None:
    client, keys = api
    body = {"criterion": "need", "met": True}
    assert client.post("/leads/424242/bant", json=body, headers=keys["sales"]).status_code == 404
    assert client.post("/leads/1/bant", json=body, headers=keys["marketing"]).status_code == 403
