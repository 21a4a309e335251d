"""``at`` on the API's attempt and conversation routes: a CRM sync posts its calls after
the fact, and they count at the moment they were made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.api_keys import Role, create_key
from leadflow.services.definitions import activate_definition
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.database import session_factory
from leadflow.store.models import Conversation, SalesAttempt, SlaBreach
from tests.integration.handoff.conftest import START
from tests.integration.handoff.test_api import _lead, _team

Api = tuple[TestClient, dict[str, str], dict[str, str], FixedClock]


@pytest.fixture
def api(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Api]:
    clock = FixedClock(START)
    with session_factory(engine)() as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        session.commit()
        admin = {"X-API-Key": create_key(session, "admin", Role.ADMIN, START).secret}
        sales = {"X-API-Key": create_key(session, "sales", Role.SALES, START).secret}
    settings = Settings(workspace=tmp_path, database_url=database_url)
    limits = ApiLimits(rate_per_second=0, public_rate_per_second=0)
    app = create_app(settings, engine=engine, clock=clock, limits=limits, forms=FormsConfig())
    with TestClient(app) as client:
        yield client, admin, sales, clock


def test_a_call_posted_days_later_counts_when_it_was_made(api: Api, engine: Engine) -> None:
    client, admin, sales, clock = api
    _team(client, admin)
    lead = _lead(engine)
    assert client.post(f"/leads/{lead}/accept", json={}, headers=sales).status_code == 200
    clock.current = START + timedelta(days=3)  # long past the first touch's due moment
    made = (START + timedelta(hours=1)).isoformat().replace("+00:00", "+01:00")

    tried = client.post(
        f"/leads/{lead}/attempts",
        json={"channel": "call", "outcome": "no_answer", "at": made},
        headers=sales,
    )
    talked = client.post(
        f"/leads/{lead}/conversations",
        json={"outcome": "interested", "at": made},
        headers=sales,
    )

    assert tried.status_code == 201, tried.text
    assert tried.json()["late"] is False
    assert talked.status_code == 201, talked.text
    with session_factory(engine)() as session:
        assert session.scalars(select(SlaBreach)).all() == []
        assert session.scalars(select(SalesAttempt.at)).one() == START  # 10:00+01:00
        assert session.scalars(select(Conversation.at)).one() == START


@pytest.mark.parametrize(
    ("at", "status", "detail"),
    [
        ((START + timedelta(days=2)).isoformat(), 422, "in the future"),
        ((START - timedelta(hours=2)).isoformat(), 422, "before contact"),
        ("2026-03-02T09:30:00", 422, "timezone"),
    ],
)
def test_a_moment_ahead_before_the_hand_off_or_without_a_zone_is_refused(
    api: Api, engine: Engine, at: str, status: int, detail: str
) -> None:
    client, admin, sales, _ = api
    _team(client, admin)
    lead = _lead(engine)
    assert client.post(f"/leads/{lead}/accept", json={}, headers=sales).status_code == 200

    answer = client.post(
        f"/leads/{lead}/attempts",
        json={"channel": "call", "outcome": "no_answer", "at": at},
        headers=sales,
    )

    assert answer.status_code == status, answer.text
    assert detail in answer.text
    assert [error["loc"] for error in answer.json()["errors"]] == [["body", "at"]]
    with session_factory(engine)() as session:
        assert session.scalars(select(SalesAttempt)).all() == []


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reject", {"reason": "too_expensive"}, "reason"),
        ("reject", {"reason": "other"}, "note"),  # the definition's "other" needs a note
        ("close", {"reason": "   "}, "reason"),
    ],
)
def test_a_lead_action_names_the_field_it_cannot_use(
    api: Api, engine: Engine, action: str, body: dict[str, str], field: str
) -> None:
    client, admin, sales, _ = api
    _team(client, admin)
    lead = _lead(engine)
    if action == "close":
        assert client.post(f"/leads/{lead}/accept", json={}, headers=sales).status_code == 200

    answer = client.post(f"/leads/{lead}/{action}", json=body, headers=sales)

    assert answer.status_code == 422, answer.text
    assert [error["loc"] for error in answer.json()["errors"]] == [["body", field]]
