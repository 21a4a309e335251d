"""Assemble one contact's ``Facts`` from the store, for qualifying it in real time.

Events are not part of these facts: the real-time path folds them into the engine's
ActivitySummary instead of re-reading the history (see services/events.py).
"""

from __future__ import annotations

from dataclasses import replace

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


def facts_of(store: RealtimeStore, person: PersonRow, *, side_facts: bool = True) -> Facts:
    """The person's facts. ``side_facts`` False skips consent, BANT and sales contact:
    for a contact created a moment ago they cannot exist yet, and reading them costs
    five queries on the real-time path."""
    contact_id = person.contact_id
    facts = Facts(
        contact=person.contact,
        account=person.account,
        identity=_identity(person.identity),
        source=_source(person),
    )
    if not side_facts:
        return facts
    return replace(
        facts,
        bant=_bant(store, contact_id),
        sales=_sales(store, contact_id),
        consent=store.consents(contact_id),
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


def _bant(store: RealtimeStore, contact_id: int) -> BantFacts:
    latest: dict[str, BantFact] = {}
    for criterion, met, evidence in store.bant_facts(contact_id):
        if criterion in BANT_KEYS:
            latest[criterion] = BantFact(met, evidence)
    return BantFacts(**latest)


def _sales(store: RealtimeStore, contact_id: int) -> SalesFacts:
    conversations = tuple(
        Conversation(at, rep, outcome) for at, rep, outcome in store.conversations(contact_id)
    )
    row = store.latest_opportunity(contact_id)
    opportunity = None
    if row is not None:
        status, amount, currency, created_at, closed_at = row
        opportunity = Opportunity(str(status), amount, currency, created_at, closed_at)
    return SalesFacts(conversations, store.sales_answer(contact_id), opportunity)
