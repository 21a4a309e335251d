"""The real-time path's statements about a person: facts in, qualification out (see realtime.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.domain.qualification import Qualification
from leadflow.store.driver import Driver, Row

__all__ = ["CONTACT_COLUMNS", "SIDE_TABLES", "PersonRow", "PersonStatements"]

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


class PersonStatements:
    """Read a contact's facts and stored state; write its qualification, moves, consent."""

    driver: Driver

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
