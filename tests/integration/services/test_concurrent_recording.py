"""Two writers recording at once: each key stored once, one contact per e-mail, no lost fold."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import EventRecorder, IncomingEvent, Outcome, Recorded
from leadflow.store.models import Contact, Event, Qualification
from tests.integration.services.conftest import START, activate

EVENTS = [
    IncomingEvent(
        "page_view",
        START + timedelta(minutes=n),
        key=f"k{n}",
        email=f"p{n % 5}@acme.example",
        properties={"url": "/pricing"},
    )
    for n in range(160)
]


def _concurrently(
    engine: Engine, active: ActiveDefinition, work: Sequence[Sequence[IncomingEvent]]
) -> list[list[Outcome]]:
    outcomes: list[list[Outcome]] = [[] for _ in work]
    failures: list[BaseException] = []

    def write(slot: int) -> None:
        try:
            with EventRecorder(engine, active, FixedClock(START)) as recorder:
                outcomes[slot] = [recorder.record(event) for event in work[slot]]
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=(slot,)) for slot in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    return outcomes


def test_the_same_events_from_two_writers_are_stored_once(engine: Engine) -> None:
    with Session(engine) as session:
        active = activate(session)

    first, second = _concurrently(engine, active, [EVENTS, EVENTS])

    assert all(isinstance(outcome, Recorded) for outcome in first + second)
    assert [_event_id(o) for o in first] == [_event_id(o) for o in second]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == len(EVENTS)
        assert session.scalar(select(func.count()).select_from(Contact)) == 5


def test_events_of_one_person_from_two_writers_are_all_folded(engine: Engine) -> None:
    with Session(engine) as session:
        active = activate(session)

    _concurrently(engine, active, [EVENTS[0::2], EVENTS[1::2]])

    with Session(engine) as session:
        for state in session.scalars(select(Qualification.state)):
            summary = ActivitySummary.from_json(json.dumps(state), active.definition)
            folded = max(summary.counts().values())
            assert folded == len(EVENTS) // 5  # every page view of that person, none lost


def _event_id(outcome: Outcome) -> int:
    assert isinstance(outcome, Recorded)
    return outcome.event_id
