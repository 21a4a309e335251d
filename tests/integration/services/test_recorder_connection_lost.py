"""A recorder whose connection the database dropped (a restart, a fail-over) closes quietly.

The API closes such a recorder and records the next group on a new connection. Closing
it tried to roll back on the dead connection, raised, and the pool's own reset of it
logged "Exception during reset or similar" with three chained tracebacks, once for each
of the server's recorders, in the middle of an outage the log already reports.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.store.driver import StoreError
from tests.integration.services.conftest import START, activate


def _event(number: int) -> IncomingEvent:
    return IncomingEvent(
        "page_view", START + timedelta(minutes=number), key=f"k{number}", email="ann@acme.example"
    )


def test_a_recorder_whose_connection_was_dropped_closes_without_a_logged_traceback(
    engine: Engine, backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    with Session(engine) as session:
        active = activate(session)
    recorder = EventRecorder(engine, active, FixedClock(START))
    recorder.record(_event(1))
    backend_pid = recorder._driver.connection.info.backend_pid
    with engine.begin() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
    with pytest.raises(StoreError):
        recorder.record(_event(2))

    with caplog.at_level(logging.DEBUG, logger="sqlalchemy.pool"):
        recorder.close()

    assert [record.getMessage() for record in caplog.records if record.exc_info] == []
    with EventRecorder(engine, active, FixedClock(START)) as again:  # the pool's next one works
        again.record(_event(3))
