"""Engine factories: SQLite is tuned on every connection; PostgreSQL URLs get psycopg 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from leadflow.settings import Settings
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
