"""One rule for what a rep may see and act on (services/rep_scope.py): the same leads,
walked through the API with a sales key and through the web queue as a salesperson, are
seen and refused alike. A rep (a key bound to ``r1``, the salesperson working ``r1``)
sees exactly their own hand-offs and the unassigned ones; an unbound caller (a sales key
without a rep, a salesperson without a rep key) sees every queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.domain.clock import FixedClock
from leadflow.services.api_keys import create_key
from leadflow.services.queue import queue
from leadflow.services.reps import set_active
from leadflow.services.users import create_user
from leadflow.settings import Settings
from leadflow.store.database import make_engine, session_factory, writer
from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World, _lead

UNBOUND_USER = ("unbound.sales@web.example", "unbound-sales-pass-1")
NO_SUCH_REASON = "no-such-reason"  # refused by the service after the scope admits the lead


@dataclass(frozen=True)
class Desk:
    bound_key: dict[str, str]
    unbound_key: dict[str, str]
    unassigned: int
    by_rep: dict[str, set[int]]


@pytest.fixture(scope="module")
def desk(web_workspace: tuple[Path, World], web_clock: FixedClock) -> Desk:
    folder = web_workspace[0]
    engine = make_engine(Settings(workspace=folder).resolved_database_url)
    try:
        with session_factory(writer(engine))() as session:
            now = web_clock.now()
            bound = create_key(session, "r1-phone", "sales", now, rep="r1").secret
            unbound = create_key(session, "crm-sync", "sales", now).secret
            user, password = UNBOUND_USER
            create_user(session, email=user, name="Sam Sales", role="sales",
                        password=password, now=now)  # fmt: skip
            for rep in ("r1", "r2"):  # nobody to route to: a hand-off nobody holds
                set_active(session, rep, False, now)
            unassigned = _lead(session, web_clock, 20, "demo_request")
            for rep in ("r1", "r2"):
                set_active(session, rep, True, web_clock.now())
            session.commit()
            by_rep = {rep: {item.contact_id for item in queue(session, now, rep=rep)}
                      for rep in ("r1", "r2")}  # fmt: skip
    finally:
        engine.dispose()
    return Desk({"X-API-Key": bound}, {"X-API-Key": unbound}, unassigned, by_rep)


def _web_items(client: TestClient) -> set[int]:
    html = client.get("/ui/queue").text
    return {int(n) for n in re.findall(r'<article class="card" id="item-(\d+)"', html)}


def _unbound_salesperson(web_app: FastAPI) -> TestClient:
    client = TestClient(web_app, follow_redirects=False)
    client.__enter__()
    token = csrf_of(client.get("/ui/signin").text)
    email, password = UNBOUND_USER
    form = {"email": email, "password": password, "csrf_token": token}
    assert client.post("/ui/signin", data=form).status_code == 303
    return client


def _statuses(api: TestClient, key: dict[str, str], web: TestClient, lead: int) -> tuple[int, int]:
    """How the API and the web answer the same (harmless) action on the lead: 422 when the
    caller may act on it (the reason is then refused), else the scope's refusal."""
    by_api = api.post(f"/leads/{lead}/reject", json={"reason": NO_SUCH_REASON}, headers=key)
    token = csrf_of(web.get("/ui/queue").text)
    form = {"csrf_token": token, "reason": NO_SUCH_REASON}
    by_web = web.post(f"/ui/queue/{lead}/reject", data=form)
    return by_api.status_code, by_web.status_code


def test_a_rep_sees_and_acts_on_exactly_their_own_leads_in_the_api_and_the_web(
    web_app: FastAPI, signed_in: Callable[[str], TestClient], world: World, desk: Desk
) -> None:
    leads = [*world.ready, *world.nurtured, desk.unassigned]
    web = signed_in("sales")  # the salesperson working r1
    with TestClient(web_app) as api:
        by_api = {item["contact_id"] for item in api.get("/queue", headers=desk.bound_key).json()}
        by_web = _web_items(web)
        answers = {lead: _statuses(api, desk.bound_key, web, lead) for lead in leads}

    assert desk.unassigned not in desk.by_rep["r1"] | desk.by_rep["r2"]
    assert by_api == by_web == desk.by_rep["r1"] | {desk.unassigned}
    for lead, (api_status, web_status) in answers.items():
        assert api_status == web_status, (lead, api_status, web_status)
        if lead in desk.by_rep["r1"] or lead == desk.unassigned:
            assert api_status == 422  # theirs to act on
        elif lead in desk.by_rep["r2"]:
            assert api_status == 403  # another rep's
        else:
            assert api_status == 404  # not in sales' hands at all


def test_an_unbound_caller_sees_every_queue_in_the_api_and_the_web(
    web_app: FastAPI, world: World, desk: Desk
) -> None:
    leads = [*world.ready, *world.nurtured, desk.unassigned]
    web = _unbound_salesperson(web_app)
    try:
        with TestClient(web_app) as api:
            listed = api.get("/queue", headers=desk.unbound_key).json()
            answers = {lead: _statuses(api, desk.unbound_key, web, lead) for lead in leads}
        by_web = _web_items(web)
    finally:
        web.__exit__(None, None, None)

    assert {item["contact_id"] for item in listed} == by_web
    assert by_web == desk.by_rep["r1"] | desk.by_rep["r2"] | {desk.unassigned}
    for lead, (api_status, web_status) in answers.items():
        assert api_status == web_status, (lead, api_status, web_status)
