"""Read closed leads from the workspace store (SQLite or PostgreSQL).

The same leads and features as a demo-world folder (``history``): a lead is closed
once handed off and then won (a won deal, or its hand-off closed as won) or lost (a
lost deal, rejected by sales, or its hand-off closed without a deal), or when it has a
closed deal without any hand-off (deals imported from a CRM, ``leadflow import deals``);
its decision point is its first hand-off, or the creation of its first deal
when that is earlier (an imported deal has no hand-off). On file at that point: the
contact's columns (seniority, department, country, source channel/medium, purchased,
vendor) and its JSON ``attributes`` (``contact.<key>``), the account's columns and JSON
attributes (``account.<key>``; ``account.customer`` as it stood at the decision point,
since a won deal sets it), the hand-off's trigger and rep (the deal's owner without
one). Merged contacts are left out: their events belong to the survivor.

Each table is read with one query; the contact and account columns as they are now,
which for firmographics is what was on file at the hand-off unless someone edited them
since (the store keeps no history of attribute edits).

A customer is won, whatever sales answered on a lead of theirs: a contact standing in a
customer stage of the active definition (a company's deal or a CRM's lifecycle makes
one without a won deal of their own), or recorded as staying a customer when sales
rejected or closed their lead (``stays_customer``, ``closed``), is never lost for a
stale work item sales rejected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import AssetsConfig, StageKind
from leadflow.learn.activity import EventLog
from leadflow.learn.errors import LearnInputError
from leadflow.learn.history import LOST_CLOSINGS, ClosedLeads, lead_table
from leadflow.learn.table import LeadTable
from leadflow.store.models import (
    Account,
    Contact,
    DefinitionVersion,
    Event,
    Handoff,
    Opportunity,
    Qualification,
)
from leadflow.store.models.handoffs import HandoffWork, Rejection
from leadflow.store.models.reps import Rep

__all__ = ["read_store_history"]

_CONTACT_COLUMNS: dict[str, tuple[str, str]] = {
    "seniority": ("seniority", "contact.seniority"),
    "department": ("department", "contact.department"),
    "country": ("country", "contact.country"),
    "source_channel": ("channel", "source.channel"),
    "source_medium": ("medium", "source.medium"),
    "purchased": ("purchased", "source.purchased"),
    "vendor": ("vendor", "source.vendor"),
}
_CUSTOMER, _CUSTOMER_SINCE = "customer", "customer_since"
# How the records say a lead's contact stayed a customer (services/feedback.py and
# services/cadence.py): the rejection's action, the work item's outcome.
_STAYS_CUSTOMER_ACTION, _CLOSED_CUSTOMER = "stays_customer", "closed"
_ACCOUNT_COLUMNS: dict[str, tuple[str, str]] = {
    "industry": ("industry", "account.industry"),
    "employees": ("employees", "account.employees"),
    "revenue": ("revenue", "account.revenue"),
}


def read_store_history(
    connection: Connection, *, assets: AssetsConfig | None = None, mature_only: bool = True
) -> LeadTable:
    """The closed leads of the store, typed, features as of each decision point."""
    handoffs = _first_handoffs(connection)
    deals = _deals(connection)
    won = _outcomes(handoffs, deals, _customers(connection))
    if not won:
        raise LearnInputError(
            "the store holds no closed leads (won or lost after a hand-off, or a closed deal)"
        )
    ids = sorted(won)
    decided = [_decision_point(handoffs.get(i), deals.get(i)) for i in ids]
    contacts = _rows(connection, Contact, ids)
    accounts = _rows(connection, Account, {c["account_id"] for c in contacts.values()})
    leads = ClosedLeads(
        ids=[str(i) for i in ids],
        won=[won[i][0] for i in ids],
        decided_at=np.array([_seconds(moment) for moment in decided], dtype=np.int64),
        closed_at=np.array([_seconds(won[i][1]) for i in ids], dtype=np.int64),
        created_at=np.array([_seconds(contacts[i]["created_at"]) for i in ids], dtype=np.int64),
        emails=[contacts[i]["email"] for i in ids],
        triggers=[handoffs[i]["trigger"] if i in handoffs else None for i in ids],
        reps=[handoffs[i]["rep"] if i in handoffs else deals[i].owner for i in ids],
        events=_event_log(connection, {contact: row for row, contact in enumerate(ids)}),
        fields=_fields(ids, contacts, accounts, decided),
        still_open=len(set(handoffs) - set(won)),
    )
    return lead_table(leads, assets=assets, mature_only=mature_only)


@dataclass
class _Deals:
    """A contact's deals, as learning needs them: when the first was opened, by whom,
    and when the first was won or lost."""

    created: datetime
    owner: str | None
    # won/lost -> the first close (None: a deal closed without its date)
    closed: dict[str, datetime | None] = field(default_factory=dict)


def _deals(connection: Connection) -> dict[int, _Deals]:
    """Per contact (not merged), its deals; a company's deal names no contact."""
    query = (
        select(
            Opportunity.contact_id,
            Opportunity.status,
            Opportunity.created_at,
            Opportunity.closed_at,
            Opportunity.owner,
        )
        .join(Contact, Contact.id == Opportunity.contact_id)
        .where(Contact.merged_into_id.is_(None))
        .order_by(Opportunity.contact_id, Opportunity.created_at, Opportunity.id)
    )
    found: dict[int, _Deals] = {}
    for contact, status, created, closed, owner in connection.execute(query):
        deals = found.setdefault(contact, _Deals(created, owner))
        if status in ("won", "lost"):
            first = deals.closed.get(status)
            known = [moment for moment in (first, closed) if moment is not None]
            deals.closed[status] = min(known) if known else None
    return found


