"""Crash test: an importer killed with SIGKILL at random moments loses no acknowledged event.

A child process imports an events file in batches and writes to a pipe the line numbers
of each batch right after its commit returned: those events are *acknowledged*. The test
kills it (SIGKILL, no clean-up of any kind) at random moments, restarts it on the same
file, and finally lets it finish. Then every line is stored exactly once, every
acknowledged one included, and each contact's stored qualification state agrees with its
stored events (no transaction was half applied).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import SystemClock
from leadflow.domain.facts import Event as DomainEvent
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import active_definition
from leadflow.services.event_import import import_events
from leadflow.services.events import EventRecorder, Outcome
from leadflow.store.database import make_engine
from leadflow.store.models import Event, Qualification
from tests.integration.services.conftest import activate

EVENTS = 1500
KILLS = 3


def _import_and_acknowledge(url: str, path: Path, batch: int, out: int) -> None:
    """The child: import ``path``; after each commit, write the batch's line numbers."""
    engine = make_engine(url)
    with Session(engine) as session:
        active = active_definition(session)

    def acknowledge(outcomes: Sequence[tuple[int, Outcome]]) -> None:
        os.write(out, (" ".join(str(line) for line, _ in outcomes) + "\n").encode())

    with EventRecorder(engine, active, SystemClock()) as recorder:
        import_events(path, recorder, batch_size=batch, on_committed=acknowledge)
    os.write(out, b"done\n")


def _events_file(path: Path) -> Path:
    chance = random.Random(11)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    kinds = ["page_view", "email_open", "email_click", "content_download", "demo_request"]
    with path.open("w") as out:
        for number in range(EVENTS):
            person = chance.randrange(200)
            line = {
                "id": f"ev-{number}",
                "type": chance.choice(kinds),
                "at": (start + timedelta(minutes=number)).isoformat(),
                "properties": {"url": "/pricing", "asset": "datasheet.pdf"},
            }
            if person % 4 == 0:
                line["visitor_id"] = f"visitor-{person}"
                if chance.random() < 0.1:
                    line["email"] = f"person{person}@acme.example"
            else:
                line["email"] = f"person{person}@acme.example"
            out.write(json.dumps(line) + "\n")
    return path


class _Child:
    """The importer in a forked process (no interpreter start-up to wait for), its
    acknowledged line numbers read from a pipe on a thread."""

    def __init__(self, url: str, path: Path, batch: int) -> None:
        self.acknowledged: list[int] = []
        self.finished = False
        reading, writing = os.pipe()
        context = multiprocessing.get_context("fork")
        self.process = context.Process(
            target=_import_and_acknowledge, args=(url, path, batch, writing), daemon=True
        )
        self.process.start()
        os.close(writing)
        self._stream = os.fdopen(reading, "r")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._stream:
            if not line.endswith("\n"):
                break  # cut off by the kill: not an acknowledgement
            if line.strip() == "done":
                self.finished = True
            else:
                self.acknowledged.extend(int(word) for word in line.split())

    def kill_after(self, lines: int, chance: random.Random) -> None:
        """SIGKILL once ``lines`` lines are acknowledged, a few random milliseconds later
        (inside the next batch as often as between two). Counting lines, not time: a
        child resuming a file skips the stored lines fast, and one killed after a random
        delay could finish first on a quick machine."""
        deadline = time.monotonic() + 30
        while len(self.acknowledged) < lines and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(chance.uniform(0.0, 0.02))
        self.process.kill()  # SIGKILL
        self.process.join(timeout=30)
        self._reader.join(timeout=30)
        self._stream.close()

    def finish(self) -> None:
        self.process.join(timeout=120)
        self._reader.join(timeout=30)
        self._stream.close()


@pytest.mark.slow
def test_every_acknowledged_event_survives_sigkill_exactly_once(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        activate(session)
    path = _events_file(tmp_path / "events.jsonl")
    chance = random.Random(5)
    acknowledged: set[int] = set()
    killed = 0
    for _ in range(KILLS):
        child = _Child(database_url, path, batch=chance.choice([1, 7, 50]))
        # Past what earlier children stored, and well before the end (3 x 300 < EVENTS).
        child.kill_after(len(acknowledged) + chance.randrange(1, 300), chance)
        killed += child.process.exitcode == -signal.SIGKILL
        acknowledged.update(child.acknowledged)

    last = _Child(database_url, path, batch=100)
    last.finish()

    assert killed == KILLS
    assert last.process.exitcode == 0
    assert last.finished
    assert acknowledged  # the kills happened after commits, not before any
    _assert_stored_once(engine, acknowledged)
    _assert_states_match_events(engine)


def _assert_stored_once(engine: Engine, acknowledged: set[int]) -> None:
    with Session(engine) as session:
        keys = session.scalars(select(Event.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == EVENTS
    assert {f"ev-{line - 1}" for line in acknowledged} <= set(keys)


def _assert_states_match_events(engine: Engine) -> None:
    """Each stored summary counts exactly the contact's stored events, slot by slot."""
    with Session(engine) as session:
        definition = active_definition(session).definition
        counts = dict(
            session.execute(select(Event.contact_id, func.count()).group_by(Event.contact_id)).all()
        )
        for qualification in session.scalars(select(Qualification)):
            events = session.scalars(
                select(Event).where(Event.contact_id == qualification.contact_id)
            ).all()
            rebuilt = ActivitySummary.of(
                definition, (DomainEvent(e.type, e.at, e.properties) for e in events)
            )
            stored = ActivitySummary.from_json(json.dumps(qualification.state), definition)
            assert stored.counts() == rebuilt.counts()
            assert counts[qualification.contact_id] == len(events)
