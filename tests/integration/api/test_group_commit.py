"""Group commit of concurrent requests' events (api/recording.py), on a real database.

A writer thread records every request waiting as one transaction. These tests hold
the writer on a first request so that others queue up behind it, deterministically.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.api.recording import Recorders
from leadflow.domain.clock import FixedClock
from leadflow.services.events import IncomingEvent, Outcome, Recorded
from leadflow.store.database import session_factory
from leadflow.store.models import Event as EventRow
from tests.integration.services.conftest import START, activate

POISON = "poison"


class _HeldRecorders(Recorders):
    """Recorders whose first group waits for ``release``; a group holding an event of
    source ``poison`` fails as a database error would (the transaction is not begun)."""

    def __init__(self, engine: Engine) -> None:
        # One writer thread (PostgreSQL would get several): the groups are then certain.
        super().__init__(engine, session_factory(engine), FixedClock(START), writers=1)
        self.started = threading.Event()
        self.release = threading.Event()
        self.group_sizes: list[int] = []

    def record_now(self, batch: Sequence[IncomingEvent]) -> list[Outcome]:
        if not self.started.is_set():
            self.started.set()
            self.release.wait(10)
        self.group_sizes.append(len(batch))
        if any(event.source == POISON for event in batch):
            raise RuntimeError("this group cannot be stored")
        return super().record_now(batch)


@pytest.fixture
def recorders(engine: Engine) -> Iterator[_HeldRecorders]:
    with Session(engine) as session:
        activate(session)
    held = _HeldRecorders(engine)
    yield held
    held.release.set()
    held.close()


def _event(n: int, source: str = "api") -> IncomingEvent:
    return IncomingEvent(
        "page_view",
        START + timedelta(minutes=n),
        key=f"g{n}",
        source=source,
        email=f"p{n % 3}@acme.example",
        properties={"url": "/pricing"},
    )


def _stored(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(EventRow)) or 0


def test_requests_waiting_together_commit_together_and_each_gets_its_outcomes(
    engine: Engine, recorders: _HeldRecorders
) -> None:
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(recorders.record, [_event(0)])
        assert recorders.started.wait(10)
        # While the writer is held on the first request, five more queue up.
        waiting = [
            pool.submit(recorders.record, [_event(n), _event(n + 100)]) for n in (1, 2, 3, 4, 5)
        ]
        recorders.release.set()
        answers = [first.result(10)] + [future.result(10) for future in waiting]

    assert recorders.group_sizes == [1, 10]  # one commit for the five waiting requests
    assert recorders.groups == 2
    for answer in answers[1:]:
        assert len(answer) == 2
        assert all(isinstance(outcome, Recorded) and not outcome.duplicate for outcome in answer)
    keys = {
        outcome.event_id
        for answer in answers
        for outcome in answer
        if isinstance(outcome, Recorded)
    }
    assert len(keys) == 11
    assert _stored(engine) == 11


def test_a_failing_group_is_recorded_again_request_by_request(
    engine: Engine, recorders: _HeldRecorders
) -> None:
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(recorders.record, [_event(0)])
        assert recorders.started.wait(10)
        good = pool.submit(recorders.record, [_event(1)])
        bad = pool.submit(recorders.record, [_event(2, source=POISON)])
        also_good = pool.submit(recorders.record, [_event(3)])
        _wait_queued(recorders, 3)
        recorders.release.set()
        first.result(10)

        assert isinstance(good.result(10)[0], Recorded)
        assert isinstance(also_good.result(10)[0], Recorded)
        with pytest.raises(RuntimeError, match="cannot be stored"):
            bad.result(10)

    # The group of three failed whole; then each request ran alone.
    assert recorders.group_sizes == [1, 3, 1, 1, 1]
    assert _stored(engine) == 3


def test_a_request_given_up_before_its_turn_is_not_recorded(
    engine: Engine, recorders: _HeldRecorders
) -> None:
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(recorders.record, [_event(0)])
        assert recorders.started.wait(10)
        abandoned: Future[list[Outcome]] = recorders._submit([_event(1)])
        assert abandoned.cancel()  # the client went away (asyncio cancels the future)
        kept = recorders._submit([_event(2)])
        recorders.release.set()
        first.result(10)
        assert isinstance(kept.result(10)[0], Recorded)

    assert _stored(engine) == 2


def test_close_records_what_is_queued_and_a_later_request_starts_a_writer_again(
    engine: Engine, recorders: _HeldRecorders
) -> None:
    first = recorders._submit([_event(0)])
    assert recorders.started.wait(10)
    queued = recorders._submit([_event(1)])
    closing = threading.Thread(target=recorders.close)
    closing.start()
    recorders.release.set()
    closing.join(10)

    assert not closing.is_alive()
    assert isinstance(first.result(10)[0], Recorded)
    assert isinstance(queued.result(10)[0], Recorded)
    assert recorders._writers == []
    # An app's shutdown is not the end of the Recorders: each TestClient runs it.
    assert isinstance(recorders.record([_event(3)])[0], Recorded)
    assert _stored(engine) == 3


def _wait_queued(recorders: Recorders, count: int) -> None:
    for _ in range(1000):
        if len(recorders._jobs) >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} requests never queued")
