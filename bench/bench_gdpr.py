"""How long a GDPR export and erasure of one person take as the webhook outbox grows.

    python -m bench gdpr                                   # 20,000 contacts, 500,000 messages
    python -m bench.bench_gdpr --messages 2000000 --url postgresql://postgres@127.0.0.1:5432/test

A person's webhook messages are found by what their JSON payload names (its
``contact_id`` and the like, or an address: services/gdpr.py), which no index serves: each
request reads the whole outbox. This measures what that costs, so whether an index
(which every recorded event would then pay for) is worth it is decided on figures. The
store is ``bench_record_event``'s (contacts with their events and qualifications); the
outbox is filled with delivered ``stage.changed`` messages naming random contacts, as a
busy month leaves it (``LEADFLOW_RETENTION_MESSAGES`` keeps 30 days). The figures are
per person, by the wall clock and by this process's CPU time (on PostgreSQL the scan is
the server's: compare the wall clock).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from bench.bench_record_event import START, Sizes, opened_store
from leadflow.services.gdpr import erase_person, export_person
from leadflow.store.models import OutboxMessage

_CHUNK = 50_000


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    sizes = Sizes(options.contacts, options.contacts * 2, 0, 0, 0, 500)
    chosen = random.Random(7).sample(range(1, options.contacts + 1), options.people * 2)
    with opened_store(sizes, url=options.url) as (engine, label, _active):
        _fill_outbox(engine, options.messages, options.contacts)
        print(f"store: {label}; {options.contacts:,} contacts, {options.messages:,} messages")
        exported = chosen[: options.people]
        erased = chosen[options.people :]
        _report("export", _timed(engine, exported, _export))
        _report("erase", _timed(engine, erased, _erase))


def _fill_outbox(engine: Engine, count: int, contacts: int) -> None:
    pick = random.Random(11)
    with Session(engine) as session:
        for rows in _chunks(_messages(count, contacts, pick)):
            session.execute(insert(OutboxMessage), rows)
        session.commit()


def _messages(count: int, contacts: int, pick: random.Random) -> Iterator[dict[str, object]]:
    for number in range(count):
        at = START + timedelta(seconds=number)
        payload = {
            "contact_id": pick.randint(1, contacts),
            "from": "lead",
            "to": "mql",
            "at": at.isoformat().replace("+00:00", "Z"),
            "reason": "moved forward: mql holds",
            "definition_version": "1",
            "rule": "stage:mql",
            "actor": None,
        }
        yield {
            "id": str(uuid.UUID(int=pick.getrandbits(128))),
            "kind": "stage.changed",
            "payload": payload,
            "created_at": at,
            "dispatched_at": at,
        }


def _chunks(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    chunk: list[dict[str, object]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _export(session: Session, contact_id: int) -> int:
    held = export_person(session, contact_id)["data"]
    return len(held["outbox_messages"])


def _erase(session: Session, contact_id: int) -> int:
    counts = erase_person(session, contact_id, now=START + timedelta(days=400))
    return int(counts["erased"].get("outbox_messages", 0))


def _timed(
    engine: Engine, people: list[int], request: Callable[[Session, int], int]
) -> list[tuple[float, float, int]]:
    """(wall, CPU seconds, messages found) for each person, one Session each."""
    measured = []
    for contact_id in people:
        with Session(engine) as session:
            wall, cpu = time.perf_counter(), time.process_time()
            found = request(session, contact_id)
            measured.append((time.perf_counter() - wall, time.process_time() - cpu, found))
    return measured


def _report(name: str, measured: list[tuple[float, float, int]]) -> None:
    wall = statistics.median(row[0] for row in measured) * 1000
    cpu = statistics.median(row[1] for row in measured) * 1000
    found = statistics.mean(row[2] for row in measured)
    print(
        f"  {name:<6} {len(measured)} people: median {wall:,.0f} ms wall,"
        f" {cpu:,.0f} ms CPU; {found:,.0f} messages a person on average"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_gdpr", description=__doc__)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=5, help="people exported, as many erased")
    parser.add_argument("--url", help="a PostgreSQL URL (default: a scratch SQLite store)")
    return parser


if __name__ == "__main__":
    main(sys.argv[1:])
