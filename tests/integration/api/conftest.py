"""An API over a fresh migrated database (SQLite; PostgreSQL when configured).

api_engine  the database, with the waterfall preset active
api_keys    one key per role: {"admin": "lf_...", "marketing": ..., ...}
app         create_app over that database, a fixed clock and no forms
client      a TestClient of ``app`` (server errors raise: a 500 fails the test)
headers     ``headers("marketing")`` -> the X-API-Key header of that role's key
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.api_keys import Role, create_key
from leadflow.services.definitions import activate_definition
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.database import session_factory

# Rate limits high enough never to interfere with tests that are not about them.
UNLIMITED = ApiLimits(rate_per_second=0, public_rate_per_second=0)


@pytest.fixture
def api_engine(engine: Engine, now: datetime) -> Engine:
    with session_factory(engine)() as session:
        activate_definition(
            session, preset_text("waterfall"), source_name="waterfall.yaml", now=now
        )
        session.commit()
    return engine


@pytest.fixture
def api_keys(api_engine: Engine, now: datetime) -> dict[str, str]:
    with session_factory(api_engine)() as session:
        return {role.value: create_key(session, role.value, role, now).secret for role in Role}


@pytest.fixture
def forms() -> FormsConfig:
    return FormsConfig()


@pytest.fixture
def limits() -> ApiLimits:
    return UNLIMITED


@pytest.fixture
def app(
    api_engine: Engine,
    database_url: str,
    clock: FixedClock,
    tmp_path: Path,
    forms: FormsConfig,
    limits: ApiLimits,
) -> FastAPI:
    settings = Settings(workspace=tmp_path, database_url=database_url)
    return create_app(settings, engine=api_engine, clock=clock, limits=limits, forms=forms)


@pytest.fixture
def client(app: FastAPI, api_keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app) as opened:
        yield opened


@pytest.fixture
def headers(api_keys: dict[str, str]) -> Callable[[str], dict[str, str]]:
    def of(role: str) -> dict[str, str]:
        return {"X-API-Key": api_keys[role]}

    return of
