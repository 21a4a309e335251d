"""Assemble one contact's ``Facts`` from the store, for qualifying it in real time.

Events are not part of these facts: the real-time path folds them into the engine's
ActivitySummary instead of re-reading the history (see services/events.py).
"""

from __future__ import annotations

from datetime import datetime

from leadflow.domain.facts import (
    BANT_KEYS,
    BantFact,
    BantFacts,
    Conversation,
    Facts,
    Opportunity,
    SalesFacts,
    Source,
)
from leadflow.domain.vocabulary import Identity
from leadflow.store.realtime import PersonRow, RealtimeStore

__all__ = ["facts_of"]


def facts_of(store: RealtimeStore, person: PersonRow, as_of: datetime | None = None) -> Facts:
    """The person's facts; consent, BANT and sales tables are read only when they hold rows
    for this contact (the person query says which), as most contacts have none.

    ``as_of`` (a past moment's qualification) leaves out BANT facts and sales' answers
    dated later and reads consent as it stood then (its history), as the batch reader
    does (batch/store.py), so ``leadflow qualify --now`` and a rescore at that moment
    agree. Conversations and opportunities carry
    their own dates, which the engine reads."""
    contact_id = person.contact_id
    side = person.side_tables
    return Facts(
        contact=person.contact,
        account=person.account,
        identity=_identity(person.identity),
        source=_source(person),
        bant=_bant(store, contact_id, as_of) if "bant_facts" in side else BantFacts(),
        sales=_sales(store, contact_id, side, as_of),
        consent=store.consents(contact_id, as_of) if "consents" in side else {},
    )


def _identity(value: str) -> Identity:
    try:
        return Identity(value)
    except ValueError:
        return Identity.KNOWN


def _source(person: PersonRow) -> Source:
    values = person.source

    def text(key: str) -> str | None:
        value = values.get(key)
        return None if value is None else str(value)

    return Source(
        channel=text("source_channel"),
        purchased=bool(values.get("purchased")),
        campaign=text("source_campaign"),
        medium=text("source_medium"),
        vendor=text("vendor"),
    )


def _bant(store: RealtimeStore, contact_id: int, as_of: datetime | None) -> BantFacts:
    latest: dict[str, BantFact] = {}
    for criterion, met, evidence in store.bant_facts(contact_id, as_of):
        if criterion in BANT_KEYS:
            latest[criterion] = BantFact(met, evidence)
    return BantFacts(**latest)


def _sales(
    store: RealtimeStore, contact_id: int, side: frozenset[str], as_of: datetime | None
) -> SalesFacts:
    if not side & {"conversations", "opportunities", "handoffs"}:
        return SalesFacts()
    talks = store.conversations(contact_id) if "conversations" in side else []
    conversations = tuple(Conversation(at, rep, outcome) for at, rep, outcome in talks)
    row = store.latest_opportunity(contact_id) if "opportunities" in side else None
    opportunity = None
    if row is not None:
        status, amount, currency, created_at, closed_at = row
        opportunity = Opportunity(str(status), amount, currency, created_at, closed_at)
    accepted = store.sales_answer(contact_id, as_of) if "handoffs" in side else None
    return SalesFacts(conversations, accepted, opportunity)
