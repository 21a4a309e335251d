"""The statements of the real-time path (recording one event), on a ``Driver``.

Each method is one or two indexed statements; together they are what
``services.events`` needs to store an event, find or create its contact, read the
person's facts and qualification state, and write the new state back. Nothing here
commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.domain.qualification import Qualification
from leadflow.store.driver import Driver, Row

__all__ = ["CONTACT_COLUMNS", "SIDE_TABLES", "PersonRow", "RealtimeStore", "StoredEvent"]

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
LIFECYCLE_COLUMNS: tuple[str, ...] = (
    "stage",
    "stage_entered_at",
    "funnel_stage",
    "recycled_at",
    "recycled_reason",
    "disqualified_at",
    "disqualified_reason",
    "stage_version",
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

_PERSON = (
    "SELECT "
    + ", ".join(f"c.{name}" for name in (*CONTACT_COLUMNS, *SOURCE_COLUMNS))
    + ", c.identity, c.attributes, "
    + ", ".join(f"a.{name}" for name in ACCOUNT_COLUMNS)
    + ", a.attributes, q.contact_id, q.state, q.definition_version_id, "
    + ", ".join(f"q.{name}" for name in LIFECYCLE_COLUMNS)
    + ", "
    + ", ".join(
        f"EXISTS (SELECT 1 FROM {table} s WHERE s.contact_id = c.id)" for table in SIDE_TABLES
    )
    + " FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id"
    " LEFT JOIN qualifications q ON q.contact_id = c.id WHERE c.id = :id"
)

_SAVE_QUALIFICATION = """
INSERT INTO qualifications (contact_id, stage, fit_score, fit_grade, engagement_score,
    temperature, lead_type, sales_ready, definition_version_id, state, qualified_at,
    stage_entered_at, stage_version, funnel_stage, recycled_at, recycled_reason,
    disqualified_at, disqualified_reason, updated_at)
VALUES (:contact_id, :stage, :fit_score, :fit_grade, :engagement_score, :temperature,
    :lead_type, :sales_ready, :definition_version_id, :state, :qualified_at,
    :stage_entered_at, :stage_version, :funnel_stage, :recycled_at, :recycled_reason,
    :disqualified_at, :disqualified_reason, :updated_at)
ON CONFLICT (contact_id) DO UPDATE SET stage = excluded.stage,
    fit_score = excluded.fit_score, fit_grade = excluded.fit_grade,
    engagement_score = excluded.engagement_score, temperature = excluded.temperature,
    lead_type = excluded.lead_type, sales_ready = excluded.sales_ready,
    definition_version_id = excluded.definition_version_id, state = excluded.state,
    qualified_at = excluded.qualified_at, stage_entered_at = excluded.stage_entered_at,
    stage_version = excluded.stage_version, funnel_stage = excluded.funnel_stage,
    recycled_at = excluded.recycled_at, recycled_reason = excluded.recycled_reason,
    disqualified_at = excluded.disqualified_at,
    disqualified_reason = excluded.disqualified_reason, updated_at = excluded.updated_at
"""

_SET_CONSENT = """
INSERT INTO consents (contact_id, channel, status, source, at, event_id)
VALUES (:contact_id, :channel, :status, :source, :at, :event_id)
ON CONFLICT (contact_id, channel) DO UPDATE SET status = excluded.status,
    source = excluded.source, at = excluded.at, event_id = excluded.event_id
WHERE consents.at <= excluded.at
"""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the store holds it: enough to replay it into the engine."""

    id: int
    type: str
    at: datetime
    properties: Mapping[str, Any]


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


