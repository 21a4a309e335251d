"""GDPR access and erasure for one person (articles 15 and 17).

The person is the contact and every contact merged with it (the same human under
another record): a request naming a merged record reaches the whole person, the
surviving record and everything merged into it. (``services.contacts.find_contact``
reads a request as it arrives, by contact id or by e-mail address.)

What belongs to them is found from the schema, not from a list kept by hand: every
table with a ``contact_id`` column, plus their browsers (``visitors``). A table added
later is exported and erased without this module changing.

Two kinds of record name the person without a ``contact_id`` column: merge records
(``survivor_id``, ``merged_id``; they hold snapshots of both records, so they are
exported, and erased by their foreign keys) and the webhook outbox, whose messages name
them in their payload (a double opt-in request even carries the e-mail address). Those
messages are exported and erased with their delivery log; finding them reads every
message's payload, which is acceptable for a request that comes a few times a year.

Export leaves out what is not *about* the person: the engine's internal state
(``qualifications.state``, derivable from the events) and hashed confirmation tokens.
Erasure deletes the contact rows; foreign keys cascade to every table holding a
``contact_id``, and the visitors are deleted first so their browser ids go too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, or_, select
from sqlalchemy.orm import Session

from leadflow.services.refusals import NotFoundError
from leadflow.store.models import Base, Contact, Merge, OutboxMessage, Visitor

__all__ = ["erase_person", "export_person"]

_CONTACTS: Table = Base.metadata.tables["contacts"]
_ACCOUNTS: Table = Base.metadata.tables["accounts"]
_MERGES: Table = Base.metadata.tables["merges"]
_OUTBOX: Table = Base.metadata.tables["outbox_messages"]
# The payload keys by which a webhook message names a contact (services.outbox.KINDS).
_NAMED_BY = ("contact_id", "survivor_id", "merged_id")
_WITHHELD: dict[str, frozenset[str]] = {
    "qualifications": frozenset({"state"}),
    "form_confirmations": frozenset({"token_hash"}),
}


def export_person(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data, grouped by table."""
    root, ids = _person(session, contact_id)
    contacts = [_row(_CONTACTS, row) for row in _rows(session, _CONTACTS, "id", ids)]
    account_ids = {row["account_id"] for row in contacts if row["account_id"] is not None}
    held: dict[str, list[dict[str, Any]]] = {"contacts": contacts}
    held["accounts"] = [
        _row(_ACCOUNTS, row) for row in _rows(session, _ACCOUNTS, "id", account_ids)
    ]
    for table in _tables_about_people():
        held[table.name] = [_row(table, row) for row in _rows(session, table, "contact_id", ids)]
    merges = select(_MERGES).where(_merges_of(ids)).order_by(Merge.at)
    held["merges"] = [_row(_MERGES, row) for row in session.execute(merges).mappings()]
    messages = select(_OUTBOX).where(_names_them(ids)).order_by(OutboxMessage.created_at)
    held["outbox_messages"] = [_row(_OUTBOX, row) for row in session.execute(messages).mappings()]
    return {"contact_id": root, "contact_ids": sorted(ids), "data": held}


def erase_person(session: Session, contact_id: int) -> dict[str, Any]:
    """Delete the person everywhere; returns how many rows went, per table. Commits."""
    root, ids = _person(session, contact_id)
    counts = {table.name: _count(session, table, ids) for table in _tables_about_people()}
    counts["contacts"] = len(ids)
    counts["outbox_messages"] = _count_where(session, _OUTBOX, _names_them(ids))
    counts["merges"] = _count_where(session, _MERGES, _merges_of(ids))
    # Their delivery log goes with them (foreign keys cascade).
    session.execute(
        delete(OutboxMessage).where(_names_them(ids)).execution_options(synchronize_session=False)
    )
    session.execute(delete(Visitor).where(Visitor.contact_id.in_(ids)))
    session.execute(
        delete(Contact).where(Contact.id.in_(ids)).execution_options(synchronize_session=False)
    )
    session.commit()
    erased = {k: v for k, v in counts.items() if v}
    return {"contact_id": root, "contact_ids": sorted(ids), "erased": erased}


def _person(session: Session, contact_id: int) -> tuple[int, set[int]]:
    """The record that survived the person's merges, and every record of the person:
    that one and, transitively, every contact merged into it."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    root, seen = contact, {contact.id}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        survivor = session.get(Contact, root.merged_into_id)
        if survivor is None:
            break
        root = survivor
        seen.add(root.id)
    ids = {root.id}
    frontier = {root.id}
    while frontier:
        merged = set(
            session.scalars(select(Contact.id).where(Contact.merged_into_id.in_(frontier)))
        )
        frontier = merged - ids
        ids |= frontier
    return root.id, ids


def _tables_about_people() -> list[Table]:
    tables = [
        table
        for table in Base.metadata.sorted_tables
        if "contact_id" in table.c and table.name != "contacts"
    ]
    return [table for table in tables if isinstance(table, Table)]


def _rows(session: Session, table: Table, column: str, ids: Iterable[int]) -> list[Any]:
    chosen = list(ids)
    if not chosen:
        return []
    return list(session.execute(select(table).where(table.c[column].in_(chosen))).mappings())


def _merges_of(ids: set[int]) -> ColumnElement[bool]:
    return or_(Merge.survivor_id.in_(ids), Merge.merged_id.in_(ids))


def _names_them(ids: set[int]) -> ColumnElement[bool]:
    """A webhook message whose payload names one of the person's contacts."""
    chosen = sorted(ids)
    return or_(*(OutboxMessage.payload[key].as_integer().in_(chosen) for key in _NAMED_BY))


def _count(session: Session, table: Table, ids: set[int]) -> int:
    return _count_where(session, table, table.c.contact_id.in_(ids))


def _count_where(session: Session, table: Table, where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(where)
    return int(session.scalar(query) or 0)


def _row(table: Table, row: Any) -> dict[str, Any]:
    hidden = _WITHHELD.get(table.name, frozenset())
    return {key: _plain(value) for key, value in row.items() if key not in hidden}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
