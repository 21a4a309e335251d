"""A rep's queue: the leads sales holds, each with why it was handed off and what is next.

Sales-stage leads are one-to-one: each has an owner and a next action, shown here:

    open (not answered)          accept or reject, due by the accept SLA
    a customer now               reject (open) or close (accepted): they stay a customer
    accepted, not reached yet    the cadence's next attempt (channel, attempt n of m, due)
    reached, no deal yet         book a meeting or send a quote (open an opportunity)
    deal open                    move the deal on from its stage

Ordered by what is due first; overdue items are flagged. ``rep`` None lists every
rep's queue, ``unassigned`` the hand-offs nobody was available for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from leadflow.definition.model import StageKind
from leadflow.domain.cadence import next_step
from leadflow.services.definitions import active_definition
from leadflow.services.refusals import InvalidInputError
from leadflow.services.reps import get_rep
from leadflow.services.sales_work import (
    WITHDRAWN,
    cadence_steps,
    team_calendar,
    withdrawn_channels,
)
from leadflow.store.models import (
    Assignment,
    Consent,
    Contact,
    Handoff,
    HandoffWork,
    Opportunity,
    OpportunityDetail,
    Qualification,
    Rep,
)

__all__ = ["QueueItem", "queue", "queue_item"]


@dataclass(frozen=True, slots=True)
class QueueItem:
    contact_id: int
    handoff_id: int
    rep: str | None
    email: str | None
    name: str
    company: str | None
    status: str  # open | accepted
    handed_off_at: datetime
    rule: str | None  # the routing rule that chose the owner
    trigger: str | None
    why: tuple[str, ...]
    attempts: int
    next_action: str
    due_at: datetime | None
    overdue: bool
    open_deal: str | None = None  # the stage of its open opportunity: it has one already
    customer: bool = False  # a customer now (a deal won meanwhile, the CRM's included)
    phone: str | None = None  # None too when they withdrew phone consent or it bounced


def queue(
    session: Session, now: datetime, *, rep: str | None = None, unassigned: bool = False
) -> list[QueueItem]:
    if rep is not None and unassigned:  # else one of them would be dropped without a word
        raise InvalidInputError("ask for one rep's queue or the unassigned one, not both")
    query = _query()
    if rep is not None:
        query = query.where(HandoffWork.rep_id == get_rep(session, rep).id)
    elif unassigned:
        query = query.where(HandoffWork.rep_id.is_(None))
    deals = _open_deals(session)
    rows = [_replanned(session, row) for row in session.execute(query).tuples()]
    contact_ids = [row[2].id for row in rows]
    customers = _customers(session, contact_ids)
    no_calls = _no_calls(session, contact_ids)
    items = [_item(row, deals, customers, no_calls, now) for row in rows]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda item: (item.due_at or far, item.handoff_id))


def queue_item(session: Session, contact_id: int, now: datetime) -> QueueItem | None:
    """The contact's item as the queue shows it (the same next action and due moment),
    or None when sales holds no live work item for it."""
    query = _query().where(Contact.id == contact_id).order_by(Handoff.at.desc()).limit(1)
    row = session.execute(query).tuples().first()
    if row is None:
        return None
    deals = _open_deals(session, contact_id)
    customers, no_calls = _customers(session, [contact_id]), _no_calls(session, [contact_id])
    return _item(_replanned(session, row), deals, customers, no_calls, now)


_Row = tuple[Handoff, HandoffWork, Contact, Assignment | None, Rep | None]


def _query() -> Select[tuple[Handoff, HandoffWork, Contact, Assignment, Rep]]:
    # Assignment and Rep come from outer joins: None for an unassigned hand-off.
    return (
        select(Handoff, HandoffWork, Contact, Assignment, Rep)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .join(Contact, Contact.id == Handoff.contact_id)
        .outerjoin(Assignment, Assignment.id == HandoffWork.assignment_id)
        .outerjoin(Rep, Rep.id == HandoffWork.rep_id)
        .where(HandoffWork.closed_at.is_(None))
    )


def _replanned(session: Session, row: _Row) -> _Row:
    """The row with its next step planned again when the person withdrew consent for
    (or bounced on) the channel planned at the last attempt: the queue must not send a
    rep to a call or e-mail that ``log_attempt`` would refuse. Not written: the next
    attempt logged plans from the consent of its moment, as this does."""
    handoff, work, contact, assignment, rep = row
    if work.next_channel is None or rep is None:
        return row
    withdrawn = {channel.value for channel in withdrawn_channels(session, contact.id)}
    if work.next_channel not in withdrawn:
        return row
    config = active_definition(session).definition.handoff.cadence
    step = next_step(cadence_steps(session, contact.id, config), work.attempts)
    session.expunge(work)  # a corrected copy for the reader, never flushed
    if step is None:
        work.next_channel = work.next_attempt_due_at = None
    else:
        accepted = work.accepted_at or handoff.at
        work.next_channel = step.channel.value
        work.next_attempt_due_at = team_calendar(session, rep.team_id).day_open(accepted, step.day)
    return handoff, work, contact, assignment, rep


def _open_deals(session: Session, contact_id: int | None = None) -> dict[int, str]:
    """Contact id -> stage of its open deal (a company's deal imported from a CRM names
    no contact: no queue item has it), of every contact or of one. A contact with several
    (the CRM's and the one the rep opened from the lead) shows the rep's: read last, it
    wins."""
    query = (
        select(Opportunity.contact_id, OpportunityDetail.stage)
        .join(OpportunityDetail, OpportunityDetail.opportunity_id == Opportunity.id)
        .where(Opportunity.status == "open", Opportunity.contact_id.is_not(None))
        .order_by(OpportunityDetail.handoff_id.is_not(None), Opportunity.id)
    )
    if contact_id is not None:
        query = query.where(Opportunity.contact_id == contact_id)
    rows = session.execute(query).tuples()
    return {contact: stage for contact, stage in rows.all() if contact is not None}


def _customers(session: Session, contact_ids: list[int]) -> set[int]:
    """Those of the contacts whose stored stage is a customer stage of the active
    definition: sales would be calling a customer about an old enquiry."""
    if not contact_ids:
        return set()
    stages = active_definition(session).definition.stages
    customer_stages = [stage.id for stage in stages if stage.kind is StageKind.CUSTOMER]
    query = select(Qualification.contact_id).where(
        Qualification.contact_id.in_(contact_ids), Qualification.stage.in_(customer_stages)
    )
    return set(session.scalars(query))


def _no_calls(session: Session, contact_ids: list[int]) -> set[int]:
    """Those of the contacts who withdrew phone consent (or whose number bounced): the
    queue shows no number to dial for them, as ``log_attempt`` refuses their calls."""
    if not contact_ids:
        return set()
    query = select(Consent.contact_id).where(
        Consent.contact_id.in_(contact_ids),
        Consent.channel == "phone",
        Consent.status.in_(WITHDRAWN),
    )
    return set(session.scalars(query))


def _item(
    row: _Row, deals: dict[int, str], customers: set[int], no_calls: set[int], now: datetime
) -> QueueItem:
    handoff, work, contact, assignment, rep = row
    customer = contact.id in customers
    action, due = _next_action(handoff, work, assignment, deals.get(contact.id), customer)
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    return QueueItem(
        contact_id=contact.id,
        handoff_id=handoff.id,
        rep=None if rep is None else rep.key,
        email=contact.email,
        name=name or (contact.email or f"contact {contact.id}"),
        company=contact.company,
        status=handoff.status,
        handed_off_at=handoff.at,
        rule=None if assignment is None else assignment.rule,
        trigger=work.trigger,
        why=tuple(work.why),
        attempts=work.attempts,
        next_action=action,
        due_at=due,
        overdue=due is not None and due < now,
        open_deal=deals.get(contact.id),
        customer=customer,
        phone=None if contact.id in no_calls else contact.phone,
    )


def _next_action(
    handoff: Handoff,
    work: HandoffWork,
    assignment: Assignment | None,
    deal: str | None,
    customer: bool,
) -> tuple[str, datetime | None]:
    accept_due = None if assignment is None else assignment.accept_due_at
    # A customer's rejection or closing records that they stay one (services.feedback,
    # services.cadence); accepting and calling would chase a customer about an old enquiry.
    if handoff.status == "open":
        action = "reject: a customer now (they stay one)" if customer else "accept or reject"
        return action, accept_due
    if deal is not None:  # a new deal with a customer (an upsell) is worked as any deal
        return f"move the deal on (stage {deal})", None
    if customer:
        return "close the lead: a customer now (they stay one)", None
    if work.connected:
        return "book a meeting or send a quote (open an opportunity)", None
    if work.next_channel is None:
        return "close the lead (the cadence has no step left)", None
    return f"{work.next_channel} (attempt {work.attempts + 1})", work.next_attempt_due_at
