"""Event recording for the API: pooled recorders and a short-lived active-definition cache.

The store's ``EventRecorder`` talks to the database driver directly on a connection of
its own, much cheaper per event than a SQLAlchemy Session. A recorder is not shared
between threads, so the API keeps a pool: a request borrows one, records, returns it.
A recorder whose connection failed is closed instead of returned.

The active definition is read at most once per ``ttl`` seconds (and at once after this
server activates a new version). A version activated by *another* process is picked up
within ``ttl``; the store notices the change of version and rebuilds what it must.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import Clock
from leadflow.services.definitions import ActiveDefinition, active_definition
from leadflow.services.events import EventRecorder, IncomingEvent, Outcome
from leadflow.store.driver import StoreError

__all__ = ["Recorders"]


class Recorders:
    def __init__(
        self,
        engine: Engine,
        reads: sessionmaker[Session],
        clock: Clock,
        *,
        ttl: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._reads = reads
        self._clock = clock
        self._ttl = ttl
        self._monotonic = monotonic
        self._idle: list[EventRecorder] = []
        self._lock = threading.Lock()
        self._active: tuple[ActiveDefinition, float] | None = None

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
        """Record ``batch`` in one transaction (one event: one commit of its own).

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
            return recorder.record_batch(batch)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for recorder in idle:
            recorder.close()

    @contextmanager
    def _borrowed(self) -> Iterator[EventRecorder]:
        with self._lock:
            recorder = self._idle.pop() if self._idle else None
        if recorder is None:
            recorder = EventRecorder(self._engine, self.active(), self._clock)
        try:
            yield recorder
        except BaseException:
            recorder.close()  # its connection may be unusable; the pool makes a new one
            raise
        with self._lock:
            self._idle.append(recorder)


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
