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

A double opt-in confirmation still *pending* (an erased person's address typed into a
form: services/forms.py) names no contact, only the address (``pending_email``). It is
the person's when its address is one of their records' addresses, in any case, or one
the request adds (``addresses``: "this is mine too"); a request may also name a person
who is *only* pending, by address alone (``contact_id`` None), and is answered with what
is held rather than "no contact". The webhook messages that carry such an address (the
link's request) are theirs as well.

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

from sqlalchemy import ColumnElement, Connection, Table, delete, false, func, or_, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import utc_text
from leadflow.ingest.normalise import InvalidValueError, normalise_email
from leadflow.services.contacts import find_contact
from leadflow.services.outbox import CONTACT_ERASED, enqueue_in
from leadflow.services.refusals import InvalidInputError, NotFoundError
from leadflow.services.suppression import Reason, check_suppressed, suppress
from leadflow.services.survivor import surviving_contact
from leadflow.store.models import (
    Base,
    Contact,
    FormConfirmation,
    IdempotentReply,
    Merge,
    OutboxMessage,
    Visitor,
)

__all__ = ["erase_person", "export_person", "find_person"]

_CONTACTS: Table = Base.metadata.tables["contacts"]
_ACCOUNTS: Table = Base.metadata.tables["accounts"]
_MERGES: Table = Base.metadata.tables["merges"]
_OUTBOX: Table = Base.metadata.tables["outbox_messages"]
_REPLIES: Table = Base.metadata.tables["idempotent_replies"]
_CONFIRMATIONS: Table = Base.metadata.tables["form_confirmations"]
# Rows reached from these are not the person's: a company's, a key's, a subscription's.
_NOT_THEIRS = frozenset({"accounts", "api_keys", "webhook_subscriptions"})
# The payload keys by which a webhook message names a contact (services.outbox.KINDS).
_NAMED_BY = ("contact_id", "survivor_id", "merged_id")
_WITHHELD: dict[str, frozenset[str]] = {
    "qualifications": frozenset({"state"}),
    "form_confirmations": frozenset({"token_hash"}),
    "idempotent_replies": frozenset({"fingerprint"}),
}


def find_person(session: Session, who: str) -> tuple[int | None, tuple[str, ...]]:
    """A request's person as it names them: a contact id, or an e-mail address, which
    also reaches what is held under that address without a contact (a pending
    confirmation); ``(contact id or None, the address named)``. A contact id that finds
    nobody, or words that are neither, are refused as ``find_contact`` refuses them."""
    text = who.strip()
    if text.isdigit():
        return find_contact(session, text), ()
    try:
        contact_id: int | None = find_contact(session, text)
    except NotFoundError:
        contact_id = None  # the address may still be held: export_person decides
    return contact_id, (_address(text),)


def export_person(
    session: Session, contact_id: int | None, *, addresses: Iterable[str] = ()
) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data, grouped by table: the
    contact's (None: a person named by ``addresses`` alone) and their addresses'."""
    root, ids = _person(session, contact_id)
    rows = _held(session, ids, _addresses(session, ids, addresses))
    _refuse_nobody(root, rows)
    contacts = rows["contacts"]
    account_ids = {row["account_id"] for row in contacts if row["account_id"] is not None}
    rows["accounts"] = _rows(session, _ACCOUNTS, "id", account_ids)
    held = {name: [_row(_table(name), row) for row in found] for name, found in rows.items()}
    return {"contact_id": root, "contact_ids": sorted(ids), "data": held}


def erase_person(
    session: Session,
    contact_id: int | None,
    *,
    now: datetime,
    reason: Reason = Reason.ERASURE,
    addresses: Iterable[str] = (),
) -> dict[str, Any]:
    """Delete the person everywhere; returns how many rows went, per table, and how many
    values were put on the suppression list. Commits. Asked again by an address whose
    person was erased (on the suppression list, nothing held): ``already_erased``, and
    nothing is written or announced.

    The webhook receivers hear of it (``contact.erased``, their ids only) in the same
    transaction, so they can erase their copies (art. 19); the suppression list gets
    their addresses and phones (hashed) in it too, so nothing re-creates them."""
    root, ids = _person(session, contact_id)
    emails = _addresses(session, ids, addresses)
    held = _held(session, ids, emails)
    if root is None and not any(held.values()) and _erased_before(session, emails):
        # The same request again (a retry after a timeout): done, and nothing to add.
        return {"contact_id": None, "contact_ids": [], "erased": {}, "suppressed": 0,
                "already_erased": True}  # fmt: skip
    _refuse_nobody(root, held)
    counts = {name: len(found) for name, found in held.items()}
    pending = [row["pending_email"].lower() for row in held["form_confirmations"]
               if row["contact_id"] is None]  # fmt: skip
    phones = session.scalars(select(Contact.phone).where(Contact.id.in_(ids)))
    suppressed = suppress(
        session, [*_record_addresses(session, ids), *pending], [p for p in phones if p], reason, now
    )
    replies = [row["id"] for row in held["idempotent_replies"]]
    # Rows that hang off theirs go with them (foreign keys cascade); the outbox's
    # messages, the stored replies and the pending confirmations only name them, so
    # they are deleted by id or address.
    session.execute(
        delete(OutboxMessage)
        .where(_names_them(ids, emails))
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(IdempotentReply).where(IdempotentReply.id.in_(replies)))
    session.execute(delete(FormConfirmation).where(_pending_for(emails)))
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
        "already_erased": False,
    }


def _held(session: Session, ids: set[int], emails: set[str]) -> dict[str, list[Any]]:
    """The person's rows by table (raw mappings), accounts aside; ``emails``: their
    addresses, lower-case (pending confirmations, messages and replies naming them)."""
    held: dict[str, list[Any]] = {"contacts": _rows(session, _CONTACTS, "id", ids)}
    for table in _tables_about_people():
        held[table.name] = _rows(session, table, "contact_id", ids)
    pending = select(_CONFIRMATIONS).where(_pending_for(emails)).order_by(_CONFIRMATIONS.c.id)
    held["form_confirmations"] += list(session.execute(pending).mappings())
    merges = select(_MERGES).where(_merges_of(ids)).order_by(Merge.at)
    held["merges"] = list(session.execute(merges).mappings())
    messages = select(_OUTBOX).where(_names_them(ids, emails)).order_by(OutboxMessage.created_at)
    held["outbox_messages"] = list(session.execute(messages).mappings())
    held["idempotent_replies"] = _replies_naming(session, ids, emails)
    _hanging_off(session, held)
    return held


def _erased_before(session: Session, emails: set[str]) -> bool:
    """Whether one of these addresses is on the suppression list: its person was erased."""
    return any(check_suppressed(session, email=email) for email in sorted(emails))


def _refuse_nobody(root: int | None, held: dict[str, list[Any]]) -> None:
    """A request by address alone that finds nothing: not found (a contact id that
    finds nothing was refused by ``_person``)."""
    if root is None and not any(held.values()):
        raise NotFoundError("no contact with this e-mail address, and nothing pending for it")


def _addresses(session: Session, ids: set[int], given: Iterable[str]) -> set[str]:
    """The person's addresses, lower-case: their records' and those the request adds."""
    return {*_record_addresses(session, ids), *(_address(email) for email in given)}


def _address(text: str) -> str:
    try:
        return normalise_email(text).lower()
    except InvalidValueError as error:
        raise InvalidInputError(str(error)) from None


def _record_addresses(session: Session, ids: set[int]) -> list[str]:
    found = session.scalars(select(Contact.email).where(Contact.id.in_(ids)))
    return [email.lower() for email in found if email]


def _pending_for(emails: set[str]) -> ColumnElement[bool]:
    """Pending confirmations (no contact yet) for one of the addresses, in any case."""
    if not emails:
        return false()
    column = _CONFIRMATIONS.c.pending_email
    return _CONFIRMATIONS.c.contact_id.is_(None) & func.lower(column).in_(sorted(emails))


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


def _replies_naming(session: Session, ids: set[int], emails: set[str]) -> list[Any]:
    """Stored API replies whose body names one of the contacts, or whose key carries one
    of their e-mail addresses."""
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


def _person(session: Session, contact_id: int | None) -> tuple[int | None, set[int]]:
    """The record that survived the person's merges, and every record of the person:
    that one and, transitively, every contact merged into it (none for a person named
    by address alone)."""
    if contact_id is None:
        return None, set()
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


def _names_them(ids: set[int], emails: set[str]) -> ColumnElement[bool]:
    """A webhook message whose payload names one of the person's contacts, or carries
    one of their addresses (a pending confirmation's link request names no contact)."""
    chosen = sorted(ids)
    by_id = [OutboxMessage.payload[key].as_integer().in_(chosen) for key in _NAMED_BY]
    address = func.lower(OutboxMessage.payload["email"].as_string())
    return or_(*by_id, address.in_(sorted(emails)))


def _row(table: Table, row: Any) -> dict[str, Any]:
    hidden = _WITHHELD.get(table.name, frozenset())
    return {key: _plain(value) for key, value in row.items() if key not in hidden}


def _plain(value: object) -> object:
    return utc_text(value) if isinstance(value, datetime) and value.tzinfo else value
