"""What a SQLite commit costs on this machine, by the pages it dirties, and the ceiling
of the leanest honest event write, with no leadflow code at all.

    python -m bench commit_floor
    python -m bench.bench_commit_floor --rows 200000 --commits 5000

Two measurements, on a scratch file in WAL mode with ``synchronous=NORMAL`` (leadflow's
setting: a commit writes its pages to the WAL and does not wait for the disk):

1. **Pages per commit.** Six tables of ``--rows`` rows, each with a secondary index;
   each commit updates one row picked at random in the first *k* of them, so it dirties
   *k* leaf pages far apart (k = 1 to 6). The slope is what one more B-tree touched by
   every event costs a commit-per-event writer.

2. **The leanest event write.** The smallest schema that still keeps the promises of
   issue #7: an ``events`` table with a unique ``(source, idempotency_key)`` (the same
   event twice is stored once) and a ``(contact_id, at)`` index (a contact's history),
   and one ``contact_state`` row per contact (the running decayed sums) rewritten by each
   event. Per event: INSERT the event, UPDATE the state row; no person read, no scoring.
   Commit per event, then group commit of ``--batch``.

Read (2) against issue #7's targets (10,000 events/s with a commit per event, 25,000 with
group commit): whatever leadflow's own schema and Python add comes on top of it.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-65536")
_TABLES = 6
_STATE = "x" * 500  # about the size of a stored activity summary
# SQLite skips writing a page when an UPDATE leaves its bytes as they were, so every
# value written is new (as a real event's state is).
_written = itertools.count()


def _new_value(size: int) -> str:
    return f"{next(_written):>{size}}"


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="leadflow-commit-floor-") as folder:
        _pages_per_commit(Path(folder) / "pages.db", options.rows, options.commits)
        _lean_event_write(Path(folder) / "lean.db", options)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_commit_floor", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows per table; contacts")
    parser.add_argument("--events", type=int, default=500_000, help="events stored beforehand")
    parser.add_argument("--commits", type=int, default=5_000, help="commits measured per run")
    parser.add_argument("--batch", type=int, default=500, help="events per group commit")
    return parser


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in _PRAGMAS:
        connection.execute(pragma)
    return connection


def _pages_per_commit(path: Path, rows: int, commits: int) -> None:
    connection = _connect(path)
    for table in range(_TABLES):
        connection.execute(f"CREATE TABLE t{table} (id INTEGER PRIMARY KEY, k TEXT, v TEXT)")
        connection.execute(f"CREATE INDEX ix_t{table}_k ON t{table} (k)")
        with connection:
            connection.executemany(
                f"INSERT INTO t{table} (k, v) VALUES (?, ?)",
                ((f"{n * 7919 % rows:08d}", _STATE[:100]) for n in range(rows)),
            )
    chance = random.Random(1)
    print(f"pages per commit: {_TABLES} tables of {rows:,} rows, one random row each")
    for touched in range(1, _TABLES + 1):
        statements = [f"UPDATE t{table} SET v = ? WHERE id = ?" for table in range(touched)]

        def one(statements: list[str] = statements) -> None:
            value = _new_value(100)
            for statement in statements:
                connection.execute(statement, (value, chance.randint(1, rows)))

        _report(f"  {touched} leaf page(s) a commit", _run(connection, one, commits, 1))
    connection.close()


def _lean_event_write(path: Path, options: argparse.Namespace) -> None:
    connection = _connect(path)
    connection.executescript(
        """
        CREATE TABLE contact_state (contact_id INTEGER PRIMARY KEY, state TEXT, at TEXT);
        CREATE TABLE events (id INTEGER PRIMARY KEY, source TEXT, idempotency_key TEXT,
            contact_id INTEGER, type TEXT, at TEXT, properties TEXT,
            UNIQUE (source, idempotency_key));
        CREATE INDEX ix_events_contact_id_at ON events (contact_id, at);
        """
    )
    contacts, chance = options.rows, random.Random(2)
    with connection:
        connection.executemany(
            "INSERT INTO contact_state VALUES (?, ?, ?)",
            ((n, _STATE, "2026-01-01") for n in range(1, contacts + 1)),
        )
        connection.executemany(
            "INSERT INTO events (source, idempotency_key, contact_id, type, at, properties)"
            " VALUES ('web', ?, ?, 'page_view', ?, '{\"path\": \"/pricing\"}')",
            (
                (_key(chance), chance.randint(1, contacts), f"2026-01-{1 + n % 28:02d}")
                for n in range(options.events)
            ),
        )

    keys = itertools.count()

    def one(ordered: bool = False) -> None:
        contact = chance.randint(1, contacts)
        key = f"z{next(keys):031d}" if ordered else _key(chance)
        connection.execute(
            "INSERT INTO events (source, idempotency_key, contact_id, type, at, properties)"
            " VALUES ('web', ?, ?, 'page_view', '2026-02-01 10:00:00', '{\"path\": \"/\"}')"
            " ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id",
            (key, contact),
        ).fetchone()
        connection.execute(
            "UPDATE contact_state SET state = ?, at = '2026-02-01 10:00:00' WHERE contact_id = ?",
            (_new_value(len(_STATE)), contact),
        )

    print(
        f"leanest event write: {contacts:,} contacts, {options.events:,} events stored,"
        " INSERT event (2 indexes) + UPDATE state row"
    )
    _report("  commit per event", _run(connection, one, options.commits, 1))
    _report(
        f"  group commit of {options.batch}",
        _run(connection, one, options.commits * 4, options.batch),
    )
    # What random idempotency keys cost: the same with keys that arrive in order (a
    # source numbering its events), whose index entries share the last page.
    _report(
        "  commit per event, keys in order",
        _run(connection, partial(one, True), options.commits, 1),
    )
    connection.close()


def _key(chance: random.Random) -> str:
    """A client's idempotency key: random, like a UUID, so it lands on a random page."""
    return f"{chance.getrandbits(128):032x}"


def _run(
    connection: sqlite3.Connection, one: Callable[[], None], count: int, batch: int
) -> tuple[int, float, float]:
    """(operations, wall seconds, CPU seconds) of ``count`` operations committed in
    groups of ``batch``, after a warm-up of the same size."""
    for warm_up in (True, False):
        began, cpu = time.perf_counter(), time.process_time()
        for _ in range(0, count, batch):
            connection.execute("BEGIN IMMEDIATE")
            for _ in range(batch):
                one()
            connection.execute("COMMIT")
        if not warm_up:
            return count, time.perf_counter() - began, time.process_time() - cpu
    raise AssertionError("unreachable")


def _report(label: str, measured: tuple[int, float, float]) -> None:
    count, wall, cpu = measured
    print(f"{label:40s} {count / wall:9,.0f}/s   cpu {cpu / count * 1e6:5.0f} µs each")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
