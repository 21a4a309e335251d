"""The app factory: nothing at import time, every route gated, problems for unknown routes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from leadflow.api.app import create_app
from leadflow.api.auth import PUBLIC
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.database import make_engine


def _settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")


def test_importing_the_api_builds_no_app_engine_or_settings() -> None:
    # A fresh interpreter: which objects exist right after the import?
    probe = (
        "import gc, leadflow.api.app, leadflow.api.routers.events;"
        "from fastapi import FastAPI; from sqlalchemy import Engine;"
        "from leadflow.settings import Settings;"
        "kinds = (FastAPI, Engine, Settings);"
        "print(sum(isinstance(o, kinds) for o in gc.get_objects()))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert found.stdout.strip() == "0"


def test_a_route_without_a_gate_cannot_be_built(tmp_path: Path) -> None:
    router = APIRouter()

    @router.get("/open")
    def open_door() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="declares no single access gate"):
        create_app(_settings(tmp_path), routers=[router], forms=FormsConfig())


def test_unknown_routes_and_methods_answer_problem_documents(tmp_path: Path) -> None:
    router = APIRouter()

    @router.get("/ping", dependencies=[PUBLIC])
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app(_settings(tmp_path), engine=engine, routers=[router], forms=FormsConfig())
    client = TestClient(app)

    missing = client.get("/nowhere")
    wrong = client.post("/ping")

    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://leadflow.dev/problems/not_found"
    assert wrong.status_code == 405
    assert wrong.json()["type"].endswith("/method_not_allowed")
    # The route is there: the detail says which methods it takes, as Allow does.
    assert wrong.json()["detail"] == "POST is not allowed on /ping; it takes GET"
    assert client.get("/ping").json() == {"pong": "yes"}
