"""Sustained events/s through the real-time path (services.events), on a pre-loaded store.

    python -m bench record_event                       # defaults below, SQLite
    python -m bench.bench_record_event --contacts 1000000 --events 10000000   # the issue's size
    python -m bench.bench_record_event --url postgresql://postgres@127.0.0.1:5432/test
    python -m bench.bench_record_event --contacts 1000000 --events 10000000 --store /tmp/1m.db

The store is loaded first with ``--contacts`` contacts and ``--events`` stored events:
``--long-contacts`` of them have ``--long-events`` events each (long histories), the rest
share what is left (short histories). Every contact gets the qualification state the
real-time path would have left (its ActivitySummary folded from its events). Then
``--warmup`` events are recorded unmeasured (the first sight of each company domain
validates it, once per process; SQLite fills its page cache), and ``--measure`` new
events are recorded, by e-mail, to short-history and to long-history contacts separately:

    per event   EventRecorder.record: one transaction and one commit per event (p50/p99)
    group       EventRecorder.record_batch of ``--batch`` events: one commit per batch
    session     services.record_event in a SQLAlchemy Session (what an API handler calls)

If the path re-read a contact's history, long-history contacts would be far slower.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.domain.facts import Event, Facts
from leadflow.domain.lifecycle import LifecycleState
from leadflow.engine.lifecycle import advance
from leadflow.engine.qualify import qualify_summary
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition, activate_definition, active_definition
from leadflow.services.events import EventRecorder, IncomingEvent, record_event
from leadflow.store.database import make_engine, normalise_url, session_factory, writer
from leadflow.store.driver import Driver, dedicated_driver
from leadflow.store.migrate import upgrade
from leadflow.store.realtime import RealtimeStore

START = datetime(2025, 1, 1, tzinfo=UTC)
# In the events' idempotency keys: a run on a kept store (--store) records new events.
_RUN = uuid.uuid4().hex[:8]
KINDS = [
    ("page_view", {"url": "/pricing"}),
    ("page_view", {"url": "/product/crm"}),
    ("page_view", {"url": "/blog/post"}),
    ("email_open", {"campaign": "spring"}),
    ("email_click", {"campaign": "spring"}),
    ("content_download", {"asset": "crm-datasheet.pdf"}),
    ("webinar_attendance", {"event": "w1"}),
]


@dataclass(frozen=True)
class Sizes:
    contacts: int
    events: int
    long_contacts: int
    long_events: int
    measure: int
    batch: int
    warmup: int = 0


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    sizes = Sizes(
        options.contacts,
        options.events,
        options.long_contacts,
        options.long_events,
        options.measure,
        options.batch,
        options.warmup,
    )
    if sizes.long_contacts * sizes.long_events > sizes.events:
        raise SystemExit("--long-contacts × --long-events exceeds --events")
    with opened_store(sizes, url=options.url, store=options.store) as (engine, label, active):
        print(f"store: {label}; {sizes.contacts:,} contacts, {sizes.events:,} events stored")
        _measure_all(engine, active, sizes)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_record_event", description=__doc__)
    parser.add_argument("--url", help="PostgreSQL URL (a scratch schema is made and dropped)")
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--long-contacts", type=int, default=50)
    parser.add_argument("--long-events", type=int, default=2_000)
    parser.add_argument("--measure", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=2_000, help="unmeasured events first")
    parser.add_argument(
        "--store",
        help="a SQLite file kept between runs: loaded when it does not exist, reused when it"
        " does (the issue's size takes minutes to load); each run adds its own events",
    )
    return parser


# --- the store -------------------------------------------------------------------------


class _ScratchDatabase:
    """A scratch database: a temporary SQLite file, or a PostgreSQL schema."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.schema = f"bench_{uuid.uuid4().hex[:10]}"
        self.folder = tempfile.TemporaryDirectory(prefix="leadflow-bench-")

    def __enter__(self) -> tuple[Engine, str]:
        if self.url is None:
            path = Path(self.folder.name) / "leadflow.db"
            self.engine = make_engine(f"sqlite:///{path}")
            upgrade(self.engine)
            return self.engine, f"SQLite WAL {path}"
        admin = make_engine(self.url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        scoped = normalise_url(self.url).update_query_dict(
            {"options": f"-csearch_path={self.schema}"}
        )
        self.engine = make_engine(scoped)
        upgrade(self.engine)
        return self.engine, f"PostgreSQL schema {self.schema}"

    def __exit__(self, *exc: object) -> None:
        self.engine.dispose()
        if self.url is not None:
            admin = make_engine(self.url)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()
        self.folder.cleanup()


@contextmanager
def opened_store(
    sizes: Sizes, *, url: str | None = None, store: str | None = None
) -> Iterator[tuple[Engine, str, ActiveDefinition]]:
    """(engine, label, active definition) of a loaded store: the kept SQLite file
    ``store`` (loaded the first time), else a scratch one (SQLite, or PostgreSQL at ``url``)."""
    if store is not None:
        engine, label, active = _kept_store(Path(store), sizes)
        try:
            yield engine, label, active
        finally:
            engine.dispose()
        return
    with _ScratchDatabase(url) as (engine, label):
        yield engine, label, _load(engine, sizes)


def _kept_store(path: Path, sizes: Sizes) -> tuple[Engine, str, ActiveDefinition]:
    """A store file loaded once for ``sizes`` and reused by later runs."""
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)  # a kept store follows the schema's migrations
    if fresh:
        active = _load(engine, sizes)
    else:
        with Session(engine) as session:
            active = active_definition(session)
    return engine, f"SQLite WAL {path} ({'loaded' if fresh else 'reused'})", active


