"""The recorder's summary cache under two writers and rollbacks: no event is ever lost.

Each EventRecorder keeps the summaries it wrote (services/summary_cache.py). When another
writer changes a contact's row meanwhile, or a transaction is rolled back, the cached
summary is stale; these tests make that happen and check that every stored event is
still folded into the stored state, exactly as a rebuild from the events gives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.domain.facts import Event, Facts
from leadflow.engine.qualify import qualify
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import EventRecorder, IncomingEvent, Recorded
from leadflow.store.models import Event as EventRow
from leadflow.store.models import Qualification
from tests.integration.services.conftest import START, activate

EMAIL = "ro@acme.example"
KINDS = [("page_view", {"url": "/pricing"}), ("email_click", {}), ("content_download", {})]


def _event(n: int) -> IncomingEvent:
    kind, properties = KINDS[n % len(KINDS)]
    at = START + timedelta(hours=n)
    return IncomingEvent(kind, at, key=f"k{n}", email=EMAIL, properties=properties)


@pytest.fixture
def active(engine: Engine) -> ActiveDefinition:
    with Session(engine) as session:
        return activate(session)


@pytest.fixture
def writers(engine: Engine, active: ActiveDefinition) -> Iterator[list[EventRecorder]]:
    recorders = [EventRecorder(engine, active, FixedClock(START)) for _ in range(2)]
    yield recorders
    for recorder in recorders:
        recorder.close()


def test_two_recorders_taking_turns_fold_every_event(
    engine: Engine, active: ActiveDefinition, writers: list[EventRecorder]
) -> None:
    first, second = writers
    for n in range(15):
        # first, first, second, ...: first's next summary is then sometimes its own
        # (a hit) and sometimes stale, because second wrote the row meanwhile.
        outcome = (second if n % 3 == 2 else first).record(_event(n))
        assert isinstance(outcome, Recorded)

    _assert_state_matches_the_events(engine, active, events=15)
    assert first.summaries.hits > 0
    assert first.summaries.misses > 1  # the stale entries, besides the very first event


def test_a_rolled_back_batch_leaves_no_stale_summary(
    engine: Engine, active: ActiveDefinition, writers: list[EventRecorder]
) -> None:
    recorder = writers[0]
    recorder.record_batch([_event(0), _event(1)])
    recorder.record_batch([_event(2), _event(3)], commit=False)  # cached, never committed
    recorder.rollback()

    recorder.record_batch([_event(4), _event(5)])

    _assert_state_matches_the_events(engine, active, events=4)


def _assert_state_matches_the_events(
    engine: Engine, active: ActiveDefinition, *, events: int
) -> None:
    with Session(engine) as session:
        rows = session.scalars(select(EventRow).order_by(EventRow.at)).all()
        stored = session.scalars(select(Qualification)).one()
        state = ActivitySummary.from_json(json.dumps(stored.state), active.definition)
    history = tuple(Event(row.type, row.at, row.properties) for row in rows)
    assert len(history) == events
    assert state.counts() == ActivitySummary.of(active.definition, history).counts()
    latest = max(event.at for event in history)
    full = qualify(Facts(contact={"email": EMAIL}, events=history), active.definition, latest)
    assert stored.engagement_score == pytest.approx(full.engagement.score, abs=1e-9)
