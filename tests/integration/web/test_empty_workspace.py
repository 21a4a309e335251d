"""A workspace without an active definition: the pages say so instead of failing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.api.app import create_app
from leadflow.domain.clock import FixedClock
from leadflow.services.form_config import FormsConfig
from leadflow.services.users import create_user
from leadflow.settings import Settings
from leadflow.store.database import session_factory
from tests.integration.web.conftest import UNLIMITED, sign_in
from tests.integration.web.world import PASSWORDS, USERS


def test_pages_explain_that_there_is_no_definition(
    engine: Engine, database_url: str, tmp_path: Path, now: datetime
) -> None:
    with session_factory(engine)() as session:
        create_user(
            session,
            email=USERS["admin"],
            name="A",
            role="admin",
            password=PASSWORDS["admin"],
            now=now,
        )
    settings = Settings(workspace=tmp_path, database_url=database_url)
    app = create_app(
        settings, engine=engine, clock=FixedClock(now), limits=UNLIMITED, forms=FormsConfig()
    )
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, "admin")
        for path in ("/ui/", "/ui/leads", "/ui/definition"):
            reply = client.get(path)
            assert reply.status_code == 409, path
            assert "no active definition" in reply.text
