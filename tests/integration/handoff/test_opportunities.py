"""Opportunities: opened from accepted leads, own stages, won makes customers, lost recycles."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from leadflow.commands.handoff import _progress
from leadflow.services.cadence import close_lead, log_attempt, log_conversation
from leadflow.services.feedback import accept, reject
from leadflow.services.handoff_report import handoff_report
from leadflow.services.opportunities import (
    create_opportunity,
    lose_opportunity,
    move_opportunity,
    win_opportunity,
)
from leadflow.services.queue import queue
from leadflow.services.reassignment import deactivate_rep
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.services.reps import set_active
from leadflow.services.requalify import requalify_contacts
from leadflow.services.sla import check_sla
from leadflow.store.models import (
    Account,
    Contact,
    HandoffWork,
    Opportunity,
    OpportunityDetail,
    OpportunityStageChange,
    Qualification,
    Rejection,
    SlaBreach,
    StageTransition,
)
from tests.integration.handoff.conftest import Desk


@pytest.fixture
def interested(desk: Desk) -> tuple[Desk, int]:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    desk.later(hours=1)
    log_attempt(
        desk.session, contact_id, channel="call", outcome="connected", rep=None, clock=desk.clock
    )
    log_conversation(desk.session, contact_id, outcome="interested", rep=None, clock=desk.clock)
    return desk, contact_id


def _stage(desk: Desk, contact_id: int) -> str | None:
    return desk.session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )


def _open(desk: Desk, contact_id: int) -> int:
    desk.later(days=2)
    deal = create_opportunity(
        desk.session,
        contact_id,
        amount=42_000,
        currency="eur",
        expected_close=date(2026, 6, 30),
        products=["insights", " connect "],
        rep=None,
        clock=desk.clock,
    )
    assert deal.stage == "opportunity"
    return deal.opportunity.id


def test_a_deal_moves_through_its_stages_and_winning_makes_customers(
    interested: tuple[Desk, int],
) -> None:
    desk, contact_id = interested
    opportunity_id = _open(desk, contact_id)
    (item,) = queue(desk.session, desk.clock.now())
    assert item.next_action == "move the deal on (stage qualification)"

    move_opportunity(desk.session, opportunity_id, "proposal", actor="eva", clock=desk.clock)
    desk.later(days=20)
    won = win_opportunity(
        desk.session, opportunity_id, reason="best fit", actor="eva", clock=desk.clock
    )

    assert (won.opportunity.status, won.opportunity.currency) == ("won", "EUR")
    assert won.detail.products == ["insights", "connect"]
    assert won.detail.stage == "closed_won"
    assert won.stage == _stage(desk, contact_id) == "customer"
    contact = desk.session.get_one(Contact, contact_id)
    account = desk.session.get_one(Account, contact.account_id)
    assert account.attributes["customer"] is True
    moves = desk.session.execute(
        select(OpportunityStageChange.from_stage, OpportunityStageChange.to_stage).order_by(
            OpportunityStageChange.id
        )
    ).all()
    assert [tuple(m) for m in moves] == [
        (None, "qualification"),
        ("qualification", "proposal"),
        ("proposal", "closed_won"),
    ]
    assert queue(desk.session, desk.clock.now()) == []  # the work is done


def test_a_lost_deal_recycles_the_contact(interested: tuple[Desk, int]) -> None:
    desk, contact_id = interested
    opportunity_id = _open(desk, contact_id)

    lost = lose_opportunity(
        desk.session, opportunity_id, reason="price", note="too dear", actor="eva", clock=desk.clock
    )

    assert lost.opportunity.lost_reason == "price: too dear"
    assert lost.stage == _stage(desk, contact_id) == "nurture"


def _create(
    desk: Desk, contact_id: int, currency: str = "EUR", expected_close: date | None = None
) -> int:
    deal = create_opportunity(
        desk.session,
        contact_id,
        amount=1.0,
        currency=currency,
        expected_close=expected_close,
        rep=None,
        clock=desk.clock,
    )
    return deal.opportunity.id


def test_deal_rules_are_enforced(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()

    with pytest.raises(ConflictError, match=r"accept contact \d+'s hand-off before opening a deal"):
        _create(desk, contact_id)
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    with pytest.raises(InvalidInputError, match="three-letter ISO code"):
        _create(desk, contact_id, currency="euro")
    for absurd in (date(9999, 12, 31), date(1, 1, 1)):  # the API's bounds, for CLI and web too
        with pytest.raises(InvalidInputError, match=f"expected close date {absurd}"):
            _create(desk, contact_id, expected_close=absurd)
    opportunity_id = _create(desk, contact_id)
    with pytest.raises(ConflictError, match="open opportunity already"):
        _create(desk, contact_id)
    with pytest.raises(InvalidInputError, match="unknown deal stage 'signed'"):
        move_opportunity(desk.session, opportunity_id, "signed", actor=None, clock=desk.clock)
    with pytest.raises(InvalidInputError, match="unknown lost reason 'weather'"):
        lose_opportunity(
            desk.session, opportunity_id, reason="weather", actor=None, clock=desk.clock
        )
    win_opportunity(desk.session, opportunity_id, reason=None, actor=None, clock=desk.clock)
    with pytest.raises(ConflictError, match="is won already"):
        lose_opportunity(desk.session, opportunity_id, reason="price", actor=None, clock=desk.clock)


def _crm_deal(desk: Desk, contact_id: int, status: str, external_id: str) -> int:
    """A deal as ``leadflow import deals`` stores it: the CRM's id, no hand-off."""
    now = desk.clock.now()
    contact = desk.session.get_one(Contact, contact_id)
    deal = Opportunity(
        contact_id=contact_id,
        account_id=contact.account_id,
        external_id=external_id,
        owner="Hans in the CRM",
        status=status,
        amount=22_000,
        currency="EUR",
        created_at=now,
        closed_at=None if status == "open" else now,
    )
    desk.session.add(deal)
    desk.session.flush()
    stage = {"won": "closed_won", "lost": "closed_lost"}.get(status, "proposal")
    desk.session.add(OpportunityDetail(opportunity_id=deal.id, stage=stage, updated_at=now))
    requalify_contacts(desk.session, [contact_id], clock=desk.clock)
    desk.session.commit()
    return deal.id


