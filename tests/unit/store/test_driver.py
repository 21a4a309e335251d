"""The driver layer's translation of statements and values (no database needed)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

from leadflow.store.driver import Driver, PostgresDriver


class _NoCursor:
    def cursor(self) -> None:
        return None


def test_named_placeholders_become_psycopg_placeholders() -> None:
    driver = PostgresDriver(_NoCursor())

    sql = driver.translate("SELECT x::text FROM t WHERE a = :a AND b LIKE '5%' AND c = :c_2")

    assert sql == "SELECT x::text FROM t WHERE a = %(a)s AND b LIKE '5%%' AND c = %(c_2)s"


def test_sqlite_instants_are_utc_text_in_sqlalchemys_layout_and_read_back_aware() -> None:
    driver = Driver(sqlite3.connect(":memory:"))
    moment = datetime(2026, 3, 1, 10, 30, 5, 12, tzinfo=timezone(timedelta(hours=1)))

    stored = driver.instant(moment)

    assert stored == "2026-03-01 09:30:05.000012"
    assert driver.read_instant(stored) == moment
    assert driver.read_instant(stored).tzinfo is UTC


def test_sqlite_documents_are_json_text() -> None:
    driver = Driver(sqlite3.connect(":memory:"))

    assert driver.read_document(driver.document({"a": [1, "é"]})) == {"a": [1, "é"]}
    assert driver.read_document(None) == {}