def _load(engine: Engine, sizes: Sizes) -> ActiveDefinition:
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="bench", now=START)
        session.commit()
        active = active_definition(session)
    started = time.perf_counter()
    driver, handle = dedicated_driver(engine)
    try:
        _load_contacts(driver, sizes.contacts)
        histories = _histories(sizes)
        for chunk in _chunks(range(1, sizes.contacts + 1), 2_000):
            _load_histories(driver, active, {c: histories(c) for c in chunk})
        if driver.dialect == "postgresql":
            driver.execute("ANALYZE")
            driver.commit()
    finally:
        handle.close()
    print(f"loaded in {time.perf_counter() - started:.1f} s")
    return active


def _email(contact: int) -> str:
    return f"person{contact}@company{contact % 997}.example"


def _load_contacts(driver: Driver, count: int) -> None:
    moment = driver.instant(START)
    for chunk in _chunks(range(1, count + 1), 10_000):
        driver.begin_write()
        driver.connection.cursor().executemany(
            driver.translate(
                "INSERT INTO contacts (id, email, domain, purchased, identity, attributes,"
                " created_at, updated_at) VALUES (:id, :email, :domain, :purchased, 'known',"
                " :attributes, :at, :at)"
            ),
            [
                {
                    "id": c,
                    "email": _email(c),
                    "domain": _email(c).split("@")[1],
                    "purchased": False,
                    "attributes": driver.document({}),
                    "at": moment,
                }
                for c in chunk
            ],
        )
        driver.commit()


def _histories(sizes: Sizes) -> Callable[[int], int]:
    """contact -> its number of stored events (long first, the rest spread evenly)."""
    short = sizes.contacts - sizes.long_contacts
    rest = sizes.events - sizes.long_contacts * sizes.long_events
    base, extra = divmod(rest, short) if short else (0, 0)

    def count(contact: int) -> int:
        if contact <= sizes.long_contacts:
            return sizes.long_events
        return base + (1 if contact - sizes.long_contacts <= extra else 0)

    return count


def _load_histories(driver: Driver, active: ActiveDefinition, counts: dict[int, int]) -> None:
    chance = random.Random(next(iter(counts)))
    store = RealtimeStore(driver)
    rows: list[dict[str, object]] = []
    states: list[tuple[int, list[Event]]] = []
    for contact, count in counts.items():
        events = [
            Event(kind, START + timedelta(minutes=chance.randrange(60 * 24 * 300)), props)
            for kind, props in (chance.choice(KINDS) for _ in range(count))
        ]
        rows.extend(
            {
                "contact_id": contact,
                "key": f"h-{contact}-{n}",
                "type": e.type,
                "at": driver.instant(e.at),
                "properties": driver.document(e.properties),
                "received": driver.instant(e.at),
            }
            for n, e in enumerate(events)
        )
        states.append((contact, events))
    driver.begin_write()
    driver.connection.cursor().executemany(
        driver.translate(
            "INSERT INTO events (source, idempotency_key, contact_id, type, at, properties,"
            " received_at) VALUES ('history', :key, :contact_id, :type, :at, :properties,"
            " :received)"
        ),
        rows,
    )
    for contact, events in states:
        _store_state(store, active, contact, events)
    driver.commit()