def test_a_customer_the_crm_won_while_sales_worked_the_lead_stays_a_customer(desk: Desk) -> None:
    # The CRM's export brought a won deal for a lead sales held in leadflow. Closing the
    # lead, rejecting it or losing another deal must not send a customer to nurture
    # (marketing would mail a customer as a lead) or out of the funnel.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    closed, rejected, lost = desk.lead(), desk.lead(), desk.lead()
    accept(desk.session, closed, rep=None, clock=desk.clock)
    accept(desk.session, lost, rep=None, clock=desk.clock)
    for number, contact_id in enumerate((closed, rejected, lost)):
        _crm_deal(desk, contact_id, "won", f"crm-{number}")
        assert _stage(desk, contact_id) == "customer"
    upsell = _crm_deal(desk, lost, "open", "crm-upsell")
    desk.later(hours=1)

    work = close_lead(desk.session, closed, reason="unresponsive", rep=None, clock=desk.clock)
    answer = reject(desk.session, rejected, code="bad_fit", note=None, rep=None, clock=desk.clock)
    deal = lose_opportunity(desk.session, upsell, reason="price", actor=None, clock=desk.clock)

    assert not work.under_worked  # won in the CRM: nobody gave up on it
    assert answer.stage == deal.stage == "customer"

    assert [_stage(desk, c) for c in (closed, rejected, lost)] == ["customer"] * 3
    moves = desk.session.scalars(
        select(StageTransition.to_stage).where(
            StageTransition.contact_id.in_((closed, rejected, lost))
        )
    ).all()
    assert not {"nurture", "disqualified"} & set(moves)
    assert queue(desk.session, desk.clock.now()) == []  # sales is done with each of them


