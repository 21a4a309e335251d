"""Database fixtures for every integration test: SQLite always, PostgreSQL when configured.

    backend       "sqlite" | "postgresql" (session-scoped, parametrised; PostgreSQL only
                  when LEADFLOW_TEST_DATABASE_URL is set)
    database_url  a fresh database migrated to head, for this test alone (a copy of a
                  migrated SQLite file; a new PostgreSQL schema, dropped afterwards).
                  Use it when the code under test opens its own connections (CLI,
                  child processes) or commits for real.
    engine        an engine on ``database_url``
    store_engine  one migrated database per test session and backend (shared)
    session       a Session on ``store_engine`` inside a transaction that is rolled back
                  after the test; ``session.commit()`` only releases a savepoint, so
                  tests stay isolated and fast
    sessions      a sessionmaker whose sessions join that same rolled-back transaction

Every schema here is made by the Alembic migrations, never by ``create_all``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from leadflow.store.database import make_engine, normalise_url
from leadflow.store.migrate import upgrade
from tests.unit.learn.live_model import save_live_model

POSTGRES_ENV = "LEADFLOW_TEST_DATABASE_URL"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return name


def _postgres_schema_url(schema: str) -> str:
    """The test server's URL, with every connection's search_path set to ``schema``."""
    url = normalise_url(os.environ[POSTGRES_ENV])
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _create_schema(schema: str) -> None:
    admin = make_engine(os.environ[POSTGRES_ENV])
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()


def _drop_schema(schema: str) -> None:
    admin = make_engine(os.environ[POSTGRES_ENV])
    try:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test copies it (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "leadflow.db"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "leadflow.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    schema = f"lf_test_{uuid.uuid4().hex[:12]}"
    _create_schema(schema)
    url = _postgres_schema_url(schema)
    try:
        _migrated(url)
        yield url
    finally:
        _drop_schema(schema)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    built = make_engine(database_url)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def store_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("store") / "leadflow.db"
        url = f"sqlite:///{path}"
        _migrated(url)
        built = make_engine(url)
        yield built
        built.dispose()
        return
    schema = f"lf_shared_{uuid.uuid4().hex[:12]}"
    _create_schema(schema)
    try:
        url = _postgres_schema_url(schema)
        _migrated(url)
        built = make_engine(url)
        yield built
        built.dispose()
    finally:
        _drop_schema(schema)


@pytest.fixture
def sessions(store_engine: Engine) -> Iterator[sessionmaker[Session]]:
    connection = store_engine.connect()
    outer = connection.begin()
    yield sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    outer.rollback()
    connection.close()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as opened:
        yield opened


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of learned models holding v1 and v2 (two seeds), made once per run."""
    root = tmp_path_factory.mktemp("learned") / "models"
    save_live_model(root, seed=0)
    save_live_model(root, seed=1)
    return root
