"""Who may act on a lead, and in whose calendar: answering a hand-off that already
ended, a rep acting for a colleague in another time zone, a rep who left."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.services.cadence import log_attempt
from leadflow.services.feedback import accept, reject
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.services.reps import set_active
from tests.integration.handoff.conftest import Desk


@pytest.fixture
def two_zones(desk: Desk) -> Desk:
    """A Berlin rep who gets German leads and a New York rep who gets American ones."""
    desk.team("dach", zone="Europe/Berlin")
    desk.team("north_america", zone="America/New_York")
    desk.rep("anna", "dach")
    desk.rep("nick", "north_america")
    return desk


def test_accepting_a_rejected_lead_is_a_conflict_naming_how_it_ended(two_zones: Desk) -> None:
    desk = two_zones
    contact_id = desk.lead("DE")
    reject(desk.session, contact_id, code="no_budget", note=None, rep=None, clock=desk.clock)

    with pytest.raises(ConflictError, match=r"last hand-off ended already \(rejected\)"):
        accept(desk.session, contact_id, rep="nick", clock=desk.clock)
    with pytest.raises(ConflictError, match="ended already"):
        log_attempt(
            desk.session, contact_id, channel="call", outcome="no_answer", rep=None,
            clock=desk.clock,
        )  # fmt: skip


def test_a_lead_never_handed_off_is_still_not_found(two_zones: Desk) -> None:
    desk = two_zones
    contact_id = desk.contact("DE")

    with pytest.raises(NotFoundError, match="has no hand-off in sales' hands"):
        accept(desk.session, contact_id, rep="anna", clock=desk.clock)


def test_a_colleague_accepting_counts_the_cadence_in_the_owners_calendar(
    two_zones: Desk,
) -> None:
    desk = two_zones
    # Monday 2 March 2026, 16:30 in Berlin (10:30 in New York): anna's day is nearly over.
    desk.clock.current = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    contact_id = desk.lead("DE")

    accept(desk.session, contact_id, rep="nick", clock=desk.clock)

    ((handoff, work),) = desk.handoffs(contact_id)
    assert handoff.owner == "anna"
    # 15 business days in Berlin end on Friday 20 March at 17:00 CET; counted in New York
    # they would end on Friday 20 March at 17:00 EDT (21:00 UTC).
    assert work.cadence_ends_at == datetime(2026, 3, 20, 16, 0, tzinfo=UTC)

    desk.later(minutes=5)  # 16:35 in Berlin: the first call, by the New York colleague
    state = log_attempt(
        desk.session, contact_id, channel="call", outcome="no_answer", rep="nick", clock=desk.clock
    )
    # Step 2 opens on business day 2: Tuesday 09:00 in Berlin, not 09:00 in New York.
    assert state.next_attempt_due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def test_a_deactivated_rep_may_not_claim_or_work_a_lead(two_zones: Desk) -> None:
    desk = two_zones
    contact_id = desk.lead("US")
    set_active(desk.session, "anna", False, desk.clock.now())

    with pytest.raises(ConflictError, match="'anna' is deactivated"):
        accept(desk.session, contact_id, rep="anna", clock=desk.clock)
    accept(desk.session, contact_id, rep="nick", clock=desk.clock)  # the owner may
