"""The SLA sweep: breaches in business hours, recorded once, announced, re-assigned."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from leadflow.services.feedback import accept
from leadflow.services.outbox import SLA_BREACHED
from leadflow.services.reps import add_holidays
from leadflow.services.sla import check_sla
from leadflow.store.models import Assignment, OutboxMessage, SlaBreach
from tests.integration.handoff.conftest import START, Desk


def _breaches(desk: Desk) -> list[tuple[str, int]]:
    rows = desk.session.execute(
        select(SlaBreach.kind, SlaBreach.contact_id).order_by(SlaBreach.id)
    ).tuples()
    return list(rows)


def test_a_hand_off_left_waiting_breaches_accept_then_first_touch(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    desk.later(hours=3, minutes=59)
    assert check_sla(desk.session, desk.clock).breaches == []
    desk.later(minutes=2)
    first = check_sla(desk.session, desk.clock)
    desk.later(days=1)
    second = check_sla(desk.session, desk.clock)
    again = check_sla(desk.session, desk.clock)

    assert [b.kind for b in first.breaches] == ["accept"]
    assert [b.kind for b in second.breaches] == ["first_touch"]
    assert again.breaches == []
    assert _breaches(desk) == [("accept", contact_id), ("first_touch", contact_id)]
    messages = desk.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == SLA_BREACHED)
    ).all()
    assert [m.payload["kind"] for m in messages] == ["accept", "first_touch"]
    assert messages[0].payload["owner"] == "eva"


def test_the_clock_stops_at_the_weekend_and_on_holidays(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    add_holidays(desk.session, "benelux", [date(2026, 3, 9)])
    desk.later(days=4, hours=7)  # Friday 6 March 16:00 UTC, 17:00 in Amsterdam: closed
    contact_id = desk.lead()

    desk.later(days=3, hours=16)  # Tuesday 10 March 09:00 in Amsterdam (Monday a holiday)
    assert check_sla(desk.session, desk.clock).breaches == []
    desk.later(hours=4, seconds=1)
    assert [b.kind for b in check_sla(desk.session, desk.clock).breaches] == ["accept"]
    assert _breaches(desk) == [("accept", contact_id)]


def test_each_team_counts_in_its_own_time_zone(desk: Desk) -> None:
    desk.team("north_america", "America/New_York")
    desk.rep("ashley", "north_america")
    contact_id = desk.lead("US")  # 04:00 in New York: the clock starts at 09:00 there

    assignment = desk.session.scalars(
        select(Assignment).where(Assignment.contact_id == contact_id)
    ).one()
    assert assignment.accept_due_at == START.replace(hour=18)  # 13:00 EST


def test_with_reassign_on_breach_the_lead_goes_to_another_rep(desk: Desk) -> None:
    desk.reassign_on_breach()
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    desk.rep("piet", "benelux")

    desk.later(hours=5)
    sweep = check_sla(desk.session, desk.clock)

    assert sweep.reassigned == 1
    (breach,) = sweep.breaches
    assert breach.reassigned
    ((handoff, work),) = desk.handoffs(contact_id)
    assert handoff.owner == "piet"
    latest = desk.session.get(Assignment, work.assignment_id)
    assert latest is not None
    assert latest.rule == "Benelux territory"
    assert latest.reason.startswith("re-assigned: accept SLA breached")
    assert latest.accept_due_at == START.replace(day=3, hour=10)  # 2 h today, 2 h tomorrow
    # The new owner's clock is new: answering in time is no breach of theirs.
    desk.later(hours=1)
    assert not accept(desk.session, contact_id, rep=None, clock=desk.clock).late


def test_without_another_rep_the_lead_stays(desk: Desk) -> None:
    desk.reassign_on_breach()
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    desk.later(hours=5)
    sweep = check_sla(desk.session, desk.clock)

    assert sweep.reassigned == 0
    assert desk.handoffs(contact_id)[0][0].owner == "eva"
