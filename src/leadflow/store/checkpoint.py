"""SQLite WAL checkpoints off the committing thread.

In WAL mode a commit appends the changed pages to the ``-wal`` file and returns; a
*checkpoint* later copies them into the database file and syncs both files. By default
SQLite runs it inside whichever commit pushes the WAL past 1,000 pages, so one event in
a hundred waited for two ``fsync`` calls (the p99 of 16 ms with a commit per event).

A ``Checkpointer`` runs those checkpoints on a thread and a connection of its own, in
``PASSIVE`` mode: it copies what no reader still needs and never blocks the writer nor
the readers. A writer that uses it tells it how many events it committed (``committed``)
and raises its own automatic checkpoint to a backstop (``WRITER_THRESHOLD``): only when
the thread falls far behind does a commit checkpoint by itself again, so the WAL cannot
grow without bound. Durability is unchanged: a commit is durable against a crash of the
process when it returns (``synchronous=NORMAL``), whoever checkpoints it later.

PostgreSQL needs none of this; ``for_engine`` answers ``None`` for it.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine

__all__ = ["Checkpointer"]

# Events committed between two wake-ups of the thread: at about ten WAL pages per event
# committed alone, a checkpoint about every 1,000 pages, SQLite's own default.
EVENTS_PER_CHECKPOINT = 100
# The writer's own automatic checkpoint, a backstop only (SQLite's default is 1,000
# pages): 10,000 pages of 4 KiB bound the WAL at about 40 MiB should the thread lag.
WRITER_THRESHOLD = 10_000
SQLITE_DEFAULT_THRESHOLD = 1_000
# Even without news from a writer, look every so often (other writers, a burst's end).
IDLE_SECONDS = 1.0


class Checkpointer:
    """One thread and connection checkpointing one SQLite database. Thread-safe."""

    def __init__(
        self,
        engine: Engine,
        *,
        events_per_checkpoint: int = EVENTS_PER_CHECKPOINT,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        if engine.dialect.name != "sqlite":
            raise ValueError("only SQLite databases need a checkpointer")
        self._engine = engine
        self._every = max(1, events_per_checkpoint)
        self._idle = idle_seconds
        self._pending = 0  # events since the last wake-up (approximate: no lock)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # checkpoints that found frames to copy
        self.last: tuple[int, int, int] | None = None  # (busy, WAL frames, frames copied)
        self.error: BaseException | None = None  # what stopped the thread, if anything

    @classmethod
    def for_engine(cls, engine: Engine) -> Checkpointer | None:
        """A started checkpointer for a SQLite engine; None for other databases."""
        if engine.dialect.name != "sqlite":
            return None
        checkpointer = cls(engine)
        checkpointer.start()
        return checkpointer

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="leadflow-wal-checkpoint", daemon=True
                )
                self._thread.start()

    def committed(self, events: int = 1) -> None:
        """A writer committed ``events`` events: wake the thread every
        ``events_per_checkpoint`` of them (a commit of one event writes about ten pages).

        Called on the hot path, so it is a counter and, now and then, an Event.set().
        """
        self._pending += events
        if self._pending >= self._every:
            self._pending = 0
            self._wake.set()

    def checkpoint_now(self) -> tuple[int, int, int]:
        """Checkpoint on the caller's thread, PASSIVE: (busy, WAL frames, frames copied)."""
        handle = self._engine.raw_connection()
        try:
            return _passive(handle.driver_connection)
        finally:
            handle.close()

    def close(self) -> None:
        """Stop the thread after a last checkpoint; idempotent."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        thread.join()

    def __enter__(self) -> Checkpointer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        try:
            handle = self._engine.raw_connection()
        except BaseException as error:  # kept for the owner; writers backstop
            self.error = error
            return
        try:
            connection = handle.driver_connection
            while True:
                self._wake.wait(self._idle)
                self._wake.clear()
                self._count(_passive(connection))
                if self._stop.is_set():
                    return
        except BaseException as error:  # the writers' backstop takes over
            self.error = error
        finally:
            handle.close()

    def _count(self, result: tuple[int, int, int]) -> None:
        if result != self.last and result[1] > 0:
            self.checkpoints += 1
        self.last = result


def _passive(connection: Any) -> tuple[int, int, int]:
    cursor = connection.cursor()
    try:
        busy, log, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        cursor.close()
    return int(busy), int(log), int(copied)
