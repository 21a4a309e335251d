"""Engine factories: SQLite is tuned on every connection; PostgreSQL URLs get psycopg 3."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from leadflow.settings import Settings
from leadflow.store import database
from leadflow.store.database import engine_from_settings, make_engine, normalise_url, writer


@pytest.mark.parametrize(
    "given",
    ["postgresql://u@h:5432/db", "postgres://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"],
)
def test_postgresql_urls_use_psycopg_3(given: str) -> None:
    assert normalise_url(given).drivername == "postgresql+psycopg"


def test_sqlite_connections_use_wal_foreign_keys_and_normal_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout",
                         "secure_delete")
        }  # fmt: skip
    engine.dispose()

    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,
        "busy_timeout": 5000,
        "secure_delete": 1,
    }


def test_the_settings_database_defaults_to_sqlite_in_the_workspace(tmp_path: Path) -> None:
    engine = engine_from_settings(Settings(workspace=tmp_path, database_url=None))
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()

    assert (tmp_path / "leadflow.db").exists()


def test_a_writer_transaction_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    other = make_engine(url)
    with writer(engine).connect() as holder:
        holder.execute(text("SELECT 1"))  # begins: BEGIN IMMEDIATE takes the lock now
        with other.connect() as second:
            second.exec_driver_sql("PRAGMA busy_timeout=0")
            with pytest.raises(OperationalError, match="locked"):
                second.execute(text("INSERT INTO t VALUES (1)"))
        holder.rollback()
    engine.dispose()
    other.dispose()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes TCP connections and never answers: a database host that hangs
    (a fail-over whose old address swallows packets, a stuck server)."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)  # the kernel completes the handshakes; nobody reads
        yield listening.getsockname()[1]


def test_a_postgresql_server_that_never_answers_is_given_up_on(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a limit libpq waited for ever: every request of a server hung, /healthz too.
    monkeypatch.setattr(database, "CONNECT_TIMEOUT_SECONDS", 2)
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{silent_server}/leadflow")
    started = time.monotonic()

    with pytest.raises(OperationalError, match="timeout"), engine.connect():
        pass

    assert time.monotonic() - started < 10
    engine.dispose()


def test_a_connect_timeout_in_the_url_wins() -> None:
    engine = make_engine("postgresql://u@h/db?connect_timeout=30")
    assert engine.url.query["connect_timeout"] == "30"
    assert "connect_timeout" not in database.connect_arguments(engine.url)
    assert database.connect_arguments(make_engine("postgresql://u@h/db").url) == {
        "connect_timeout": database.CONNECT_TIMEOUT_SECONDS
    }
