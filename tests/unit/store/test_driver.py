"""The driver layer's translation of statements and values (no database needed)."""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadflow.domain.clock import utc_text
from leadflow.store.driver import Driver, PostgresDriver, json_text, json_value


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


def test_json_text_is_compact_and_exact() -> None:
    value = {"b": [1, 0.1 + 0.2, 1e-07, 1780106750325899, None, True], "a": "é", "c": {"d": []}}

    text = json_text(value)

    assert text.startswith('{"b":[1,0.30000000000000004,')
    assert " " not in text
    assert json_value(text) == value == json.loads(text)  # any JSON reader agrees


def test_values_orjson_refuses_still_round_trip() -> None:
    huge = {"n": 2**70 + 1, "keys": {1: "one"}}

    assert json_value(json_text(huge)) == {"n": 2**70 + 1, "keys": {"1": "one"}}
    assert math.isnan(json_value("[NaN]")[0])
    with pytest.raises(ValueError, match="Expecting value"):
        json_value("not json")


@pytest.mark.parametrize(
    "number", [2**64, 2**64 + 1, -(2**63) - 1, 10**30 + 7, 2**64 - 1, -(2**63), 10**18]
)
def test_integers_of_any_size_are_read_exactly(number: int) -> None:
    for text in (f'{{"n":[{number}]}}', f'{{"n":[{number}]}}'.encode()):
        value = json_value(text)["n"][0]
        assert value == number
        assert type(value) is int
    assert json_value(memoryview(f"[{number}, NaN]".encode()))[0] == number


def test_sqlite_instant_texts_are_remembered_by_instant_whatever_the_zone() -> None:
    driver = Driver(sqlite3.connect(":memory:"))
    utc = datetime(2026, 5, 4, 23, 15, 0, 999_999, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=2)))

    first = driver.instant(utc)
    again = driver.instant(paris)  # the same instant, remembered under an equal key

    assert first == again == "2026-05-04 23:15:00.999999"
    assert driver.instant(paris + timedelta(microseconds=1)) == "2026-05-04 23:15:01.000000"
    assert driver.read_instant("2026-05-04 23:15:00.999999") == utc
    assert driver.read_instant("2026-05-04 23:15:00") == utc.replace(microsecond=0)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 1, 9, 30, 5, tzinfo=UTC),  # isoformat leaves out zero microseconds
        datetime(2026, 3, 1, 9, 30, 5, 12, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_a_stored_instant_reads_as_the_api_writes_it_on_either_database(
    moment: datetime,
) -> None:
    for driver in (Driver(sqlite3.connect(":memory:")), PostgresDriver(_NoCursor())):
        stored = driver.stored_instant(driver.instant(moment))

        assert stored == driver.instant(moment)
        assert driver.iso_text(stored) == utc_text(moment)  # the webhooks' form: Z


def test_a_sqlite_instant_in_another_layout_is_brought_to_the_written_one() -> None:
    driver = Driver(sqlite3.connect(":memory:"))

    assert driver.stored_instant("2026-05-04 23:15:00") == "2026-05-04 23:15:00.000000"
    assert driver.iso_text("2026-05-04 23:15:00.000000") == "2026-05-04T23:15:00Z"