def test_closing_a_customers_lead_records_that_it_stays_a_customer(desk: Desk) -> None:
    # The customer is not recycled or disqualified (above), and the record must not say
    # it was: the work item, the API's answer and the command's line said "recycled".
    desk.team("benelux")
    desk.rep("eva", "benelux")
    kept, dropped = desk.lead(), desk.lead()
    for number, contact_id in enumerate((kept, dropped)):
        accept(desk.session, contact_id, rep=None, clock=desk.clock)
        _crm_deal(desk, contact_id, "won", f"crm-{number}")
    desk.later(hours=1)

    work = close_lead(desk.session, kept, reason="unresponsive", rep=None, clock=desk.clock)
    gone = close_lead(
        desk.session, dropped, reason="moved on", disqualify=True, rep=None, clock=desk.clock
    )

    assert (work.outcome, gone.outcome) == ("closed", "closed")
    items = desk.session.scalars(
        select(HandoffWork).where(HandoffWork.contact_id.in_((kept, dropped)))
    ).all()
    assert sorted(item.close_reason for item in items) == [
        "moved on (stays a customer)",
        "unresponsive (stays a customer)",
    ]
    assert _progress(work) == f"lead {kept}: 0 attempt(s), closed (stays a customer)"


def test_rejecting_a_customers_lead_records_no_recycling_or_disqualification(
    desk: Desk,
) -> None:
    # The reject reasons say recycle (no_budget) and disqualify (spam), and neither
    # happens to a customer (above); the stored rejection said it did, for the reports and
    # learning to read. The rejection itself (sales answered no, by that code) stands.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    recycled, disqualified = desk.lead(), desk.lead()
    for number, contact_id in enumerate((recycled, disqualified)):
        _crm_deal(desk, contact_id, "won", f"crm-{number}")
    desk.later(hours=1)

    reject(desk.session, recycled, code="no_budget", note=None, rep=None, clock=desk.clock)
    reject(desk.session, disqualified, code="spam", note=None, rep=None, clock=desk.clock)

    rows = desk.session.scalars(select(Rejection).order_by(Rejection.contact_id)).all()
    assert [(row.code, row.action) for row in rows] == [
        ("no_budget", "stays_customer"),
        ("spam", "stays_customer"),
    ]
    items = desk.session.scalars(
        select(HandoffWork)
        .where(HandoffWork.contact_id.in_((recycled, disqualified)))
        .order_by(HandoffWork.contact_id)
    ).all()
    assert [(item.outcome, item.close_reason) for item in items] == [
        ("rejected", "no_budget (stays a customer)"),
        ("rejected", "spam (stays a customer)"),
    ]
    (report,) = handoff_report(desk.session)
    assert (report.rejected, dict(report.rejected_by_reason)) == (2, {"no_budget": 1, "spam": 1})