class RealtimeStore:
    """The real-time path's statements; the caller begins and commits transactions."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    # Events -----------------------------------------------------------------------

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
    ) -> int | None:
        """The new event's id; None when a concurrent writer stored ``(source, key)`` first."""
        d = self.driver
        event_id: int | None = d.scalar(
            "INSERT INTO events (source, idempotency_key, contact_id, visitor_id, type, at,"
            " properties, received_at) VALUES (:source, :key, :contact_id, :visitor_id, :type,"
            " :at, :properties, :received_at)"
            " ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id",
            {
                "source": source,
                "key": key,
                "contact_id": contact_id,
                "visitor_id": visitor_id,
                "type": event_type,
                "at": d.instant(at),
                "properties": d.document(properties),
                "received_at": d.instant(received_at),
            },
        )
        return event_id

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

    def contact_by_email(self, email: str) -> int | None:
        found = self.driver.scalar("SELECT id FROM contacts WHERE email = :e", {"e": email})
        return None if found is None else int(found)

    def contact_by_external_id(self, external_id: str) -> int | None:
        found = self.driver.scalar(
            "SELECT id FROM contacts WHERE external_id = :x", {"x": external_id}
        )
        return None if found is None else int(found)

    def create_contact(self, email: str, domain: str | None, now: datetime) -> tuple[int, bool]:
        """(id, created). Two writers creating the same address (PostgreSQL) get one contact."""
        d = self.driver
        created = d.scalar(
            "INSERT INTO contacts (email, domain, purchased, identity, attributes, created_at,"
            " updated_at) VALUES (:email, :domain, :purchased, 'known', :attributes, :now, :now)"
            " ON CONFLICT (email) DO NOTHING RETURNING id",
            {
                "email": email,
                "domain": domain,
                "purchased": False,
                "attributes": d.document({}),
                "now": d.instant(now),
            },
        )
        if created is not None:
            return int(created), True
        existing = self.contact_by_email(email)
        if existing is None:
            raise LookupError(f"contact {email} conflicted but cannot be read")
        return existing, False

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

    def identify_visitor(self, visitor_id: str, contact_id: int, at: datetime) -> int:
        """Link the visitor to the contact; its anonymous events join the contact's history.

        Returns how many events changed hands.
        """
        d = self.driver
        d.execute(
            "UPDATE visitors SET contact_id = :c, identified_at = :at WHERE id = :v",
            {"c": contact_id, "v": visitor_id, "at": d.instant(at)},
        )
        cursor = d.execute(
            "UPDATE events SET contact_id = :c WHERE visitor_id = :v AND contact_id IS NULL",
            {"c": contact_id, "v": visitor_id},
        )
        return int(cursor.rowcount)

    # Facts and qualification ---------------------------------------------------------

    def lock_contact(self, contact_id: int) -> None:
        """Serialise writers of one contact (PostgreSQL): two events of the same person
        recorded at once must fold into the state one after the other, or one is lost."""
        self.driver.lock_row("contacts", contact_id)

    def load_person(self, contact_id: int) -> PersonRow:
        d = self.driver
        row = d.one(_PERSON, {"id": contact_id})
        if row is None:
            raise LookupError(f"contact {contact_id} does not exist")
        return self._person(contact_id, row)

    def _person(self, contact_id: int, row: Row) -> PersonRow:
        d = self.driver
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
        return PersonRow(
            contact_id=contact_id,
            contact=contact,
            account=account,
            source=source,
            identity=row[source_end],
            qualified=row[q] is not None,
            summary_text=d.read_document_text(row[q + 1]) if row[q] is not None else None,
            definition_version_id=row[q + 2],
            lifecycle=self._lifecycle(row[q + 3 : q + 3 + len(LIFECYCLE_COLUMNS)]),
            side_tables=frozenset(
                table
                for table, present in zip(
                    SIDE_TABLES, row[q + 3 + len(LIFECYCLE_COLUMNS) :], strict=True
                )
                if present
            ),
        )

    def _lifecycle(self, values: Row) -> LifecycleState:
        d = self.driver
        stage, entered, funnel, recycled, recycled_why, disqualified, why, version = values

        def instant(value: Any) -> datetime | None:
            return None if value is None else d.read_instant(value)

        return LifecycleState(
            stage=stage,
            entered_at=instant(entered),
            funnel_stage=funnel,
            recycled_at=instant(recycled),
            recycled_reason=recycled_why,
            disqualified_at=instant(disqualified),
            disqualified_reason=why,
            definition_version=version,
        )

    def consents(self, contact_id: int) -> dict[str, str]:
        rows = self.driver.all(
            "SELECT channel, status FROM consents WHERE contact_id = :id", {"id": contact_id}
        )
        return {str(channel): str(status) for channel, status in rows}

    def bant_facts(self, contact_id: int) -> list[tuple[str, bool | None, str | None]]:
        """(criterion, met, evidence), oldest first: the last one of a criterion counts."""
        rows = self.driver.all(
            "SELECT criterion, met, evidence FROM bant_facts WHERE contact_id = :id"
            " ORDER BY at, id",
            {"id": contact_id},
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

    def sales_answer(self, contact_id: int) -> bool | None:
        """Whether sales accepted (True) or rejected (False) the latest answered hand-off."""
        status = self.driver.scalar(
            "SELECT status FROM handoffs WHERE contact_id = :id AND status IN"
            " ('accepted', 'rejected') ORDER BY answered_at DESC, id DESC LIMIT 1",
            {"id": contact_id},
        )
        return None if status is None else status == "accepted"

    def current_stage(self, contact_id: int) -> tuple[str | None, bool]:
        """(stage, sales_ready) as last stored; (None, False) before any qualification."""
        row = self.driver.one(
            "SELECT stage, sales_ready FROM qualifications WHERE contact_id = :id",
            {"id": contact_id},
        )
        return (None, False) if row is None else (row[0], bool(row[1]))

    def transitions_of_event(self, event_id: int) -> list[Transition]:
        """The stage moves an event caused, from the ledger."""
        d = self.driver
        rows = d.all(
            "SELECT t.from_stage, t.to_stage, t.at, t.reason, v.version, t.rule, t.actor"
            " FROM stage_transitions t LEFT JOIN definition_versions v"
            " ON v.id = t.definition_version_id WHERE t.event_id = :id ORDER BY t.id",
            {"id": event_id},
        )
        return [
            Transition(r[0], r[1], d.read_instant(r[2]), r[3] or "", r[4], r[5], r[6]) for r in rows
        ]

    def save_qualification(
        self,
        contact_id: int,
        qualification: Qualification,
        lifecycle: LifecycleState,
        summary_text: str,
        definition_version_id: int,
        now: datetime,
    ) -> None:
        d = self.driver

        def instant(value: datetime | None) -> object:
            return None if value is None else d.instant(value)

        d.execute(
            _SAVE_QUALIFICATION,
            {
                "contact_id": contact_id,
                "stage": lifecycle.stage,
                "fit_score": qualification.fit.score,
                "fit_grade": qualification.fit.grade.value,
                "engagement_score": qualification.engagement.score,
                "temperature": qualification.temperature.value,
                "lead_type": qualification.lead_type.value,
                "sales_ready": qualification.sales_ready,
                "definition_version_id": definition_version_id,
                "state": d.document_text(summary_text),
                "qualified_at": d.instant(qualification.at),
                "stage_entered_at": instant(lifecycle.entered_at),
                "stage_version": lifecycle.definition_version,
                "funnel_stage": lifecycle.funnel_stage,
                "recycled_at": instant(lifecycle.recycled_at),
                "recycled_reason": lifecycle.recycled_reason,
                "disqualified_at": instant(lifecycle.disqualified_at),
                "disqualified_reason": lifecycle.disqualified_reason,
                "updated_at": d.instant(now),
            },
        )

    def add_transition(
        self,
        contact_id: int,
        transition: Transition,
        definition_version_id: int | None,
        event_id: int | None,
    ) -> None:
        d = self.driver
        d.execute(
            "INSERT INTO stage_transitions (contact_id, from_stage, to_stage, at, rule, actor,"
            " reason, definition_version_id, event_id) VALUES (:contact_id, :from_stage,"
            " :to_stage, :at, :rule, :actor, :reason, :version_id, :event_id)",
            {
                "contact_id": contact_id,
                "from_stage": transition.from_stage,
                "to_stage": transition.to_stage,
                "at": d.instant(transition.at),
                "rule": transition.rule,
                "actor": transition.actor,
                "reason": transition.reason[:500],
                "version_id": definition_version_id,
                "event_id": event_id,
            },
        )

    def set_consent(
        self,
        contact_id: int,
        channel: str,
        status: str,
        *,
        source: str | None,
        at: datetime,
        event_id: int | None,
    ) -> None:
        """Record the consent unless a later decision on that channel is already stored."""
        d = self.driver
        d.execute(
            _SET_CONSENT,
            {
                "contact_id": contact_id,
                "channel": channel,
                "status": status,
                "source": source,
                "at": d.instant(at),
                "event_id": event_id,
            },
        )


def _present(names: tuple[str, ...], values: Row) -> dict[str, object]:
    return {name: value for name, value in zip(names, values, strict=True) if value is not None}
