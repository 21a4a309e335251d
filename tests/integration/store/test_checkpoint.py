"""WAL checkpoints on a thread of their own (store/checkpoint.py), with real SQLite files."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.events import EventRecorder, IncomingEvent, Recorded
from leadflow.store.checkpoint import SQLITE_DEFAULT_THRESHOLD, WRITER_THRESHOLD, Checkpointer
from tests.integration.services.conftest import START, activate


def _events(count: int, offset: int = 0) -> list[IncomingEvent]:
    return [
        IncomingEvent(
            "page_view",
            START + timedelta(minutes=n),
            key=f"c{offset + n}",
            email=f"p{n % 40}@acme.example",
            properties={"url": "/pricing"},
        )
        for n in range(count)
    ]


def test_for_engine_is_none_on_postgresql(engine: Engine, backend: str) -> None:
    checkpointer = Checkpointer.for_engine(engine)
    if backend == "postgresql":
        assert checkpointer is None
        with pytest.raises(ValueError, match="only SQLite"):
            Checkpointer(engine)
        return
    assert checkpointer is not None
    checkpointer.close()
    checkpointer.close()  # idempotent


def test_the_thread_checkpoints_what_recorders_commit(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("WAL checkpoints are SQLite's")
    with Session(engine) as session:
        active = activate(session)
    checkpointer = Checkpointer(engine, events_per_checkpoint=20, idle_seconds=0.05)
    with (
        checkpointer,
        EventRecorder(engine, active, FixedClock(START), checkpointer=checkpointer) as rec,
    ):
        # The recorder's own commits checkpoint only as a backstop now.
        assert rec._driver.scalar("PRAGMA wal_autocheckpoint") == WRITER_THRESHOLD
        for event in _events(100):
            assert isinstance(rec.record(event), Recorded)
        rec.record_batch(_events(20, offset=100))
        # Wait for the thread to copy every committed frame into the database file:
        # twice, so that the second checkpoint seen surely began after the last commit.
        for _ in range(2):
            checkpointer.last = None
            deadline = time.monotonic() + 20
            while checkpointer.last is None and time.monotonic() < deadline:
                time.sleep(0.01)
        assert checkpointer.error is None
        assert checkpointer.checkpoints >= 1
        assert _all_copied(checkpointer.last)
        # The database file alone, without its WAL, holds every committed event.
        assert _events_in_file_alone(engine) == 120
    # Back in the pool, the connection checkpoints by itself again.
    with engine.connect() as connection:
        level = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert level == SQLITE_DEFAULT_THRESHOLD


def test_checkpoint_now_and_a_recorder_owning_its_thread(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("WAL checkpoints are SQLite's")
    with Session(engine) as session:
        active = activate(session)
    with EventRecorder(engine, active, FixedClock(START)) as recorder:  # starts its own
        owned = recorder._checkpointer
        assert owned is not None
        recorder.record_batch(_events(50))
        busy, frames, copied = owned.checkpoint_now()
        assert (busy, copied) == (0, frames)
        assert _events_in_file_alone(engine) == 50
    assert owned._thread is None  # stopped with the recorder


def _all_copied(result: tuple[int, int, int] | None) -> bool:
    return result is not None and result[0] == 0 and result[1] > 0 and result[2] == result[1]


def _events_in_file_alone(engine: Engine) -> int:
    database = engine.url.database
    assert database is not None
    copy = Path(database).with_name("copy.db")
    copy.write_bytes(Path(database).read_bytes())
    try:
        with closing(sqlite3.connect(copy)) as connection:
            count: int = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        copy.unlink()
    return count