def test_rejecting_a_lead_records_what_its_reason_does(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    recycled, disqualified = desk.lead(), desk.lead()

    reject(desk.session, recycled, code="no_budget", note=None, rep=None, clock=desk.clock)
    reject(desk.session, disqualified, code="spam", note=None, rep=None, clock=desk.clock)

    rows = desk.session.scalars(select(Rejection).order_by(Rejection.contact_id)).all()
    assert [row.action for row in rows] == ["recycle", "disqualify"]
    assert [_stage(desk, c) for c in (recycled, disqualified)] == ["nurture", "disqualified"]


def test_losing_an_imported_deal_ends_the_hand_off_nobody_answered(desk: Desk) -> None:
    # The CRM's open deal for a lead still waiting for sales' answer, lost by hand: the
    # hand-off ends as a rep's own lost deal ends it, and leaves the queue and the SLA.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    deal_id = _crm_deal(desk, contact_id, "open", "crm-open")
    desk.later(days=2)  # both SLA moments passed; the sweep has not run yet

    lose_opportunity(
        desk.session, deal_id, reason="price", note="too dear", actor="eva", clock=desk.clock
    )

    ((handoff, item),) = desk.handoffs(contact_id)
    assert (item.outcome, item.close_reason) == ("lost", "deal lost: price: too dear")
    assert item.closed_at == desk.clock.now()
    # Sales took the lead on in its CRM (the deal is there): answered, by the deal.
    assert (handoff.status, handoff.answered_at) == ("accepted", desk.clock.now())
    assert handoff.reason == "deal lost: price: too dear"
    assert queue(desk.session, desk.clock.now()) == []
    # Both promises were due before the deal answered the hand-off: recorded now, as a
    # sweep running in between would have, and never again.
    kinds = desk.session.scalars(select(SlaBreach.kind).order_by(SlaBreach.kind)).all()
    assert kinds == ["accept", "first_touch"]
    desk.later(days=3)
    assert check_sla(desk.session, desk.clock).breaches == []
    with pytest.raises(ConflictError, match="ended already"):
        accept(desk.session, contact_id, rep=None, clock=desk.clock)


def test_the_crms_open_deal_does_not_keep_the_rep_from_opening_the_leads_deal(
    desk: Desk,
) -> None:
    # A contact may have several open deals (a renewal in the CRM, the new product the
    # lead asked about); one lead has one deal. The CRM's open deal refused the rep's
    # ("has an open opportunity already"), and closing it must leave the rep's alone.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    renewal = _crm_deal(desk, contact_id, "open", "crm-renewal")

    ours = _create(desk, contact_id)
    with pytest.raises(ConflictError, match="open opportunity already"):
        _create(desk, contact_id)  # the lead's own deal is open: one per lead
    move_opportunity(desk.session, ours, "proposal", actor=None, clock=desk.clock)
    lose_opportunity(desk.session, renewal, reason="price", actor=None, clock=desk.clock)

    ((handoff, item),) = desk.handoffs(contact_id)
    assert (handoff.status, item.closed_at) == ("accepted", None)  # still the rep's
    (queued,) = queue(desk.session, desk.clock.now())
    assert queued.open_deal == "proposal"  # the lead's deal, not the CRM's
    desk.rep("max", "benelux")
    deactivate_rep(desk.session, "eva", desk.clock.now())  # the lead goes to max
    desk.session.commit()
    assert desk.session.get_one(Opportunity, ours).owner == "max"
    assert desk.session.get_one(Opportunity, renewal).owner == "Hans in the CRM"
    won = win_opportunity(desk.session, ours, reason=None, actor="max", clock=desk.clock)
    assert won.stage == "customer"
    assert desk.handoffs(contact_id)[0][1].outcome == "won"


def test_the_rep_moving_or_closing_a_deal_must_be_an_active_rep(desk: Desk) -> None:
    # Every other lead action refuses a rep key nobody has; a deal recorded any text as
    # the rep who moved it, won it or lost it, and a leaver could still close deals.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    desk.rep("max", "benelux")
    contact_id = desk.lead()
    accept(desk.session, contact_id, rep=None, clock=desk.clock)
    opportunity_id = _create(desk, contact_id)
    set_active(desk.session, "max", False, desk.clock.now())

    for actor, refusal in (("nobody", NotFoundError), ("max", ConflictError)):
        with pytest.raises(refusal, match=f"rep (with key )?{actor!r}"):
            move_opportunity(
                desk.session, opportunity_id, "proposal", actor=actor, clock=desk.clock
            )
        with pytest.raises(refusal, match=f"rep (with key )?{actor!r}"):
            win_opportunity(
                desk.session, opportunity_id, reason=None, actor=actor, clock=desk.clock
            )
        with pytest.raises(refusal, match=f"rep (with key )?{actor!r}"):
            lose_opportunity(
                desk.session, opportunity_id, reason="price", actor=actor, clock=desk.clock
            )
    moves = desk.session.scalars(
        select(OpportunityStageChange.actor).where(
            OpportunityStageChange.opportunity_id == opportunity_id
        )
    ).all()
    assert moves == ["eva"]  # only the opening: nothing a refused actor did was written
    move_opportunity(desk.session, opportunity_id, "proposal", actor="eva", clock=desk.clock)


def test_the_queue_says_a_lead_that_became_a_customer_is_one(desk: Desk) -> None:
    # The CRM won a deal while the lead waited in the queue: accepting it and calling
    # would be a sales call to a customer about their old enquiry. The queue says so and
    # names the way out that records it honestly (reject or close: they stay a customer).
    desk.team("benelux")
    desk.rep("eva", "benelux")
    waiting, worked, fresh = desk.lead(), desk.lead(), desk.lead()
    accept(desk.session, worked, rep=None, clock=desk.clock)
    _crm_deal(desk, waiting, "won", "crm-waiting")
    _crm_deal(desk, worked, "won", "crm-worked")
    desk.later(hours=1)

    items = {item.contact_id: item for item in queue(desk.session, desk.clock.now())}

    assert (items[waiting].customer, items[worked].customer) == (True, True)
    assert items[waiting].next_action == "reject: a customer now (they stay one)"
    assert items[worked].next_action == "close the lead: a customer now (they stay one)"
    assert not items[fresh].customer
    assert items[fresh].next_action == "accept or reject"
