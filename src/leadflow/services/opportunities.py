"""Opportunities (deals): opened from an accepted lead, moved through their own stages,
closed won or lost with a reason.

    create_opportunity   from a lead whose hand-off sales accepted: amount, currency,
                         expected close date, products; it starts in the first stage of
                         ``handoff.opportunities.stages``
    move_opportunity     to another open stage
    win_opportunity      the contact becomes a customer (qualification moves it to the
                         definition's customer stage) and so does its account
                         (``account.customer`` true, ``account.customer_since``)
    lose_opportunity     a reason from ``handoff.opportunities.lost_reasons``; with
                         ``recycle_lost`` the contact goes back to nurture

Winning or losing closes the lead's work item: the deal was the end of the hand-off.
A deal imported from a CRM may belong to a company only (``contact_id`` NULL, see
``import_deals``): winning it makes the company a customer, and no lead moves.

One lead, one deal: a hand-off has at most one open deal opened from it
(``opportunity_details.handoff_id``). A contact may have several open deals all the same
(a renewal or another product in the CRM, imported): those neither keep the rep from
opening the lead's deal nor, when closed, end the hand-off while the lead's own deal is
still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.ingest.normalise import clean_text
from leadflow.services.definitions import active_definition
from leadflow.services.lifecycle_moves import recycle_lead
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.services.requalify import requalify_contacts
from leadflow.services.sales_work import (
    ACCEPT,
    acting_rep,
    close_work,
    live_work,
    record_breach_if_late,
)
from leadflow.store.models import (
    Account,
    Contact,
    Opportunity,
    OpportunityDetail,
    OpportunityStageChange,
    Rep,
)

__all__ = [
    "CLOSED_LOST",
    "CLOSED_WON",
    "Deal",
    "create_opportunity",
    "get_opportunity",
    "lose_opportunity",
    "move_opportunity",
    "win_opportunity",
]

CLOSED_WON = "closed_won"
CLOSED_LOST = "closed_lost"
_CURRENCY_LETTERS = 3
# The API's bounds for a day: a close date outside them is a typo (9999, 0001), and
# every report and forecast would carry it.
_EARLIEST_CLOSE, _LATEST_CLOSE = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Deal:
    opportunity: Opportunity
    detail: OpportunityDetail
    stage: str | None = None  # where the contact stands in the funnel afterwards


def create_opportunity(
    session: Session,
    contact_id: int,
    *,
    amount: float | None,
    currency: str | None,
    expected_close: date | None,
    products: Sequence[str] = (),
    name: str | None = None,
    rep: str | None,
    clock: Clock,
) -> Deal:
    now = clock.now()
    _check_expected_close(expected_close)
    config = active_definition(session).definition.handoff.opportunities
    work = live_work(session, contact_id)
    if work.handoff.status != "accepted":
        raise ConflictError(f"accept contact {contact_id}'s hand-off before opening a deal")
    held = _open_deal_of(session, work.handoff.id)
    if held is not None:
        raise ConflictError(
            f"contact {contact_id}'s hand-off has an open opportunity already ({held.id}):"
            " one deal per lead"
        )
    actor = acting_rep(session, work, rep)
    contact = session.get_one(Contact, contact_id)
    opportunity = Opportunity(
        contact_id=contact_id,
        account_id=contact.account_id,
        name=name,
        owner=actor.key,
        status="open",
        amount=_amount(amount),
        currency=_currency(currency),
        created_at=now,
    )
    session.add(opportunity)
    session.flush()
    first = config.stages[0]
    detail = OpportunityDetail(
        opportunity_id=opportunity.id,
        handoff_id=work.handoff.id,
        stage=first,
        expected_close=expected_close,
        products=[clean_text(product) for product in products if product.strip()],
        updated_at=now,
    )
    session.add(detail)
    _stage_change(session, opportunity.id, None, first, actor.key, now)
    done = requalify_contacts(session, [contact_id], clock=clock)
    session.commit()
    return Deal(opportunity, detail, done[0].stage)


def move_opportunity(
    session: Session, opportunity_id: int, stage: str, *, actor: str | None, clock: Clock
) -> Deal:
    stages = active_definition(session).definition.handoff.opportunities.stages
    if stage not in stages:
        raise InvalidInputError(
            f"unknown deal stage {stage!r} (stages: {', '.join(stages)})", field="stage"
        )
    deal = _open(session, opportunity_id)
    if deal.detail.stage == stage:
        raise ConflictError(f"opportunity {opportunity_id} is in {stage} already")
    actor = _actor(session, actor)
    now = clock.now()
    _stage_change(session, opportunity_id, deal.detail.stage, stage, actor, now)
    deal.detail.stage, deal.detail.updated_at = stage, now
    session.commit()
    return deal


def win_opportunity(
    session: Session, opportunity_id: int, *, reason: str | None, actor: str | None, clock: Clock
) -> Deal:
    now = clock.now()
    actor = _actor(session, actor)
    deal = _close(session, opportunity_id, "won", CLOSED_WON, actor, now)
    deal.detail.won_reason = reason
    _make_customer(session, deal.opportunity, now)
    contact_id = deal.opportunity.contact_id
    if contact_id is None:  # a company's deal imported from a CRM: no lead to move
        session.commit()
        return Deal(deal.opportunity, deal.detail)
    _close_work(session, deal, "won", f"deal won{': ' + reason if reason else ''}", actor, now)
    done = requalify_contacts(session, [contact_id], clock=clock)
    session.commit()
    return Deal(deal.opportunity, deal.detail, done[0].stage)


def lose_opportunity(
    session: Session,
    opportunity_id: int,
    *,
    reason: str,
    note: str | None = None,
    actor: str | None,
    clock: Clock,
) -> Deal:
    config = active_definition(session).definition.handoff.opportunities
    if reason not in config.lost_reasons:
        known = ", ".join(config.lost_reasons)
        raise InvalidInputError(
            f"unknown lost reason {reason!r} (reasons: {known})", field="reason"
        )
    now = clock.now()
    actor = _actor(session, actor)
    deal = _close(session, opportunity_id, "lost", CLOSED_LOST, actor, now)
    text = reason if not note else f"{reason}: {note}"
    deal.opportunity.lost_reason = text[:500]
    contact_id = deal.opportunity.contact_id
    if contact_id is None:  # a company's deal imported from a CRM: no lead to move
        session.commit()
        return Deal(deal.opportunity, deal.detail)
    _close_work(session, deal, "lost", f"deal lost: {text}", actor, now)
    done = requalify_contacts(session, [contact_id], clock=clock)
    stage = done[0].stage
    if config.recycle_lost and not _other_open_deal(session, contact_id):
        moved = recycle_lead(session, contact_id, f"deal lost: {text}", actor or "sales", now)
        stage = stage if moved is None else moved.to_stage
    session.commit()
    return Deal(deal.opportunity, deal.detail, stage)


def get_opportunity(session: Session, opportunity_id: int) -> Deal:
    opportunity = session.get(Opportunity, opportunity_id)
    detail = session.get(OpportunityDetail, opportunity_id)
    if opportunity is None or detail is None:
        raise NotFoundError(f"no opportunity with id {opportunity_id}")
    return Deal(opportunity, detail)


def _actor(session: Session, key: str | None) -> str | None:
    """The rep named as moving or closing a deal: one the team has, and still active (as
    for every other lead action); None records no one."""
    if key is None:
        return None
    rep = session.scalar(select(Rep).where(Rep.key == key))
    if rep is None:
        raise NotFoundError(f"no rep with key {key!r}")
    if not rep.active:
        raise ConflictError(f"rep {key!r} is deactivated: another rep must act (--rep / rep)")
    return rep.key


def _open(session: Session, opportunity_id: int) -> Deal:
    deal = get_opportunity(session, opportunity_id)
    if deal.opportunity.status != "open":
        raise ConflictError(f"opportunity {opportunity_id} is {deal.opportunity.status} already")
    return deal


def _close(
    session: Session, opportunity_id: int, status: str, stage: str, actor: str | None, now: datetime
) -> Deal:
    deal = _open(session, opportunity_id)
    _stage_change(session, opportunity_id, deal.detail.stage, stage, actor, now)
    deal.opportunity.status, deal.opportunity.closed_at = status, now
    deal.detail.stage, deal.detail.updated_at = stage, now
    return deal


def _other_open_deal(session: Session, contact_id: int) -> bool:
    """Whether another of the contact's deals is still open (the one just lost is not):
    a person with a deal in play is not sent back to nurture."""
    return (
        session.scalar(
            select(Opportunity.id)
            .where(Opportunity.contact_id == contact_id, Opportunity.status == "open")
            .limit(1)
        )
        is not None
    )


def _open_deal_of(session: Session, handoff_id: int) -> Opportunity | None:
    """The open deal opened from this hand-off (the CRM's deals name no hand-off)."""
    return session.scalar(
        select(Opportunity)
        .join(OpportunityDetail, OpportunityDetail.opportunity_id == Opportunity.id)
        .where(OpportunityDetail.handoff_id == handoff_id, Opportunity.status == "open")
    )


def _close_work(
    session: Session, deal: Deal, outcome: str, reason: str, actor: str | None, now: datetime
) -> None:
    """The deal was the end of the hand-off (if the lead came through one), unless the
    hand-off's own deal is still open: this one was another of the contact's (the
    CRM's). A hand-off nobody answered yet (the deal is the CRM's, imported while the
    lead waited) is answered by it: sales took the lead on in its CRM, so it is recorded
    accepted now, with the deal's outcome as the reason, and no longer waits for one."""
    assert deal.opportunity.contact_id is not None  # the callers handled a company's deal
    try:
        work = live_work(session, deal.opportunity.contact_id)
    except NotFoundError:  # a deal for a lead sales never held through leadflow
        return
    if _open_deal_of(session, work.handoff.id) is not None:
        return  # the lead's own deal goes on (this deal was closed above: not it)
    if work.handoff.status == "open":
        # Its SLA is read as for an answer given now and a lead closed untouched now, so
        # a breach does not depend on whether the sweep ran in between.
        record_breach_if_late(session, work, ACCEPT, now, done_at=now)
        work.handoff.status, work.handoff.answered_at = "accepted", now
        work.handoff.reason = reason[:500]
    close_work(session, work, outcome=outcome, reason=reason, actor=actor, now=now)


def _make_customer(session: Session, opportunity: Opportunity, now: datetime) -> None:
    account = (
        None if opportunity.account_id is None else session.get(Account, opportunity.account_id)
    )
    if account is None or account.attributes.get("customer") is True:
        return
    account.attributes = {**account.attributes, "customer": True, "customer_since": now.isoformat()}
    account.updated_at = now


def _stage_change(
    session: Session,
    opportunity_id: int,
    old: str | None,
    new: str,
    actor: str | None,
    now: datetime,
) -> None:
    session.add(
        OpportunityStageChange(
            opportunity_id=opportunity_id, from_stage=old, to_stage=new, at=now, actor=actor
        )
    )


def _amount(amount: float | None) -> float | None:
    if amount is not None and not 0 <= amount < 1e16:
        raise InvalidInputError(f"amount {amount} must be zero or more", field="amount")
    return amount


def _check_expected_close(day: date | None) -> None:
    if day is not None and not _EARLIEST_CLOSE <= day <= _LATEST_CLOSE:
        raise InvalidInputError(
            f"expected close date {day} must fall between 2000 and 2100", field="expected_close"
        )


def _currency(currency: str | None) -> str | None:
    if currency is None:
        return None
    code = currency.strip().upper()
    if len(code) != _CURRENCY_LETTERS or not code.isalpha():
        raise InvalidInputError(
            f"currency {currency!r} is not a three-letter ISO code (EUR, USD)", field="currency"
        )
    return code