def _store_state(
    store: RealtimeStore, active: ActiveDefinition, contact: int, events: list[Event]
) -> None:
    definition = active.definition
    summary = ActivitySummary.of(definition, events)
    at = summary.latest or START
    facts = Facts(contact={"email": _email(contact)})
    qualification = qualify_summary(facts, summary, definition, at, explain=False)
    step = advance(LifecycleState(), qualification, at)
    store.save_qualification(
        contact,
        qualification,
        step.state,
        summary.to_json(),
        active.version_id,
        at,
        last_activity=at,
    )


def _chunks(items: range, size: int) -> Iterator[range]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the measurements ------------------------------------------------------------------


def _incoming(
    sizes: Sizes, group: str, label: str, chance: random.Random, count: int | None = None
) -> list[IncomingEvent]:
    if group == "long":
        pool = range(1, sizes.long_contacts + 1)
    else:
        pool = range(sizes.long_contacts + 1, sizes.contacts + 1)
    moment = START + timedelta(days=301)
    total = sizes.measure if count is None else count
    # A second apart, within the day before the clock (day 302): more than a day's worth
    # of events are packed closer, as a recorder refuses events dated after its clock.
    step = timedelta(seconds=min(1.0, 86_399 / max(total, 1)))
    events = []
    for n in range(total):
        kind, props = chance.choice(KINDS)
        moment += step
        events.append(
            IncomingEvent(
                kind,
                moment,
                key=f"{_RUN}-{label}-{group}-{n}",
                source="bench",
                email=_email(chance.choice(pool)),
                properties=props,
            )
        )
    return events


def _measure_all(engine: Engine, active: ActiveDefinition, sizes: Sizes) -> None:
    chance = random.Random(7)
    clock = FixedClock(START + timedelta(days=302))
    print(
        "  (events/s by the wall clock; cpu: this process's CPU time per event, less"
        " sensitive than the wall clock to other processes on the machine)"
    )
    _warm_up(engine, active, sizes, chance, clock)
    for group in ("short", "long"):
        with EventRecorder(engine, active, clock) as recorder:
            events = _incoming(sizes, group, "one", chance)
            latencies = []
            timer = _Timer()
            for event in events:
                before = time.perf_counter_ns()
                recorder.record(event)
                latencies.append(time.perf_counter_ns() - before)
            _report(f"{group} histories, commit per event", timer.stop(len(events)), latencies)
            events = _incoming(sizes, group, "batch", chance)
            timer = _Timer()
            for start in range(0, len(events), sizes.batch):
                recorder.record_batch(events[start : start + sizes.batch])
            _report(f"{group} histories, group commit of {sizes.batch}", timer.stop(len(events)))
        _measure_session(engine, active, sizes, group, chance, clock)


def _warm_up(
    engine: Engine, active: ActiveDefinition, sizes: Sizes, chance: random.Random, clock: FixedClock
) -> None:
    if sizes.warmup <= 0:
        return
    events = _incoming(sizes, "short", "warm", chance, sizes.warmup)
    with EventRecorder(engine, active, clock) as recorder:
        timer = _Timer()
        for start in range(0, len(events), sizes.batch):
            recorder.record_batch(events[start : start + sizes.batch])
    _report(f"warm-up, unmeasured ({len(events):,} events)", timer.stop(len(events)))


def _measure_session(
    engine: Engine,
    active: ActiveDefinition,
    sizes: Sizes,
    group: str,
    chance: random.Random,
    clock: FixedClock,
) -> None:
    sessions = session_factory(writer(engine))
    events = _incoming(sizes, group, "session", chance)[: max(1, sizes.measure // 5)]
    latencies = []
    timer = _Timer()
    with sessions() as session:
        for event in events:
            before = time.perf_counter_ns()
            record_event(session, event, clock=clock, active=active)
            latencies.append(time.perf_counter_ns() - before)
    _report(f"{group} histories, record_event in a Session", timer.stop(len(events)), latencies)


class _Timer:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self, count: int) -> tuple[float, float]:
        """(events/s by the wall clock, CPU µs per event)."""
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        return count / wall, cpu / count * 1e6


def _report(label: str, rates: tuple[float, float], latencies: list[int] | None = None) -> None:
    rate, cpu = rates
    line = f"  {label:<45} {rate:>8,.0f} events/s   cpu {cpu:>5,.0f} µs/event"
    if latencies:
        ordered = sorted(latencies)
        p50 = statistics.median(ordered) / 1e3
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1e3
        line += f"   p50 {p50:,.0f} µs   p99 {p99:,.0f} µs"
    print(line, flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