def _decision_point(handoff: Mapping[str, Any] | None, deals: _Deals | None) -> datetime:
    """When a lead was decided on: its first hand-off, or the creation of its first deal
    if that is earlier (a deal imported from a CRM, opened without leadflow's hand-off)."""
    moments: list[datetime] = []
    if handoff is not None:
        moments.append(handoff["at"])
    if deals is not None:
        moments.append(deals.created)
    return min(moments)


def _first_handoffs(connection: Connection) -> dict[int, dict[str, Any]]:
    """Per contact, its first hand-off: when, sales' answer, trigger, rep, how it closed."""
    reps: dict[int, str] = {}
    for rep_id, key in connection.execute(select(Rep.id, Rep.key)):
        reps[rep_id] = key
    query = (
        select(
            Handoff.contact_id,
            Handoff.at,
            Handoff.status,
            HandoffWork.trigger,
            HandoffWork.rep_id,
            HandoffWork.outcome,
            Handoff.owner,
            Handoff.answered_at,
            HandoffWork.closed_at,
        )
        .outerjoin(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .join(Contact, Contact.id == Handoff.contact_id)
        .where(Contact.merged_into_id.is_(None))
        .order_by(Handoff.contact_id, Handoff.at, Handoff.id)
    )
    found: dict[int, dict[str, Any]] = {}
    for row in connection.execute(query):
        contact, at, status, trigger, rep_id, closing, owner, answered_at, closed_at = row
        if contact not in found:
            found[contact] = {
                "at": at,
                "status": status,
                "trigger": trigger,
                "rep": reps.get(rep_id) if rep_id is not None else owner,
                "closing": closing,
                "answered_at": answered_at,
                "closed_at": closed_at,
            }
    return found


def _customers(connection: Connection) -> set[int]:
    """The contacts that are customers: in a customer stage of the active definition, or
    recorded as staying one when sales rejected or closed a lead of theirs."""
    found = set(
        connection.scalars(
            select(Rejection.contact_id).where(Rejection.action == _STAYS_CUSTOMER_ACTION)
        )
    )
    found.update(
        connection.scalars(
            select(HandoffWork.contact_id).where(HandoffWork.outcome == _CLOSED_CUSTOMER)
        )
    )
    stages = _customer_stages(connection)
    if stages:
        found.update(
            connection.scalars(
                select(Qualification.contact_id).where(Qualification.stage.in_(stages))
            )
        )
    return found


def _customer_stages(connection: Connection) -> list[str]:
    """The active definition's customer stages (none without a usable active one: the
    records above still tell)."""
    row = connection.execute(
        select(DefinitionVersion.yaml, DefinitionVersion.name).where(DefinitionVersion.active)
    ).one_or_none()
    if row is None:
        return []
    try:
        definition = load_definition_text(row.yaml, f"{row.name}.yaml", allow_files=False)
    except DefinitionError:
        return []
    return [stage.id for stage in definition.stages if stage.kind is StageKind.CUSTOMER]


def _outcomes(
    handoffs: Mapping[int, Mapping[str, Any]],
    deals: Mapping[int, _Deals],
    customers: Collection[int],
) -> dict[int, tuple[int, datetime]]:
    """Per closed lead: won (1) or lost (0), and the moment that decided it. A lead is
    closed by its hand-off's end, or by a closed deal, also one imported from a CRM
    without any hand-off. A customer's lead is won, whatever its hand-off said."""
    closed: dict[int, tuple[int, datetime]] = {}
    for contact in sorted(set(handoffs) | set(deals)):
        statuses = deals[contact].closed if contact in deals else {}
        handoff = handoffs.get(contact)
        if handoff is None:
            opened = deals[contact].created
            if "won" in statuses:
                closed[contact] = (1, statuses["won"] or opened)
            elif "lost" in statuses:
                closed[contact] = (0, statuses["lost"] or opened)
            continue
        settled = handoff["closed_at"] or handoff["answered_at"] or handoff["at"]
        if "won" in statuses or handoff["closing"] == "won" or contact in customers:
            closed[contact] = (1, statuses.get("won") or settled)
        elif "lost" in statuses:
            closed[contact] = (0, statuses["lost"] or settled)
        elif handoff["status"] == "rejected" or handoff["closing"] in LOST_CLOSINGS:
            closed[contact] = (0, settled)
    return closed


def _rows(connection: Connection, model: Any, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """Rows of ``model`` by id (read in one pass, filtered here: no giant IN lists)."""
    wanted = {i for i in ids if i is not None}
    rows = connection.execute(select(model.__table__)).mappings()
    return {row["id"]: dict(row) for row in rows if row["id"] in wanted}


def _fields(
    ids: list[int],
    contacts: Mapping[int, Mapping[str, Any]],
    accounts: Mapping[int, Mapping[str, Any]],
    decided: list[datetime],
) -> dict[str, tuple[str, list[object]]]:
    fields: dict[str, tuple[str, list[object]]] = {}
    people = [contacts[i] for i in ids]
    firms = [
        {**firm, "attributes": _customer_as_of(firm.get("attributes") or {}, moment)}
        for firm, moment in zip(
            (accounts.get(p["account_id"], {}) for p in people), decided, strict=True
        )
    ]
    for column, (name, path) in _CONTACT_COLUMNS.items():
        fields[name] = (path, [_plain(p.get(column)) for p in people])
    for column, (name, path) in _ACCOUNT_COLUMNS.items():
        fields[name] = (path, [_plain(f.get(column)) for f in firms])
    fields.update(_custom("contact", [p.get("attributes") or {} for p in people], fields))
    fields.update(_custom("account", [f.get("attributes") or {} for f in firms], fields))
    return fields


def _customer_as_of(attributes: Mapping[str, Any], moment: datetime) -> dict[str, Any]:
    """An account's attributes as known at a lead's decision point. Winning a deal marks
    the account ``customer: true`` with ``customer_since`` (services/opportunities.py):
    read as they are now, they would tell the outcome of the very lead being learned from.
    The account was a customer then only if it became one before; ``customer_since``
    itself, a date stamp, is no persona value. A ``customer`` flag without a date (an
    import's) is kept as on file."""
    since = attributes.get(_CUSTOMER_SINCE)
    if since is None:
        return dict(attributes)
    kept = {k: v for k, v in attributes.items() if k not in (_CUSTOMER, _CUSTOMER_SINCE)}
    try:
        became = datetime.fromisoformat(str(since))
    except ValueError:
        return kept
    if became.tzinfo is not None and became < moment:
        kept[_CUSTOMER] = True
    return kept


def _custom(
    namespace: str, documents: list[Mapping[str, Any]], taken: Mapping[str, object]
) -> dict[str, tuple[str, list[object]]]:
    """Custom attributes (the JSON ``attributes``) with plain values, one per key."""
    keys = sorted({k for doc in documents for k, v in doc.items() if _is_plain(v)})
    return {
        (key if key not in taken else f"{namespace}.{key}"): (
            f"{namespace}.{key}",
            [_plain(doc.get(key)) for doc in documents],
        )
        for key in keys
    }


def _event_log(connection: Connection, row_of: Mapping[int, int]) -> EventLog:
    query = select(Event.contact_id, Event.type, Event.at, Event.properties).where(
        Event.contact_id.is_not(None)
    )
    leads, types, moments, assets = [], [], [], []
    for contact, kind, at, properties in connection.execute(query):
        leads.append(row_of.get(contact, -1))
        types.append(kind)
        moments.append(_seconds(at))
        asset = (properties or {}).get("asset")
        assets.append(None if asset is None else str(asset))
    return EventLog(
        lead=np.array(leads, dtype=np.intp),
        type=np.array(types, dtype=object),
        at=np.array(moments, dtype=np.int64),
        asset=np.array(assets, dtype=object),
    )


def _is_plain(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _plain(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if _is_plain(value) else None


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())
