"""A batch of events on PostgreSQL waits on two round trips an event, not three; an
event committed on its own on three, not four.

The recorder sends what nobody reads the answer of (the qualification's UPDATE, the
ledger) with the next statement it waits on (psycopg's pipeline mode). What must not
change with it: an error of such a statement, arriving later, still rolls the whole batch
back and reaches the caller as a StoreError; a visitor's history still counts the events
that joined the contact.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from psycopg.pq import Trace
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import EventRecorder, IncomingEvent, Recorded
from leadflow.store.driver import StoreError
from leadflow.store.models import Event as EventRow
from leadflow.store.models import Qualification
from tests.integration.services.conftest import START, activate

PEOPLE = 12
RECEIVED = FixedClock(START + timedelta(days=30))


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite runs in the process: no round trips to save")


@pytest.fixture
def active(engine: Engine) -> ActiveDefinition:
    with Session(engine) as session:
        return activate(session)


@pytest.fixture
def recorder(engine: Engine, active: ActiveDefinition) -> Iterator[EventRecorder]:
    with EventRecorder(engine, active, RECEIVED) as opened:
        opened.record_batch([_visit(n, 0) for n in range(PEOPLE)])  # the people exist
        yield opened


def _visit(person: int, hour: int, event_type: str = "page_view") -> IncomingEvent:
    return IncomingEvent(
        event_type,
        START + timedelta(hours=hour, minutes=person),
        key=f"p{person}-h{hour}",
        email=f"person{person}@acme.example",
    )


def _syncs(recorder: EventRecorder, action: Callable[[], object]) -> int:
    """How many times the client waited on the server during ``action`` (each wait ends
    what it sent with a Sync: libpq's protocol trace)."""
    pgconn = recorder._driver.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        try:
            action()
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode().splitlines()
    sent = [line.split("\t") for line in lines]
    return sum(1 for parts in sent if parts[:1] == ["F"] and parts[2] == "Sync")


def test_a_batch_waits_on_two_round_trips_an_event(
    recorder: EventRecorder, postgres_only: None
) -> None:
    batch = [_visit(n, 1, "pricing_page_view") for n in range(PEOPLE)]
    outcomes: list[object] = []

    waits = _syncs(recorder, lambda: outcomes.extend(recorder.record_batch(batch)))

    assert all(isinstance(outcome, Recorded) for outcome in outcomes)
    # The lock and the event's INSERT (which reads the person) are waited on; the
    # qualification's UPDATE goes with the next event's lock; then the commit.
    assert waits <= 2 * PEOPLE + 2, waits


def test_an_event_committed_on_its_own_waits_on_three_round_trips(
    recorder: EventRecorder, postgres_only: None
) -> None:
    waits = _syncs(recorder, lambda: recorder.record(_visit(0, 1, "pricing_page_view")))

    # The lock, the INSERT, then the qualification's UPDATE with the COMMIT (were four).
    assert waits == 3, waits


def test_the_batch_is_stored_as_one_event_at_a_time_would_store_it(
    engine: Engine, recorder: EventRecorder
) -> None:
    outcomes = recorder.record_batch(
        [_visit(n, 2, "demo_request") for n in range(PEOPLE)]
        + [_visit(n, 3, "pricing_page_view") for n in range(PEOPLE)]
    )

    recorded = [outcome for outcome in outcomes if isinstance(outcome, Recorded)]
    assert len(recorded) == 2 * PEOPLE
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(EventRow))
        assert stored == 3 * PEOPLE
        stages = dict(session.execute(select(Qualification.contact_id, Qualification.stage)).all())
    assert stages == {outcome.contact_id: outcome.stage for outcome in recorded[PEOPLE:]}


def test_an_error_that_arrives_late_rolls_the_whole_batch_back(
    engine: Engine, recorder: EventRecorder, postgres_only: None
) -> None:
    with Session(engine) as session:
        victim = session.scalar(select(func.max(Qualification.contact_id)))
        stored_before = session.scalar(select(func.count()).select_from(EventRow))
    # The qualification's UPDATE is the statement nobody waits on: make it fail for the
    # batch's last person, after the earlier people's events were written.
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION refuse_update() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by a trigger'; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE UPDATE ON qualifications FOR EACH ROW "
                f"WHEN (OLD.contact_id = {int(victim or 0)}) EXECUTE FUNCTION refuse_update()"
            )
        )

    with pytest.raises(StoreError, match="refused by a trigger"):
        recorder.record_batch([_visit(n, 4) for n in range(PEOPLE)])

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(EventRow)) == stored_before
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse ON qualifications"))
    again = recorder.record_batch([_visit(n, 5) for n in range(PEOPLE)])  # still usable
    assert all(isinstance(outcome, Recorded) for outcome in again)


def test_a_visitor_identifying_in_a_batch_counts_its_joined_history(
    recorder: EventRecorder,
) -> None:
    anonymous = [
        IncomingEvent(
            "page_view", START + timedelta(hours=6, minutes=n), key=f"v{n}", visitor_id="visitor-7"
        )
        for n in range(3)
    ]
    identified = IncomingEvent(
        "form_submit",
        START + timedelta(hours=7),
        key="v-form",
        visitor_id="visitor-7",
        email="new.person@acme.example",
    )

    outcomes = recorder.record_batch([*anonymous, identified])

    last = outcomes[-1]
    assert isinstance(last, Recorded)
    assert last.contact_created
    assert last.joined_events == 3
