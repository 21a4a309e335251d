"""Everything the lead page shows about one contact, read in one place.

    identity       the contact, its account, its consents in force and every consent
                   decision on record, newest first (its history)
    qualification  the stored state (stage, since when, recycled or disqualified and why)
                   and the verdict recomputed now with its explanation: every fit rule
                   and every engagement point with its event, age and decay
    bant           the stated BANT facts, newest first, with their evidence and author
    timeline       events, stage transitions, hand-offs, attempts and conversations,
                   newest first (the latest ``TIMELINE_LIMIT`` of each kind)
    sales          the live hand-off with its work item, and the opportunities

Recomputing at ``now`` is what makes the explanation true today: engagement fades, so
the list's stored score (computed at the last activity) can be higher than this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.qualification import Qualification as Verdict
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.queue import QueueItem, queue_item
from leadflow.services.refusals import NotFoundError
from leadflow.store.models import (
    Account,
    BantFact,
    Consent,
    ConsentDecision,
    Contact,
    Conversation,
    Event,
    Handoff,
    HandoffWork,
    Opportunity,
    Qualification,
    Rep,
    SalesAttempt,
    StageTransition,
)

__all__ = ["TIMELINE_LIMIT", "LeadCard", "TimelineEntry", "lead_card"]

TIMELINE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # event | transition | handoff | attempt | conversation
    title: str  # the event type, the stage moved to, the attempt's channel ...
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LeadCard:
    contact: Contact
    account: Account | None
    consents: tuple[Consent, ...]
    consent_history: tuple[ConsentDecision, ...]  # newest first
    stored: Qualification | None
    verdict: Verdict | None  # None: the contact has never been qualified
    bant: tuple[BantFact, ...]
    timeline: tuple[TimelineEntry, ...]
    handoff: Handoff | None  # the latest hand-off
    work: HandoffWork | None  # its work item (the queue's side)
    queued: QueueItem | None  # as the queue shows it, while sales works it: next action
    opportunities: tuple[Opportunity, ...]
    owner: str | None = None  # the contact's owner, else the latest hand-off's
    owner_name: str | None = None  # the rep's name, when the owner is one of the reps


def lead_card(session: Session, contact_id: int, now: datetime) -> LeadCard:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    stored = session.get(Qualification, contact_id)
    handoff = session.scalar(
        select(Handoff).where(Handoff.contact_id == contact_id).order_by(Handoff.at.desc())
    )
    owner = contact.owner or (handoff.owner if handoff else None)
    return LeadCard(
        contact=contact,
        account=None if contact.account_id is None else session.get(Account, contact.account_id),
        consents=_all(session, select(Consent).where(Consent.contact_id == contact_id)),
        consent_history=_all(
            session,
            select(ConsentDecision)
            .where(ConsentDecision.contact_id == contact_id)
            .order_by(ConsentDecision.at.desc(), ConsentDecision.id.desc()),
        ),
        stored=stored,
        verdict=None if stored is None else qualify_contact(session, contact_id, now).qualification,
        bant=_all(
            session,
            select(BantFact).where(BantFact.contact_id == contact_id).order_by(BantFact.at.desc()),
        ),
        timeline=_timeline(session, contact_id),
        handoff=handoff,
        work=None if handoff is None else session.get(HandoffWork, handoff.id),
        queued=None if handoff is None else queue_item(session, contact_id, now),
        opportunities=_all(
            session, select(Opportunity).where(Opportunity.contact_id == contact_id)
        ),
        owner=owner,
        owner_name=_rep_name(session, owner),
    )


def _rep_name(session: Session, key: str | None) -> str | None:
    """The rep's name for an owner key (as the leads list shows it); None for others."""
    return None if key is None else session.scalar(select(Rep.name).where(Rep.key == key))


def _all(session: Session, query: Any) -> tuple[Any, ...]:
    return tuple(session.scalars(query))


def _latest(model: Any, contact_id: int) -> Any:
    return (
        select(model)
        .where(model.contact_id == contact_id)
        # Rows of one instant newest first too (an imported CRM's entry and the move its
        # deal made at that same moment): the sort below keeps this order among equals.
        .order_by(model.at.desc(), model.id.desc())
        .limit(TIMELINE_LIMIT)
    )


def _timeline(session: Session, contact_id: int) -> tuple[TimelineEntry, ...]:
    entries = [
        *(_event(row) for row in session.scalars(_latest(Event, contact_id))),
        *(_transition(row) for row in session.scalars(_latest(StageTransition, contact_id))),
        *(_handoff(row) for row in session.scalars(_latest(Handoff, contact_id))),
        *(_attempt(row) for row in session.scalars(_latest(SalesAttempt, contact_id))),
        *(_conversation(row) for row in session.scalars(_latest(Conversation, contact_id))),
    ]
    return tuple(sorted(entries, key=lambda entry: entry.at, reverse=True))


def _event(row: Event) -> TimelineEntry:
    return TimelineEntry(row.at, "event", row.type, dict(row.properties or {}))


def _transition(row: StageTransition) -> TimelineEntry:
    detail = {"from": row.from_stage, "rule": row.rule, "actor": row.actor, "reason": row.reason}
    return TimelineEntry(row.at, "transition", row.to_stage, _present(detail))


def _handoff(row: Handoff) -> TimelineEntry:
    detail = {"owner": row.owner, "status": row.status, "reason": row.reason}
    return TimelineEntry(row.at, "handoff", row.status, _present(detail))


def _attempt(row: SalesAttempt) -> TimelineEntry:
    detail = {"outcome": row.outcome, "rep": row.rep, "note": row.note}
    return TimelineEntry(row.at, "attempt", row.channel, _present(detail))


def _conversation(row: Conversation) -> TimelineEntry:
    detail = {"rep": row.rep, "note": row.note}
    return TimelineEntry(row.at, "conversation", row.outcome or "", _present(detail))


def _present(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in detail.items() if value not in (None, "")}
