"""Round robin through the store: shares follow capacity with the state persisted, and
an absent rep is never chosen."""

from __future__ import annotations

from collections import Counter
from datetime import date

from leadflow.domain.facts import Facts
from leadflow.services.reps import add_absence
from leadflow.services.routing import route
from leadflow.store.driver import driver_for
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
