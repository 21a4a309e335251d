"""The floor under ``record_event`` on SQLite: its statements alone, with no Python work.

    python -m bench sqlite_floor
    python -m bench.bench_sqlite_floor --contacts 20000 --events 200000 --measure 20000
    python -m bench.bench_sqlite_floor --sql "PRAGMA foreign_keys=OFF"    # a what-if
    python -m bench.bench_sqlite_floor --contacts 1000000 --store /tmp/1m.db    # kept store

The store is the one ``bench_record_event`` builds (migrated schema, every index,
contacts with their stored qualification state and event histories). Then, for each
event, only what the real-time path cannot do without, straight on sqlite3:

    SELECT   the person by e-mail (the real-time path's own statement: contact,
             account, qualification row and which side tables hold rows)
    INSERT   the event (idempotency key, ON CONFLICT DO NOTHING RETURNING id)
    UPDATE   the qualification row's state, engagement score, qualified_at,
             last_activity_at and updated_at (what moves with nearly every event)

with a commit per event, and with one commit per ``--batch`` events; a ``Checkpointer``
thread checkpoints the WAL off the commit path, as leadflow's writers have it. The new
summary text and the score are precomputed, so the figure is the database's cost and
the driver's, nothing of qualification.

CPU time is this process's, checkpoint thread included. How far ``record_event`` is
from this floor is how much its own work costs (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bench.bench_record_event import KINDS, START, Sizes, _email, _report, _Timer, opened_store
from leadflow.store.checkpoint import WRITER_THRESHOLD, Checkpointer
from leadflow.store.driver import Driver, dedicated_driver, json_text
from leadflow.store.realtime_events import INSERT_EVENT
from leadflow.store.realtime_people import PERSON_BY_EMAIL

_UPDATE = (
    "UPDATE qualifications SET state = :state, engagement_score = :score,"
    " qualified_at = :at, last_activity_at = :at, updated_at = :now"
    " WHERE contact_id = :contact_id"
)


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    sizes = Sizes(options.contacts, options.events, 0, 0, options.measure, options.batch)
    with opened_store(sizes, store=options.store) as (engine, label, _active):
        print(f"store: {label}; {sizes.contacts:,} contacts")
        _measure(engine, sizes, options.sql)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_sqlite_floor", description=__doc__)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--measure", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--store", help="a kept SQLite store (see bench_record_event --store)")
    parser.add_argument(
        "--sql",
        action="append",
        default=[],
        help="a statement run on the writer's connection before measuring (repeatable), e.g."
        " 'DROP INDEX ix_qualifications_last_activity_at_contact_id' to see what an index costs",
    )
    return parser


def _measure(engine: Engine, sizes: Sizes, statements: list[str]) -> None:
    driver, handle = dedicated_driver(engine)
    checkpointer = Checkpointer.for_engine(engine)
    assert checkpointer is not None  # a SQLite engine
    driver.auto_checkpoint(WRITER_THRESHOLD)
    for statement in statements:  # --sql: what-ifs (a pragma, an index dropped ...)
        driver.connection.execute(statement)
    chance = random.Random(7)
    summary = _stored_summary(driver)
    try:
        runs = (("warm-up", sizes.batch), ("commit per event", 1), ("group commit", sizes.batch))
        for label, batch in runs:
            _run(driver, checkpointer, sizes, label, batch, chance, summary)
    finally:
        checkpointer.close()
        handle.close()


def _stored_summary(driver: Driver) -> str:
    """A real summary text, to write back as the new state (its size is what counts)."""
    return str(driver.scalar("SELECT state FROM qualifications LIMIT 1"))


def _run(
    driver: Driver,
    checkpointer: Checkpointer,
    sizes: Sizes,
    label: str,
    batch: int,
    chance: random.Random,
    summary: str,
) -> None:
    connection = driver.connection
    now = str(driver.instant(datetime.now(UTC)))
    latencies: list[int] = []
    timer = _Timer()
    for start in range(0, sizes.measure, batch):
        began = time.perf_counter_ns()
        connection.execute("BEGIN IMMEDIATE")
        for n in range(start, start + batch):
            _one(connection, sizes, f"{label}-{n}", chance, summary, now)
        connection.commit()
        checkpointer.committed(batch)
        latencies.append(time.perf_counter_ns() - began)
    _report(f"{label}", timer.stop(sizes.measure), latencies if batch == 1 else None)


def _one(
    connection: Any, sizes: Sizes, key: str, chance: random.Random, summary: str, now: str
) -> None:
    contact = chance.randint(1, sizes.contacts)
    person = connection.execute(PERSON_BY_EMAIL, {"email": _email(contact)}).fetchone()
    kind, properties = chance.choice(KINDS)
    at = (START + timedelta(days=301, seconds=chance.randrange(86_400))).isoformat(" ")[:26]
    connection.execute(
        INSERT_EVENT,
        {
            "source": "floor",
            "key": key,
            "contact_id": person[0],
            "visitor_id": None,
            "type": kind,
            "at": at,
            "properties": json_text(properties),
            "received_at": now,
        },
    ).fetchone()
    connection.execute(
        _UPDATE,
        {
            "state": summary,
            "score": chance.random() * 100,
            "at": at,
            "now": now,
            "contact_id": person[0],
        },
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
