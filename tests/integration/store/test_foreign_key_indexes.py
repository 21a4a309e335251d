"""Every row pointing at a contact or an event can be found by an index.

Erasing a person deletes their contact row and every event of theirs; for each row
deleted the database looks for the rows that point at it, to cascade or to set them to
NULL. Without an index on the pointing column that look-up reads the whole table, once
per deleted row: erasing a person with 1,423 events on PostgreSQL spent 8.0 s of its
8.2 s reading ``consents`` and ``consent_history`` 2,846 times (12,000 rows each; a
million contacts would make it minutes). SQLite does the same (SQLite; PostgreSQL too
when LEADFLOW_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect

DELETED_IN_BULK = ("contacts", "events")  # erasure deletes these, a row at a time per pointer


def test_every_foreign_key_to_contacts_and_events_leads_an_index(engine: Engine) -> None:
    with engine.connect() as connection:
        schema = inspect(connection)
        unindexed = []
        for table in schema.get_table_names():
            leading = {index["column_names"][0] for index in schema.get_indexes(table)}
            leading |= {
                unique["column_names"][0] for unique in schema.get_unique_constraints(table)
            }
            leading |= set(schema.get_pk_constraint(table)["constrained_columns"][:1])
            for key in schema.get_foreign_keys(table):
                column = key["constrained_columns"][0]
                if key["referred_table"] in DELETED_IN_BULK and column not in leading:
                    unindexed.append(f"{table}.{column}")

    assert unindexed == []
