"""GDPR access and erasure for one person (articles 15 and 17).

The person is the contact and every contact merged into it (the same human under
another record). What belongs to them is found from the schema, not from a list kept
by hand: every table with a ``contact_id`` column, plus their browsers (``visitors``).
A table added later is exported and erased without this module changing.

Export leaves out what is not *about* the person: the engine's internal state
(``qualifications.state``, derivable from the events) and hashed confirmation tokens.
Erasure deletes the contact rows; foreign keys cascade to every table holding a
``contact_id``, and the visitors are deleted first so their browser ids go too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from leadflow.services.refusals import NotFoundError
from leadflow.store.models import Base, Contact, Visitor

__all__ = ["erase_person", "export_person"]

_CONTACTS: Table = Base.metadata.tables["contacts"]
_ACCOUNTS: Table = Base.metadata.tables["accounts"]
_WITHHELD: dict[str, frozenset[str]] = {
    "qualifications": frozenset({"state"}),
    "form_confirmations": frozenset({"token_hash"}),
}


def export_person(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data, grouped by table."""
    ids = _person_ids(session, contact_id)
    contacts = [_row(_CONTACTS, row) for row in _rows(session, _CONTACTS, "id", ids)]
    account_ids = {row["account_id"] for row in contacts if row["account_id"] is not None}
    held: dict[str, list[dict[str, Any]]] = {"contacts": contacts}
    held["accounts"] = [
        _row(_ACCOUNTS, row) for row in _rows(session, _ACCOUNTS, "id", account_ids)
    ]
    for table in _tables_about_people():
        held[table.name] = [_row(table, row) for row in _rows(session, table, "contact_id", ids)]
    return {"contact_id": contact_id, "contact_ids": sorted(ids), "data": held}


def erase_person(session: Session, contact_id: int) -> dict[str, Any]:
    """Delete the person everywhere; returns how many rows went, per table. Commits."""
    ids = _person_ids(session, contact_id)
    counts = {table.name: _count(session, table, ids) for table in _tables_about_people()}
    counts["contacts"] = len(ids)
    session.execute(delete(Visitor).where(Visitor.contact_id.in_(ids)))
    session.execute(
        delete(Contact).where(Contact.id.in_(ids)).execution_options(synchronize_session=False)
    )
    session.commit()
    return {"contact_id": contact_id, "erased": {k: v for k, v in counts.items() if v}}


def _person_ids(session: Session, contact_id: int) -> set[int]:
    """The contact and, transitively, every contact merged into it."""
    if session.get(Contact, contact_id) is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    ids = {contact_id}
    frontier = {contact_id}
    while frontier:
        merged = set(
            session.scalars(select(Contact.id).where(Contact.merged_into_id.in_(frontier)))
        )
        frontier = merged - ids
        ids |= frontier
    return ids


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


def _count(session: Session, table: Table, ids: set[int]) -> int:
    query = select(func.count()).select_from(table).where(table.c.contact_id.in_(ids))
    return int(session.scalar(query) or 0)


def _row(table: Table, row: Any) -> dict[str, Any]:
    hidden = _WITHHELD.get(table.name, frozenset())
    return {key: _plain(value) for key, value in row.items() if key not in hidden}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
