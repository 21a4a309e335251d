"""GDPR access and erasure for one person (articles 15 and 17).

The person is the contact and every contact merged with it (the same human under
another record): a request naming a merged record reaches the whole person, the
surviving record and everything merged into it. (``services.contacts.find_contact``
reads a request as it arrives, by contact id or by e-mail address.)

What belongs to them is found from the schema, not from a list kept by hand: every
table with a ``contact_id`` column, plus their browsers (``visitors``), plus every row
that hangs off those rows through a foreign key that deletes it with them (a deal's
details and stage history, a webhook message's deliveries and their attempts: to whom
their data went). A table added later is exported and erased without this module
changing.

Records that name the person without a ``contact_id`` column: merge records
(``survivor_id``, ``merged_id``; they hold snapshots of both records, so they are
exported, and erased by their foreign keys), the webhook outbox, whose messages name
them in their payload (a double opt-in request even carries the e-mail address), and
the API's stored replies to idempotent requests (``idempotent_replies``), which name
their contact and events and may carry their address in the caller's key. Finding
those reads every message and every stored reply, which is acceptable for a request
that comes a few times a year.

Erasure keeps one thing, on purpose: the person's addresses and phone numbers as keyed
hashes on the suppression list (services/suppression.py), so the company's next import
or API call does not bring them back. A hash of a value, never the value.

Export leaves out what is not *about* the person: the engine's internal state
(``qualifications.state``, derivable from the events) and hashed confirmation tokens.
Erasure deletes the contact rows; foreign keys cascade to every table holding a
``contact_id``, and the visitors are deleted first so their browser ids go too. On
SQLite the write-ahead log is then checkpointed and truncated, so the pages that held
them are not left in it (docs/api.md, "GDPR").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, delete, or_, select
from sqlalchemy.orm import Session

from leadflow.services.outbox import CONTACT_ERASED, enqueue_in
from leadflow.services.refusals import NotFoundError
from leadflow.services.suppression import Reason, suppress
from leadflow.services.survivor import surviving_contact
from leadflow.store.models import Base, Contact, IdempotentReply, Merge, OutboxMessage, Visitor

__all__ = ["erase_person", "export_person"]

_CONTACTS: Table = Base.metadata.tables["contacts"]
_ACCOUNTS: Table = Base.metadata.tables["accounts"]
_MERGES: Table = Base.metadata.tables["merges"]
_OUTBOX: Table = Base.metadata.tables["outbox_messages"]
_REPLIES: Table = Base.metadata.tables["idempotent_replies"]
# Rows reached from these are not the person's: a company's, a key's, a subscription's.
_NOT_THEIRS = frozenset({"accounts", "api_keys", "webhook_subscriptions"})
# The payload keys by which a webhook message names a contact (services.outbox.KINDS).
_NAMED_BY = ("contact_id", "survivor_id", "merged_id")
_WITHHELD: dict[str, frozenset[str]] = {
    "qualifications": frozenset({"state"}),
    "form_confirmations": frozenset({"token_hash"}),
    "idempotent_replies": frozenset({"fingerprint"}),
}


def export_person(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data, grouped by table."""
    root, ids = _person(session, contact_id)
    rows = _held(session, ids)
    contacts = rows["contacts"]
    account_ids = {row["account_id"] for row in contacts if row["account_id"] is not None}
    rows["accounts"] = _rows(session, _ACCOUNTS, "id", account_ids)
    held = {name: [_row(_table(name), row) for row in found] for name, found in rows.items()}
    return {"contact_id": root, "contact_ids": sorted(ids), "data": held}


def erase_person(
    session: Session, contact_id: int, *, now: datetime, reason: Reason = Reason.ERASURE
) -> dict[str, Any]:
    """Delete the person everywhere; returns how many rows went, per table, and how many
    values were put on the suppression list. Commits.

    The webhook receivers hear of it (``contact.erased``, their ids only) in the same
    transaction, so they can erase their copies (art. 19); the suppression list gets
    their addresses and phones (hashed) in it too, so nothing re-creates them."""
    root, ids = _person(session, contact_id)
    counts = {name: len(found) for name, found in _held(session, ids).items()}
    records = session.execute(select(Contact.email, Contact.phone).where(Contact.id.in_(ids)))
    emails, phones = zip(*records, strict=True)
    suppressed = suppress(
        session,
        [email for email in emails if email],
        [phone for phone in phones if phone],
        reason,
        now,
    )
    replies = [row["id"] for row in _replies_naming(session, ids)]
    # Rows that hang off theirs go with them (foreign keys cascade); the outbox's
    # messages and the stored replies only name them, so they are deleted by id.
    session.execute(
        delete(OutboxMessage).where(_names_them(ids)).execution_options(synchronize_session=False)
    )
    session.execute(delete(IdempotentReply).where(IdempotentReply.id.in_(replies)))
    session.execute(delete(Visitor).where(Visitor.contact_id.in_(ids)))
    session.execute(
        delete(Contact).where(Contact.id.in_(ids)).execution_options(synchronize_session=False)
    )
    notice = {"contact_ids": sorted(ids), "at": now.isoformat()}
    enqueue_in(session, CONTACT_ERASED, notice, now)
    session.commit()
    _checkpoint(session)
    erased = {k: v for k, v in counts.items() if v}
    return {
        "contact_id": root,
        "contact_ids": sorted(ids),
        "erased": erased,
        "suppressed": suppressed,
    }


