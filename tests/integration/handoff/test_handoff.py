"""A lead that becomes sales-ready is handed off in the same transaction, routed by the
definition's rules, with the explanation as marketing's "why"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from leadflow.definition.builtin import preset_text
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.events import IncomingEvent, record_event
from leadflow.services.pending_handoffs import hand_off_pending
from leadflow.services.queue import queue
from leadflow.services.refusals import InvalidInputError
from leadflow.services.reps import add_absence, own_account, set_capacity
from leadflow.services.routing import FALLBACK_RULE, UNASSIGNED_RULE
from leadflow.store.models import Assignment, Qualification
from tests.integration.handoff.conftest import START, Desk


def _assignment(desk: Desk, contact_id: int) -> Assignment:
    return desk.session.scalars(
        select(Assignment).where(Assignment.contact_id == contact_id).order_by(Assignment.id)
    ).one()


def test_a_sales_ready_lead_goes_to_its_territory_team_with_the_why(desk: Desk) -> None:
    desk.team("benelux")
    desk.team("dach", "Europe/Berlin")
    desk.rep("eva", "benelux")
    desk.rep("sophie", "dach")

    recorded = desk.event(desk.contact("NL"))

    ((handoff, work),) = desk.handoffs(recorded.contact_id or 0)
    assert recorded.sales_ready
    assert handoff.owner == "eva"
    assert handoff.status == "open"
    assert handoff.at == START
    assert _assignment(desk, handoff.contact_id).rule == "Benelux territory"
    assert work.trigger == "demo_request"
    assert any("sales-ready" in line for line in work.why), work.why
    assert any("fit" in line.casefold() for line in work.why), work.why
    # Accept within 4 business hours from 10:00 Amsterdam, first touch within 8.
    assignment = _assignment(desk, handoff.contact_id)
    assert assignment.accept_due_at == START + timedelta(hours=4)
    assert assignment.touch_due_at == START + timedelta(days=1)  # 7 h Monday, 1 h Tuesday
    (item,) = queue(desk.session, START, rep="eva")
    assert item.next_action == "accept or reject"
    assert item.why == tuple(work.why)
    assert item.rule == "Benelux territory"


def test_the_why_names_the_events_that_counted_not_every_type_a_rule_names(
    desk: Desk,
) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.contact("NL")
    desk.event(contact_id, "page_view", url="https://acme.example/pricing")
    desk.later(hours=2)

    desk.event(contact_id)  # the demo request hands it off

    ((_handoff, work),) = desk.handoffs(contact_id)
    why = "\n".join(work.why)
    assert "+30.00 sales action: demo_request, 0.0 days ago, decay 1.000" in why
    assert "pricing page visit: page_view url=https://acme.example/pricing, 0.1 days ago" in why
    assert "trial_start" not in why  # a type the rule names but nobody did
    assert " x " not in why  # no per-rule counts: the events themselves


def test_a_lead_that_is_not_sales_ready_is_not_handed_off(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.contact("NL")

    desk.event(contact_id, "page_view", url="https://x.example/pricing")

    assert desk.handoffs(contact_id) == []


def test_a_sales_action_that_arrives_after_its_window_is_not_handed_off_now(desk: Desk) -> None:
    # An export of the marketing tool's history, or a tool that sends late: the demo
    # request is older than sales_actions.within_days (30) when leadflow learns of it.
    # Handing it off now put months-old requests in the queue as fresh leads with a
    # 4-hour SLA (583 of them importing a demo world's events into a new workspace).
    desk.team("benelux")
    desk.rep("eva", "benelux")
    stale, late = desk.contact("NL"), desk.contact("NL")
    desk.later(days=40)

    for contact_id, age in ((stale, 31), (late, 29)):
        happened = desk.clock.now() - timedelta(days=age)
        incoming = IncomingEvent(
            "demo_request", happened, contact_id=contact_id, properties={}, source="test"
        )
        record_event(desk.session, incoming, clock=desk.clock, active=desk.active)

    assert desk.handoffs(stale) == []
    ((handoff, _),) = desk.handoffs(late)  # still within the window now: sales' to answer
    assert handoff.at == desk.clock.now()
    assert hand_off_pending(desk.session, desk.clock, dry_run=True) == []


def test_a_lead_whose_only_sales_action_is_past_its_window_is_not_sales_ready_now(
    desk: Desk,
) -> None:
    # The late demo request hands nobody off (above), and the lead must not stand in
    # the sales-ready stage either, with nobody holding it: its stored verdict, its
    # stage and the explanation the API and the lead page recompute now all agree.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    stale = desk.contact("NL")
    desk.later(days=40)
    happened = desk.clock.now() - timedelta(days=31)
    incoming = IncomingEvent(
        "demo_request", happened, contact_id=stale, properties={}, source="test"
    )
    record_event(desk.session, incoming, clock=desk.clock, active=desk.active)

    stored = desk.session.get(Qualification, stale)
    assert stored is not None
    assert (stored.sales_ready, stored.stage) == (False, "mql")
    assert stored.lead_type == "srl"  # it did ask for sales once: the kind of lead it is
    recomputed = qualify_contact(desk.session, stale, desk.clock.now()).qualification
    assert (recomputed.sales_ready, recomputed.stage) == (False, "mql")
    assert recomputed.sales_ready_reason == (
        "last sales action demo_request was 31.0 days ago (> 30)"
    )
    assert any("31.0 days ago (> 30)" in line for line in recomputed.explanation)
    assert desk.handoffs(stale) == []


def test_a_second_sales_action_while_sales_holds_the_lead_makes_no_second_hand_off(
    desk: Desk,
) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead("NL")

    desk.later(hours=1)
    desk.event(contact_id, "quote_request")

    assert len(desk.handoffs(contact_id)) == 1


def test_the_owner_of_a_named_account_gets_its_leads_unless_away(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    desk.rep("piet", "benelux")
    account = desk.account("bigco.example")
    own_account(desk.session, "piet", "www.BigCo.example", START)

    first = desk.lead("NL", account=account)
    add_absence(desk.session, "piet", date(2026, 3, 2), date(2026, 3, 6), "holiday")
    second = desk.lead("NL", account=account)

    assert desk.handoffs(first)[0][0].owner == "piet"
    assert _assignment(desk, first).rule == "named account"
    assert desk.handoffs(second)[0][0].owner == "eva"
    assert _assignment(desk, second).rule == "Benelux territory"


def test_a_segment_rule_before_territories_takes_big_companies(desk: Desk) -> None:
    desk.team("benelux")
    desk.team("enterprise")
    desk.rep("eva", "benelux")
    desk.rep("ent", "enterprise")

    big = desk.lead("NL", employees=8000)
    small = desk.lead("NL", employees=300)

    assert (desk.handoffs(big)[0][0].owner, _assignment(desk, big).rule) == (
        "ent",
        "enterprise segment",
    )
    assert desk.handoffs(small)[0][0].owner == "eva"


def test_full_reps_are_skipped_and_the_fallback_takes_any_rep(desk: Desk) -> None:
    desk.team("benelux")
    desk.team("nordics", "Europe/Oslo")
    desk.rep("eva", "benelux", capacity=1)
    desk.rep("silje", "nordics")

    first = desk.lead("NL")
    second = desk.lead("NL")  # eva holds one lead: she is full

    assert desk.handoffs(first)[0][0].owner == "eva"
    assert desk.handoffs(second)[0][0].owner == "silje"
    assert _assignment(desk, second).rule == FALLBACK_RULE
    set_capacity(desk.session, "eva", 0, START)
    assert desk.handoffs(desk.lead("NL"))[0][0].owner == "silje"


def test_with_nobody_available_the_hand_off_waits_unassigned(desk: Desk) -> None:
    contact_id = desk.lead("NL")

    ((handoff, work),) = desk.handoffs(contact_id)
    assert handoff.owner is None
    assert work.rep_id is None
    assert _assignment(desk, contact_id).rule == UNASSIGNED_RULE
    assert _assignment(desk, contact_id).accept_due_at is None
    (item,) = queue(desk.session, START, unassigned=True)
    assert item.contact_id == contact_id


def test_fallback_unassigned_leaves_unmatched_leads_to_be_claimed(desk: Desk) -> None:
    text = preset_text("waterfall").replace('version: "1"', 'version: "2"', 1)
    desk.activate(text.replace("fallback: any_rep", "fallback: unassigned"))
    desk.team("benelux")
    desk.rep("eva", "benelux")

    contact_id = desk.lead("US")

    assert desk.handoffs(contact_id)[0][0].owner is None


def test_one_reps_queue_and_the_unassigned_queue_are_not_asked_at_once(desk: Desk) -> None:
    # `leadflow queue --rep eva --unassigned` showed eva's queue and dropped --unassigned
    # without a word (GET /queue?rep=eva&unassigned=true too).
    desk.team("benelux")
    desk.rep("eva", "benelux")
    desk.lead()
    with pytest.raises(InvalidInputError, match="one rep's queue or the unassigned one"):
        queue(desk.session, START, rep="eva", unassigned=True)
