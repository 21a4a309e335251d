"""The real-time path's statements about events, contacts and visitors (see realtime.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow.store.driver import Driver, Row
from leadflow.store.realtime_people import PERSON_AFTER

__all__ = ["INSERT_EVENT", "EventStatements", "StoredEvent"]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the store holds it: enough to replay it into the engine."""

    id: int
    type: str
    at: datetime
    properties: Mapping[str, Any]


# The event's INSERT; a stored ``(source, key)`` makes it return no row (a duplicate).
INSERT_EVENT = (
    "INSERT INTO events (source, idempotency_key, contact_id, visitor_id, type, at,"
    " properties, received_at) VALUES (:source, :key, :contact_id, :visitor_id, :type,"
    " :at, :properties, :received_at)"
    " ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id"
)
# PostgreSQL: the same INSERT, and in the same statement (one round trip fewer) the
# person it is for, read as ``load_person`` reads it, behind the event's id (NULL: a
# duplicate). The contact is locked before (``lock_contact``), so the row is current.
_INSERT_EVENT_READING_PERSON = (
    f"WITH inserted AS ({INSERT_EVENT}) SELECT (SELECT id FROM inserted), {PERSON_AFTER}"
)


class EventStatements:
    """Store events; find, create and lock contacts; follow anonymous visitors."""

    driver: Driver
    # Shared with PersonStatements (realtime_people.py): the person read ahead for the
    # next ``load_person``.
    _prefetched: tuple[int, Row] | None = None

    def find_event(self, source: str, key: str) -> tuple[int, int | None] | None:
        row = self.driver.one(
            "SELECT id, contact_id FROM events WHERE source = :source AND idempotency_key = :key",
            {"source": source, "key": key},
        )
        return None if row is None else (row[0], row[1])

    def insert_event(
        self,
        *,
        source: str,
        key: str | None,
        contact_id: int | None,
        visitor_id: str | None,
        event_type: str,
        at: datetime,
        properties: Mapping[str, Any],
        received_at: datetime,
        person_next: bool = False,
    ) -> int | None:
        """The new event's id; None when a concurrent writer stored ``(source, key)`` first.

        ``person_next``: the caller holds the contact's lock (``lock_contact``) and reads
        its person next, with nothing written to it in between. On PostgreSQL the INSERT
        then reads it too, for that ``load_person`` (SQLite read it with the look-up by
        e-mail already)."""
        d = self.driver
        values = {
            "source": source,
            "key": key,
            "contact_id": contact_id,
            "visitor_id": visitor_id,
            "type": event_type,
            "at": d.instant(at),
            "properties": d.document(properties),
            "received_at": d.instant(received_at),
        }
        if not person_next or d.dialect == "sqlite" or contact_id is None:
            event_id: int | None = d.scalar(INSERT_EVENT, values)
            return event_id
        row = d.one(_INSERT_EVENT_READING_PERSON, {**values, "id": contact_id})
        if row is None or row[0] is None:  # a duplicate (or no such contact)
            return None
        self._prefetched = (contact_id, row)
        return int(row[0])

    def contact_events(self, contact_id: int) -> list[StoredEvent]:
        d = self.driver
        rows = d.all(
            "SELECT id, type, at, properties FROM events WHERE contact_id = :id ORDER BY at, id",
            {"id": contact_id},
        )
        return [StoredEvent(r[0], r[1], d.read_instant(r[2]), d.read_document(r[3])) for r in rows]

    # Contacts and visitors -----------------------------------------------------------

    def contact_by_id(self, contact_id: int) -> int | None:
        """The contact's id, or the survivor's when it was merged; None when unknown."""
        row = self.driver.one(
            "SELECT id, merged_into_id FROM contacts WHERE id = :id", {"id": contact_id}
        )
        if row is None:
            return None
        return int(row[1] or row[0])

    def contact_by_external_id(self, external_id: str) -> int | None:
        found = self.driver.scalar(
            "SELECT id FROM contacts WHERE external_id = :x", {"x": external_id}
        )
        return None if found is None else int(found)

    def create_contact(
        self, email: str, domain: str | None, now: datetime, *, company_domain: str | None
    ) -> tuple[int, bool]:
        """(id, created). Two writers creating the same address (PostgreSQL) get one contact.

        The new contact joins the account of ``company_domain`` (its e-mail's, unless free
        mail), when there is one, as an import would attach it: the persona's
        firmographics apply from its first event."""
        d = self.driver
        created = d.scalar(
            "INSERT INTO contacts (email, domain, account_id, purchased, identity, attributes,"
            " created_at, updated_at) VALUES (:email, :domain,"
            " (SELECT id FROM accounts WHERE domain = :account_domain), :purchased, 'known',"
            " :attributes, :now, :now)"
            " ON CONFLICT (email) DO NOTHING RETURNING id",
            {
                "email": email,
                "domain": domain,
                "account_domain": company_domain,  # its own name: PostgreSQL types each
                "purchased": False,
                "attributes": d.document({}),
                "now": d.instant(now),
            },
        )
        if created is not None:
            return int(created), True
        existing = self.driver.scalar("SELECT id FROM contacts WHERE email = :e", {"e": email})
        if existing is None:
            raise LookupError(f"contact {email} conflicted but cannot be read")
        return int(existing), False

    def delete_new_contact(self, contact_id: int) -> None:
        """Take back a contact created in this transaction that nothing refers to yet."""
        self.driver.execute("DELETE FROM contacts WHERE id = :id", {"id": contact_id})

    def claim_external_id(self, contact_id: int, external_id: str) -> None:
        """Give the contact this CRM id, unless it has one or another contact holds it."""
        self.driver.execute(
            "UPDATE contacts SET external_id = :x WHERE id = :id AND external_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.external_id = :x)",
            {"x": external_id, "id": contact_id},
        )

    def visitor(self, visitor_id: str) -> tuple[bool, int | None]:
        """(known, contact id): whether the visitor was seen, and whom it turned out to be."""
        row = self.driver.one("SELECT contact_id FROM visitors WHERE id = :v", {"v": visitor_id})
        return (False, None) if row is None else (True, row[0])

    def add_visitor(self, visitor_id: str, at: datetime, contact_id: int | None) -> None:
        d = self.driver
        when = d.instant(at)
        d.execute(
            "INSERT INTO visitors (id, contact_id, first_seen_at, last_seen_at, identified_at)"
            " VALUES (:v, :contact_id, :at, :at, :identified) ON CONFLICT (id) DO NOTHING",
            {
                "v": visitor_id,
                "contact_id": contact_id,
                "at": when,
                "identified": when if contact_id is not None else None,
            },
        )

    def see_visitor(self, visitor_id: str, at: datetime) -> None:
        self.driver.execute(
            "UPDATE visitors SET last_seen_at = :at WHERE id = :v AND last_seen_at < :at",
            {"v": visitor_id, "at": self.driver.instant(at)},
        )

    def visitor_first_pages(self, visitor_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """The properties of the visitor's earliest events (its landing page among them)."""
        d = self.driver
        rows = d.all(
            "SELECT properties FROM events WHERE visitor_id = :v ORDER BY at, id LIMIT :n",
            {"v": visitor_id, "n": limit},
        )
        return [d.read_document(row[0]) for row in rows]

    def fill_contact_source(
        self, contact_id: int, channel: str, medium: str | None, campaign: str | None
    ) -> None:
        """Give a contact without a source channel this one (never overwrites)."""
        self.driver.execute(
            "UPDATE contacts SET source_channel = :channel,"
            " source_medium = COALESCE(source_medium, :medium),"
            " source_campaign = COALESCE(source_campaign, :campaign)"
            " WHERE id = :id AND source_channel IS NULL",
            {"id": contact_id, "channel": channel, "medium": medium, "campaign": campaign},
        )

    def identify_visitor(self, visitor_id: str, contact_id: int, at: datetime) -> int:
        """Link the visitor to the contact; its anonymous events join the contact's history.

        Returns how many events changed hands.
        """
        d = self.driver
        d.execute(
            "UPDATE visitors SET contact_id = :c, identified_at = :at WHERE id = :v",
            {"c": contact_id, "v": visitor_id, "at": d.instant(at)},
        )
        return d.changed(
            "UPDATE events SET contact_id = :c WHERE visitor_id = :v AND contact_id IS NULL",
            {"c": contact_id, "v": visitor_id},
        )

    # Facts and qualification ---------------------------------------------------------