def _held(session: Session, ids: set[int]) -> dict[str, list[Any]]:
    """The person's rows by table (raw mappings), accounts aside."""
    held: dict[str, list[Any]] = {"contacts": _rows(session, _CONTACTS, "id", ids)}
    for table in _tables_about_people():
        held[table.name] = _rows(session, table, "contact_id", ids)
    merges = select(_MERGES).where(_merges_of(ids)).order_by(Merge.at)
    held["merges"] = list(session.execute(merges).mappings())
    messages = select(_OUTBOX).where(_names_them(ids)).order_by(OutboxMessage.created_at)
    held["outbox_messages"] = list(session.execute(messages).mappings())
    held["idempotent_replies"] = _replies_naming(session, ids)
    _hanging_off(session, held)
    return held


def _hanging_off(session: Session, held: dict[str, list[Any]]) -> None:
    """Add the rows of other tables that a foreign key deletes with rows already held,
    in dependency order (a delivery's attempts after the delivery)."""
    for table in Base.metadata.sorted_tables:
        if table.name in held or table.name in _NOT_THEIRS or not isinstance(table, Table):
            continue
        found: dict[Any, Any] = {}
        for key in table.foreign_keys:
            parent = key.column.table
            if key.ondelete != "CASCADE" or parent.name not in held:
                continue
            owners = {row[key.column.name] for row in held[parent.name]}
            for row in _rows(session, table, key.parent.name, owners):
                found[tuple(row[c.name] for c in table.primary_key.columns)] = row
        if found:
            held[table.name] = list(found.values())


def _replies_naming(session: Session, ids: set[int]) -> list[Any]:
    """Stored API replies whose body names one of the contacts, or whose key carries one
    of their e-mail addresses."""
    emails = [
        email.lower()
        for email in session.scalars(select(Contact.email).where(Contact.id.in_(ids)))
        if email
    ]
    rows = session.execute(select(_REPLIES).order_by(_REPLIES.c.id)).mappings()
    return [
        row
        for row in rows
        if _names_any(row["body"], ids)
        or any(email in row["idempotency_key"].lower() for email in emails)
    ]


def _names_any(value: object, ids: set[int]) -> bool:
    if isinstance(value, dict):
        return any(
            (key in _NAMED_BY and item in ids and not isinstance(item, bool))
            or _names_any(item, ids)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_names_any(item, ids) for item in value)
    return False


def _checkpoint(session: Session) -> None:
    """On SQLite, copy the write-ahead log into the database and truncate it: the log
    keeps whole pages as they were, the erased rows among them, until it is reused.
    Best effort and without waiting: a reader still on an older snapshot keeps the log
    until a later checkpoint (the background checkpointer's) finds none."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:  # the driver's connection: no BEGIN around it
        handle = connection.connection.driver_connection
        assert handle is not None
        cursor = handle.cursor()
        try:
            (usual,) = cursor.execute("PRAGMA busy_timeout").fetchone()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.execute(f"PRAGMA busy_timeout={int(usual)}")
        finally:
            cursor.close()


def _table(name: str) -> Table:
    table = Base.metadata.tables[name]
    assert isinstance(table, Table)
    return table


def _person(session: Session, contact_id: int) -> tuple[int, set[int]]:
    """The record that survived the person's merges, and every record of the person:
    that one and, transitively, every contact merged into it."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    root = surviving_contact(session, contact)
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


def _row(table: Table, row: Any) -> dict[str, Any]:
    hidden = _WITHHELD.get(table.name, frozenset())
    return {key: _plain(value) for key, value in row.items() if key not in hidden}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
