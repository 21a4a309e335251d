"""Event recording for the API: group commit, pooled recorders, a cached active definition.

The store's ``EventRecorder`` talks to the database driver directly on a connection of
its own, much cheaper per event than a SQLAlchemy Session. A recorder is not shared
between threads, so the API keeps a pool: a writer borrows one, records, returns it.
A recorder whose connection failed is closed instead of returned.

**Group commit.** Requests do not record their events themselves: they queue them and
wait. A writer thread takes every request waiting (up to ``max_group`` events) and
records them in *one* transaction with one commit, then answers each request with its
own outcomes. Under concurrent load that turns eight commits into one (and spares each
request a hop through the thread pool); alone, a request is a group of one. Nothing
is answered before the commit has returned, so an acknowledged event is durable, and
each request's events still commit together or not at all. Should a group fail (a
database error), it is rolled back whole and each of its requests is recorded again
on its own, so one request's trouble never becomes another's. SQLite has one writer
at a time anyway, so it gets one writer thread; PostgreSQL gets ``POSTGRES_WRITERS``.

The active definition is read at most once per ``ttl`` seconds (and at once after this
server activates a new version). A version activated by *another* process is picked up
within ``ttl``; the store notices the change of version and rebuilds what it must.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import Clock
from leadflow.services.definitions import ActiveDefinition, active_definition
from leadflow.services.events import EventRecorder, IncomingEvent, Outcome
from leadflow.store.checkpoint import Checkpointer
from leadflow.store.driver import StoreError

__all__ = ["Recorders"]

# Events one group may hold: a group is one transaction, and the requests in it wait for
# all of it. A batch larger than this is a group of its own.
MAX_GROUP_EVENTS = 2_000
POSTGRES_WRITERS = 4


@dataclass(slots=True)
class _Job:
    events: Sequence[IncomingEvent]
    done: Future[list[Outcome]]


class Recorders:
    def __init__(
        self,
        engine: Engine,
        reads: sessionmaker[Session],
        clock: Clock,
        *,
        ttl: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        max_group: int = MAX_GROUP_EVENTS,
        writers: int | None = None,
    ) -> None:
        self._engine = engine
        self._reads = reads
        self._clock = clock
        self._ttl = ttl
        self._monotonic = monotonic
        self._idle: list[EventRecorder] = []
        self._lock = threading.Lock()
        self._active: tuple[ActiveDefinition, float] | None = None
        # One WAL checkpoint thread for all the pooled recorders (SQLite; store/checkpoint.py).
        self._checkpointer: Checkpointer | None = None
        # Group commit: requests waiting to be recorded, and the writer threads.
        self._jobs: deque[_Job] = deque()
        self._waiting = threading.Condition(threading.Lock())
        self._writers: list[threading.Thread] = []
        self._stopping = False  # close() is under way: writers leave once the queue is empty
        self._max_group = max(1, max_group)
        sqlite = engine.dialect.name == "sqlite"
        self._writer_count = writers or (1 if sqlite else POSTGRES_WRITERS)
        self.groups = 0  # groups committed (a test and the curious can see grouping work)

    def active(self) -> ActiveDefinition:
        """The active definition (NoActiveDefinitionError when there is none)."""
        cached = self._active
        if cached is not None and cached[1] > self._monotonic():
            return cached[0]
        with self._reads() as session:
            found = active_definition(session)
        self._active = (found, self._monotonic() + self._ttl)
        return found

    def forget_active(self) -> None:
        self._active = None

    def record(self, batch: Sequence[IncomingEvent]) -> list[Outcome]:
        """Record ``batch`` in the next group commit and wait for it (a thread may block)."""
        return self._submit(batch).result()

    async def record_async(self, batch: Sequence[IncomingEvent]) -> list[Outcome]:
        """Record ``batch`` in the next group commit; the event loop is free meanwhile."""
        return await asyncio.wrap_future(self._submit(batch))

    def _submit(self, batch: Sequence[IncomingEvent]) -> Future[list[Outcome]]:
        done: Future[list[Outcome]] = Future()
        with self._waiting:
            if len(self._writers) < self._writer_count:
                self._start_writers()
            self._jobs.append(_Job(batch, done))
            self._waiting.notify()
        return done

    def _start_writers(self) -> None:
        while len(self._writers) < self._writer_count:
            thread = threading.Thread(
                target=self._write, name=f"leadflow-events-{len(self._writers)}", daemon=True
            )
            self._writers.append(thread)
            thread.start()

    def _write(self) -> None:
        """A writer thread: take what waits, record it as one group, answer; again."""
        while True:
            with self._waiting:
                while not self._jobs:
                    if self._stopping:  # leave the list under the lock: _submit counts it
                        self._writers.remove(threading.current_thread())
                        return
                    self._waiting.wait()
                group = self._take_group()
            self._record_group(group)

    def _take_group(self) -> list[_Job]:
        """The next group: waiting requests in order, up to ``max_group`` events.

        A request whose caller gave up (its future was cancelled) is left out; the others
        are marked running, so they can no longer be cancelled half way.
        """
        jobs = self._jobs
        group: list[_Job] = []
        size = 0
        while jobs and (not group or size + len(jobs[0].events) <= self._max_group):
            job = jobs.popleft()
            if job.done.set_running_or_notify_cancel():
                group.append(job)
                size += len(job.events)
        return group

    def _record_group(self, group: list[_Job]) -> None:
        if not group:
            return
        if len(group) == 1:
            _answer(group[0], self.record_now)
            return
        try:
            outcomes = self.record_now([event for job in group for event in job.events])
        except Exception as error:  # the group was rolled back whole: each request alone
            if _gave_up_waiting(error):
                # Held by a rescore (or SQLite's other writer): alone, each would wait as
                # long again. A lost connection is tried again alone, on a new one.
                for job in group:
                    job.done.set_exception(error)
                return
            for job in group:
                _answer(job, self.record_now)
            return
        except BaseException as error:
            for job in group:
                job.done.set_exception(error)
            raise
        start = 0
        for job in group:
            end = start + len(job.events)
            job.done.set_result(outcomes[start:end])
            start = end

    def record_now(self, batch: Sequence[IncomingEvent]) -> list[Outcome]:
        """Record ``batch`` in one transaction on this thread, now (a group's work).

        Events are recorded in the order of the people they name (stable, so one
        person's events keep theirs): concurrent batches then lock contacts in the same
        order and cannot deadlock on them. A deadlock or serialisation failure that
        happens anyway rolled the whole batch back, so it is simply run again.
        """
        order = sorted(range(len(batch)), key=lambda index: _lock_key(batch[index]))
        ordered = [batch[index] for index in order]
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                outcomes = self._record(ordered)
                break
            except StoreError as error:
                if attempt == _ATTEMPTS or not _transient(error):
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        answers: list[Outcome] = list(outcomes)
        for position, index in enumerate(order):
            answers[index] = outcomes[position]
        return answers

    def _record(self, batch: Sequence[IncomingEvent]) -> list[Outcome]:
        active = self.active()
        with self._borrowed() as recorder:
            recorder.active = active
            outcomes = recorder.record_batch(batch)
        self.groups += 1
        return outcomes

    def close(self) -> None:
        """Record what is queued, stop the writers, close the recorders and connections.

        Not final: a request after it starts a writer again (each ``TestClient`` of an
        app runs the app's shutdown when it closes, and others may still be sending).
        """
        with self._waiting:
            self._stopping = True
            self._waiting.notify_all()
            writers = list(self._writers)
        for thread in writers:
            thread.join()
        with self._waiting:
            self._stopping = False
        with self._lock:
            idle, self._idle = self._idle, []
            checkpointer, self._checkpointer = self._checkpointer, None
        for recorder in idle:
            recorder.close()
        if checkpointer is not None:
            checkpointer.close()

    def _shared_checkpointer(self) -> Checkpointer | None:
        with self._lock:
            if self._checkpointer is None:
                self._checkpointer = Checkpointer.for_engine(self._engine)
            return self._checkpointer

    @contextmanager
    def _borrowed(self) -> Iterator[EventRecorder]:
        with self._lock:
            recorder = self._idle.pop() if self._idle else None
        if recorder is None:
            recorder = EventRecorder(
                self._engine,
                self.active(),
                self._clock,
                checkpointer=self._shared_checkpointer(),
                answers_busy=True,  # 503 after a few seconds, rather than hang (rescore)
            )
        try:
            yield recorder
        except BaseException:
            recorder.close()  # its connection may be unusable; the pool makes a new one
            raise
        with self._lock:
            self._idle.append(recorder)


def _answer(job: _Job, record: Callable[[Sequence[IncomingEvent]], list[Outcome]]) -> None:
    """Record one request's events in a transaction of their own, and answer it."""
    try:
        outcomes = record(job.events)
    except BaseException as error:  # the request's handler raises it
        job.done.set_exception(error)
        return
    job.done.set_result(outcomes)


def _gave_up_waiting(error: Exception) -> bool:
    """The database answers, but a lock was not granted in time: PostgreSQL's
    lock_not_available (the recorder's lock_timeout), SQLite's "database is locked"."""
    cause = error.__cause__ if isinstance(error, StoreError) else None
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        return True
    return isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause)


# PostgreSQL's "try again" states: deadlock_detected, serialization_failure.
_RETRYABLE = frozenset({"40P01", "40001"})
_ATTEMPTS = 3


def _transient(error: StoreError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in _RETRYABLE


def _lock_key(event: IncomingEvent) -> tuple[str, str]:
    if event.contact_id is not None:
        return ("contact", str(event.contact_id))
    if event.email is not None:
        return ("email", event.email.strip().lower())
    return ("visitor", event.visitor_id or "")
