"""The real-time path's statements about a person: facts and stored state in (see realtime.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.domain.lifecycle import LifecycleState
from leadflow.store.consent_history import RECORD_DECISION, as_of_sql
from leadflow.store.driver import Driver, Row
from leadflow.store.realtime_qualification import (
    QUALIFICATION_COLUMNS,
    StoredQualification,
    stored_qualification,
)

__all__ = [
    "CONTACT_COLUMNS",
    "PERSON_AFTER",
    "PERSON_BY_EMAIL",
    "SIDE_TABLES",
    "PersonRow",
    "PersonStatements",
]

# Contact columns that are facts (``contact.<name>`` in a definition), besides attributes.
CONTACT_COLUMNS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "title",
    "seniority",
    "department",
    "country",
    "company",
    "domain",
    "owner",
)
ACCOUNT_COLUMNS: tuple[str, ...] = ("name", "domain", "industry", "employees", "revenue", "country")
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_channel",
    "source_medium",
    "source_campaign",
    "purchased",
    "vendor",
)

# Tables of facts most contacts have none of; the person query says which ones to read,
# so a contact without them costs one query instead of six.
SIDE_TABLES: tuple[str, ...] = (
    "consents",
    "bant_facts",
    "conversations",
    "opportunities",
    "handoffs",
)

_PERSON_COLUMNS = (
    ", ".join(f"c.{name}" for name in (*CONTACT_COLUMNS, *SOURCE_COLUMNS))
    + ", c.identity, c.attributes, "
    + ", ".join(f"a.{name}" for name in ACCOUNT_COLUMNS)
    + ", a.attributes, q.contact_id, "
    + ", ".join(f"q.{name}" for name in QUALIFICATION_COLUMNS)
    + ", "
    + ", ".join(
        f"EXISTS (SELECT 1 FROM {table} s WHERE s.contact_id = c.id)" for table in SIDE_TABLES
    )
    + " FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id"
    " LEFT JOIN qualifications q ON q.contact_id = c.id"
)
# The person's columns and tables by id, after a SELECT (the PostgreSQL event INSERT
# reads it too, realtime_events.py).
PERSON_AFTER = _PERSON_COLUMNS + " WHERE c.id = :id"
_PERSON = "SELECT " + PERSON_AFTER
# The same, found by e-mail, with the id first: attribution's look-up and the person in one.
PERSON_BY_EMAIL = "SELECT c.id, " + _PERSON_COLUMNS + " WHERE c.email = :email"

# The decision in force, unless a later one is on file, or it would only say "granted"
# of an address the person confirmed (double opt-in): a sign-up to another list is no
# reason to forget the confirmation, which a definition may require (the import's rule,
# ingest/consent_rules.py). The history takes the decision either way.
_SET_CONSENT = """
INSERT INTO consents (contact_id, channel, status, source, at, event_id)
VALUES (:contact_id, :channel, :status, :source, :at, :event_id)
ON CONFLICT (contact_id, channel) DO UPDATE SET status = excluded.status,
    source = excluded.source, at = excluded.at, event_id = excluded.event_id
WHERE consents.at <= excluded.at
    AND NOT (consents.status = 'confirmed' AND excluded.status = 'granted')
"""
_CONSENTS_AS_OF = as_of_sql(" AND contact_id = :id", " AND h.contact_id = :id")


@dataclass(slots=True)
class PersonRow:
    """One contact's attribute facts and stored qualification state, read in one query."""

    contact_id: int
    contact: dict[str, object]
    account: dict[str, object]
    source: dict[str, object]
    identity: str
    qualified: bool  # a qualification row exists
    summary_text: str | None
    definition_version_id: int | None
    lifecycle: LifecycleState
    side_tables: frozenset[str]  # the SIDE_TABLES holding rows for this contact
    # The stored qualification row (None: there is none), so that writing it back
    # sets only what changed (realtime_qualification.py).
    stored: StoredQualification | None = None


