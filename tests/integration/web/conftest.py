"""The web application over the small world of ``world.py`` (SQLite; built once a
session, copied for each module).

web_app       create_app over that world, with a fixed clock (Monday 2 March 2026)
world         what ``build_world`` made (contact ids)
anonymous     a TestClient that has not signed in (redirects are not followed)
signed_in     ``signed_in("sales")`` -> a TestClient signed in with that role
csrf_of       the CSRF token printed in a page

Tests that change something (accept a lead, activate a definition) pick contacts no
other test of the module relies on.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.domain.clock import FixedClock
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.database import make_engine
from tests.integration.web.world import PASSWORDS, USERS, World, build_world

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, in working hours
UNLIMITED = ApiLimits(rate_per_second=0, public_rate_per_second=0)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def web_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, World, datetime]:
    """The world built once: its database file, its ids, and the clock's time after it."""
    folder = tmp_path_factory.mktemp("web-template")
    shutil.copyfile(sqlite_template, folder / "leadflow.db")
    clock = FixedClock(START)
    engine = make_engine(f"sqlite:///{folder / 'leadflow.db'}")
    try:
        built = build_world(engine, clock)
    finally:
        engine.dispose()
    return folder / "leadflow.db", built, clock.now()


@pytest.fixture(scope="module")
def web_clock(web_template: tuple[Path, World, datetime]) -> FixedClock:
    return FixedClock(web_template[2])


@pytest.fixture(scope="module")
def web_workspace(
    web_template: tuple[Path, World, datetime], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, World]:
    folder = tmp_path_factory.mktemp("web")
    shutil.copyfile(web_template[0], folder / "leadflow.db")
    return folder, web_template[1]


@pytest.fixture(scope="module")
def world(web_workspace: tuple[Path, World]) -> World:
    return web_workspace[1]


@pytest.fixture(scope="module")
def web_app(web_workspace: tuple[Path, World], web_clock: FixedClock) -> Iterator[FastAPI]:
    folder = web_workspace[0]
    settings = Settings(workspace=folder)
    engine = make_engine(settings.resolved_database_url)
    yield create_app(
        settings, engine=engine, clock=web_clock, limits=UNLIMITED, forms=FormsConfig()
    )
    engine.dispose()


@pytest.fixture
def anonymous(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page prints no CSRF token"
    return found[1]


def sign_in(client: TestClient, role: str) -> TestClient:
    token = csrf_of(client.get("/ui/signin").text)
    reply = client.post(
        "/ui/signin",
        data={"email": USERS[role], "password": PASSWORDS[role], "csrf_token": token},
    )
    assert reply.status_code == 303, reply.text
    return client


@pytest.fixture
def signed_in(web_app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def open_as(role: str) -> TestClient:
        client = TestClient(web_app, follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return sign_in(client, role)

    yield open_as
    for client in clients:
        client.__exit__(None, None, None)
