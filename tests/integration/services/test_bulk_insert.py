"""bulk_insert.insert_rows writes every row as given, in order, whether a column's None or
bool is bound or written into the statement (SQLite; PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from leadflow.services.bulk_insert import insert_rows
from leadflow.store.driver import driver_for

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COLUMNS = ("email", "phone", "purchased", "identity", "attributes", "created_at", "updated_at")


def _contacts(
    session: Session, values: list[tuple[str, str | None, bool]]
) -> list[tuple[object, ...]]:
    connection = session.connection()
    driver = driver_for(connection)
    at, empty = driver.instant(AT), driver.document({})
    rows = [(email, phone, bought, "known", empty, at, at) for email, phone, bought in values]
    insert_rows(connection, "contacts", COLUMNS, rows, per_call=2)
    stored = connection.execute(
        text("SELECT email, phone, purchased FROM contacts ORDER BY id")
    ).all()
    return [(email, phone, bool(bought)) for email, phone, bought in stored]


@pytest.mark.parametrize(
    "values",
    [
        # phone None and purchased False everywhere: both written as literals
        [("a@x.example", None, False), ("b@x.example", None, False), ("c@x.example", None, False)],
        # the same bool everywhere, but True
        [("a@x.example", None, True), ("b@x.example", None, True)],
        # varying: bound as they are
        [
            ("a@x.example", "+31201234567", False),
            ("b@x.example", None, True),
            ("c@x.example", None, False),
        ],
        # one row
        [("a@x.example", "+31201234567", True)],
    ],
)
def test_rows_are_stored_as_given_in_order(
    session: Session, values: list[tuple[str, str | None, bool]]
) -> None:
    assert _contacts(session, values) == values


def test_no_rows_writes_nothing(session: Session) -> None:
    insert_rows(session.connection(), "contacts", COLUMNS, [])
    assert session.execute(text("SELECT count(*) FROM contacts")).scalar_one() == 0