class PersonStatements:
    """Read a contact's facts and stored state; write its consent.

    On SQLite, finding a contact by e-mail reads the whole person in the same statement
    and keeps it for the ``load_person`` that follows (one statement fewer per event).
    That is safe there only: a SQLite writer holds the database from ``BEGIN IMMEDIATE``,
    so nothing can change the row in between. The kept row serves one ``load_person``
    at most, and ``set_consent`` (which changes what it says) and ``forget_prefetched``
    (the real-time path calls it around each event) drop it.

    On PostgreSQL the person must be read after the contact's lock is granted, in a
    statement of its own: a statement sees the data as it was when it began, and a
    lock waited for inside it would leave it reading the state the other writer has
    just replaced. So there the look-up *is* the lock (``FOR UPDATE``, one statement
    instead of two), and ``lock_contact`` does not lock the same contact again within
    the event.
    """

    driver: Driver
    _prefetched: tuple[int, Row] | None = None
    _locked: int | None = None  # the contact the look-up locked (PostgreSQL), this event

    def contact_by_email(self, email: str) -> int | None:
        d = self.driver
        if d.dialect != "sqlite":
            found = d.scalar("SELECT id FROM contacts WHERE email = :e FOR UPDATE", {"e": email})
            if found is None:
                return None
            self._locked = int(found)
            return self._locked
        row = d.one(PERSON_BY_EMAIL, {"email": email})
        if row is None:
            self._prefetched = None
            return None
        contact_id = int(row[0])
        self._prefetched = (contact_id, row)
        return contact_id

    def forget_prefetched(self) -> None:
        """Drop what the look-up kept for the event (the person, which contact it locked).
        The real-time path calls it before and after each event."""
        self._prefetched = None
        self._locked = None

    def lock_contact(self, contact_id: int) -> None:
        """Serialise writers of one contact (PostgreSQL): two events of the same person
        recorded at once must fold into the state one after the other, or one is lost."""
        if contact_id != self._locked:  # the look-up by e-mail took this lock already
            self.driver.lock_row("contacts", contact_id)

    def created_at(self, contact_id: int) -> datetime | None:
        """When the contact was created: in leadflow, or in the CRM it was imported from."""
        value = self.driver.scalar(
            "SELECT created_at FROM contacts WHERE id = :id", {"id": contact_id}
        )
        return None if value is None else self.driver.read_instant(value)

    def load_person(self, contact_id: int) -> PersonRow:
        kept, self._prefetched = self._prefetched, None
        if kept is not None and kept[0] == contact_id:
            return self._person(contact_id, kept[1], 1)
        row = self.driver.one(_PERSON, {"id": contact_id})
        if row is None:
            raise LookupError(f"contact {contact_id} does not exist")
        return self._person(contact_id, row)

    def _person(self, contact_id: int, row: Row, start: int = 0) -> PersonRow:
        d = self.driver
        if start:
            row = row[start:]
        contact_end = len(CONTACT_COLUMNS)
        source_end = contact_end + len(SOURCE_COLUMNS)
        contact = d.read_document(row[source_end + 1])
        contact.update(_present(CONTACT_COLUMNS, row[:contact_end]))
        account_start = source_end + 2
        account_end = account_start + len(ACCOUNT_COLUMNS)
        account = d.read_document(row[account_end]) if row[account_end] is not None else {}
        account.update(_present(ACCOUNT_COLUMNS, row[account_start:account_end]))
        source = dict(zip(SOURCE_COLUMNS, row[contact_end:source_end], strict=True))
        q = account_end + 1
        stored = None
        if row[q] is not None:
            stored = stored_qualification(d, row[q + 1 : q + 1 + len(QUALIFICATION_COLUMNS)])
        return PersonRow(
            contact_id=contact_id,
            contact=contact,
            account=account,
            source=source,
            identity=row[source_end],
            qualified=stored is not None,
            summary_text=None if stored is None else _text(stored["state"]),
            definition_version_id=None if stored is None else _id(stored["definition_version_id"]),
            lifecycle=LifecycleState() if stored is None else self._lifecycle(stored),
            side_tables=frozenset(
                table
                for table, present in zip(
                    SIDE_TABLES, row[q + 1 + len(QUALIFICATION_COLUMNS) :], strict=True
                )
                if present
            ),
            stored=stored,
        )

    def _lifecycle(self, stored: StoredQualification) -> LifecycleState:
        d = self.driver

        def instant(name: str) -> datetime | None:
            value = stored[name]
            return None if value is None else d.read_instant(value)

        return LifecycleState(
            stage=_text(stored["stage"]),
            entered_at=instant("stage_entered_at"),
            funnel_stage=_text(stored["funnel_stage"]),
            recycled_at=instant("recycled_at"),
            recycled_reason=_text(stored["recycled_reason"]),
            disqualified_at=instant("disqualified_at"),
            disqualified_reason=_text(stored["disqualified_reason"]),
            definition_version=_text(stored["stage_version"]),
        )

    def consents(self, contact_id: int, as_of: datetime | None = None) -> dict[str, str]:
        """The status per channel in force; with ``as_of``, as it stood at that moment
        (store/consent_history.py): a channel decided only later is absent."""
        d = self.driver
        if as_of is None:
            rows = d.all("SELECT channel, status FROM consents WHERE contact_id = :id",
                         {"id": contact_id})  # fmt: skip
        else:
            rows = [
                r[1:] for r in d.all(_CONSENTS_AS_OF, {"id": contact_id, "as_of": d.instant(as_of)})
            ]
        return {str(channel): str(status) for channel, status in rows}

    def bant_facts(
        self, contact_id: int, as_of: datetime | None = None
    ) -> list[tuple[str, bool | None, str | None]]:
        """(criterion, met, evidence), oldest first: the last one of a criterion counts;
        with ``as_of``, only what was stated by then."""
        d = self.driver
        known = "" if as_of is None else " AND at <= :as_of"
        rows = d.all(
            f"SELECT criterion, met, evidence FROM bant_facts WHERE contact_id = :id{known}"
            " ORDER BY at, id",
            {"id": contact_id} if as_of is None else {"id": contact_id, "as_of": d.instant(as_of)},
        )
        return [(r[0], None if r[1] is None else bool(r[1]), r[2]) for r in rows]

    def conversations(self, contact_id: int) -> list[tuple[datetime, str | None, str | None]]:
        d = self.driver
        rows = d.all(
            "SELECT at, rep, outcome FROM conversations WHERE contact_id = :id ORDER BY at, id",
            {"id": contact_id},
        )
        return [(d.read_instant(r[0]), r[1], r[2]) for r in rows]

    def latest_opportunity(self, contact_id: int) -> Row | None:
        """(status, amount, currency, created_at, closed_at) of the newest opportunity."""
        d = self.driver
        row = d.one(
            "SELECT status, amount, currency, created_at, closed_at FROM opportunities"
            " WHERE contact_id = :id ORDER BY created_at DESC, id DESC LIMIT 1",
            {"id": contact_id},
        )
        if row is None:
            return None
        closed = None if row[4] is None else d.read_instant(row[4])
        amount = None if row[1] is None else float(row[1])
        return (row[0], amount, row[2], d.read_instant(row[3]), closed)

    def sales_answer(self, contact_id: int, as_of: datetime | None = None) -> bool | None:
        """Sales' answer to the latest hand-off: accepted (True), rejected (False), or
        None while it waits for one (or the lead was never handed off). A rejection is
        forgotten once the lead is handed off again: the new hand-off waits for its own.
        With ``as_of``: the latest hand-off by then, and its answer if given by then."""
        d = self.driver
        if as_of is None:
            status = d.scalar(
                "SELECT status FROM handoffs WHERE contact_id = :id"
                " ORDER BY at DESC, id DESC LIMIT 1",
                {"id": contact_id},
            )
        else:
            status = d.scalar(
                "SELECT CASE WHEN answered_at <= :as_of THEN status END FROM handoffs"
                " WHERE contact_id = :id AND at <= :as_of ORDER BY at DESC, id DESC LIMIT 1",
                {"id": contact_id, "as_of": d.instant(as_of)},
            )
        return {"accepted": True, "rejected": False}.get(str(status))

    def accepted_at(self, contact_id: int) -> datetime | None:
        """When sales accepted the latest hand-off; None when it is not accepted."""
        d = self.driver
        row = d.one(
            "SELECT status, answered_at FROM handoffs WHERE contact_id = :id"
            " ORDER BY at DESC, id DESC LIMIT 1",
            {"id": contact_id},
        )
        if row is None or row[0] != "accepted" or row[1] is None:
            return None
        return d.read_instant(row[1])

    def current_stage(self, contact_id: int) -> tuple[str | None, bool]:
        """(stage, sales_ready) as last stored; (None, False) before any qualification."""
        row = self.driver.one(
            "SELECT stage, sales_ready FROM qualifications WHERE contact_id = :id",
            {"id": contact_id},
        )
        return (None, False) if row is None else (row[0], bool(row[1]))

    def set_consent(
        self,
        contact_id: int,
        channel: str,
        status: str,
        *,
        source: str | None,
        at: datetime,
        event_id: int | None,
        recorded_at: datetime,
        evidence: str | None = None,
    ) -> None:
        """Record the decision in the history, and as the consent in force unless a later
        decision on that channel is already stored."""
        self._prefetched = None  # the person's consent tables change
        d = self.driver
        decision = {
            "contact_id": contact_id,
            "channel": channel,
            "status": status,
            "source": source,
            "at": d.instant(at),
            "event_id": event_id,
        }
        d.execute(_SET_CONSENT, decision)
        decision["recorded_at"] = d.instant(recorded_at)
        decision["evidence"] = evidence
        d.execute(RECORD_DECISION, decision)


def _present(names: tuple[str, ...], values: Row) -> dict[str, object]:
    return {name: value for name, value in zip(names, values, strict=True) if value is not None}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _id(value: object) -> int | None:
    return value if isinstance(value, int) else None
