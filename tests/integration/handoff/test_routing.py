"""Round robin through the store: shares follow capacity with the state persisted, and
an absent rep is never chosen."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine, select

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.domain.facts import Facts
from leadflow.services.definitions import active_definition
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.services.reps import add_absence
from leadflow.services.routing import route
from leadflow.store.database import session_factory
from leadflow.store.driver import driver_for
from leadflow.store.models import Handoff
from leadflow.store.realtime_handoff import HandoffStatements
from tests.integration.handoff.conftest import START, Desk


def test_persisted_round_robin_gives_each_rep_its_capacity_share(desk: Desk) -> None:
    desk.team("benelux")
    capacities = {"eva": 5, "piet": 3, "anna": 2}
    for key, capacity in capacities.items():
        desk.rep(key, "benelux", capacity)
    add_absence(desk.session, "anna", date(2026, 3, 2), date(2026, 3, 2), "dentist")
    assert desk.active is not None
    config = desk.active.definition.handoff.routing
    facts = Facts(contact={"country": "NL"})
    chosen: Counter[str] = Counter()

    for day, rounds in ((START, 80), (START.replace(day=3), 200)):
        # A fresh statement object each time: nothing but the database carries the state.
        for _ in range(rounds):
            statements = HandoffStatements(driver_for(desk.session.connection()))
            routed = route(
                statements, config, contact_id=0, facts=facts, free_mail_domains=frozenset(),
                now=day,
            )  # fmt: skip
            assert routed.rep is not None
            assert routed.rule == "Benelux territory"
            chosen[f"{day.day}:{routed.rep.key}"] += 1

    assert chosen["2:anna"] == 0  # away on Monday
    assert (chosen["2:eva"], chosen["2:piet"]) == (50, 30)  # 5:3 of 80
    assert (chosen["3:eva"], chosen["3:piet"], chosen["3:anna"]) == (100, 60, 40)


def test_hand_offs_routed_at_once_on_several_connections_stay_fair(
    engine: Engine, backend: str
) -> None:
    """Four recorders hand off 40 leads at the same time: the pool's state is read and
    written by one at a time, so two equal reps get exactly 20 each."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time anyway")
    with session_factory(engine)() as session:
        desk = Desk(session, FixedClock(START))
        desk.activate(preset_text("waterfall"), "waterfall.yaml")
        desk.team("benelux")
        desk.rep("eva", "benelux", capacity=100)
        desk.rep("piet", "benelux", capacity=100)
        leads = [desk.contact("NL") for _ in range(40)]
        active = active_definition(session)

    def record(batch: list[int]) -> None:
        with EventRecorder(engine, active, FixedClock(START)) as recorder:
            for contact_id in batch:
                recorder.record(IncomingEvent("demo_request", START, contact_id=contact_id))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(record, [leads[i::4] for i in range(4)]))

    with session_factory(engine)() as session:
        owners = Counter(session.scalars(select(Handoff.owner)))
    assert owners == {"eva": 20, "piet": 20}
