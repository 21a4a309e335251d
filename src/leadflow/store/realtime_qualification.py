"""The real-time path's writes of a contact's qualification and stage moves (see realtime.py).

A qualification row is rewritten for every recorded event, and on SQLite the cost of
an UPDATE grows with the indexes it touches: SQLite maintains every index on a column
the statement *sets*, whether or not the value changed. The leads list indexes seven
columns of ``qualifications`` (stage, grade, scores, temperature, lead type, last activity),
and most of them keep their value from one event to the next. So when the stored row is
known (``load_person`` reads it as ``StoredQualification``), ``save_qualification``
sets only the columns whose value changed, and writes nothing at all when none did.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from leadflow.domain.lifecycle import LifecycleState, Transition
from leadflow.domain.qualification import Qualification
from leadflow.store.driver import Driver, Row

__all__ = [
    "QUALIFICATION_COLUMNS",
    "QualificationStatements",
    "StoredQualification",
    "stored_qualification",
]

# The columns of ``qualifications`` a re-qualification writes, besides the key and
# ``updated_at``. ``load_person`` reads them in this order.
QUALIFICATION_COLUMNS: tuple[str, ...] = (
    "stage",
    "fit_score",
    "fit_grade",
    "engagement_score",
    "temperature",
    "lead_type",
    "sales_ready",
    "definition_version_id",
    "state",
    "qualified_at",
    "stage_entered_at",
    "stage_version",
    "funnel_stage",
    "recycled_at",
    "recycled_reason",
    "disqualified_at",
    "disqualified_reason",
    "prediction",
    "last_activity_at",
)
_STATE = "state"

# A stored row as comparable values: each column as ``_values`` would write it (instants
# in the driver's form, the summary as its JSON text).
StoredQualification = Mapping[str, object]

_UPSERT = (
    "INSERT INTO qualifications (contact_id, "
    + ", ".join(QUALIFICATION_COLUMNS)
    + ", updated_at) VALUES (:contact_id, "
    + ", ".join(f":{name}" for name in QUALIFICATION_COLUMNS)
    + ", :updated_at) ON CONFLICT (contact_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in (*QUALIFICATION_COLUMNS, "updated_at"))
)
# UPDATE statements by the columns they set; the combinations that occur are few.
_updates: dict[tuple[str, ...], str] = {}


def stored_qualification(driver: Driver, values: Row) -> StoredQualification:
    """The stored row read in QUALIFICATION_COLUMNS order, in comparable form."""
    stored = dict(zip(QUALIFICATION_COLUMNS, values, strict=True))
    stored[_STATE] = driver.read_document_text(stored[_STATE])
    return stored


class QualificationStatements:
    """Write a contact's qualification and its stage moves; read moves back."""

    driver: Driver

    def save_qualification(
        self,
        contact_id: int,
        qualification: Qualification,
        lifecycle: LifecycleState,
        summary_text: str,
        definition_version_id: int,
        now: datetime,
        *,
        last_activity: datetime,
        stored: StoredQualification | None = None,
        prediction: float | None = None,
    ) -> None:
        """Write the row; with the ``stored`` row, only the columns that changed.
        ``prediction``: the learned model's probability qualified with (None: no model);
        ``last_activity``: the lead's latest event or sales activity (requalify.py)."""
        values = _values(self.driver, qualification, lifecycle, summary_text)
        values["prediction"] = prediction
        values["last_activity_at"] = self.driver.instant(last_activity)
        values["definition_version_id"] = definition_version_id
        if stored is None:
            self._write(_UPSERT, contact_id, values, now)
            return
        changed = tuple(name for name in QUALIFICATION_COLUMNS if values[name] != stored[name])
        if not changed:
            return  # the same row: nothing to write, no index to touch
        sql = _updates.get(changed)
        if sql is None:
            assignments = ", ".join(f"{name} = :{name}" for name in changed)
            sql = _updates[changed] = (
                f"UPDATE qualifications SET {assignments}, updated_at = :updated_at"
                " WHERE contact_id = :contact_id"
            )
        self._write(sql, contact_id, {name: values[name] for name in changed}, now)

    def _write(self, sql: str, contact_id: int, values: dict[str, object], now: datetime) -> None:
        d = self.driver
        if _STATE in values:
            values[_STATE] = d.document_text(str(values[_STATE]))
        values["contact_id"] = contact_id
        values["updated_at"] = d.instant(now)
        d.execute(sql, values)

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

    def latest_move_at(self, contact_id: int) -> datetime | None:
        """When the contact's latest ledger line is dated (None: it has none)."""
        d = self.driver
        value = d.scalar(
            "SELECT MAX(at) FROM stage_transitions WHERE contact_id = :id", {"id": contact_id}
        )
        return None if value is None else d.read_instant(value)

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


def _values(
    d: Driver, qualification: Qualification, lifecycle: LifecycleState, summary_text: str
) -> dict[str, object]:
    def instant(value: datetime | None) -> object:
        return None if value is None else d.instant(value)

    return {
        "stage": lifecycle.stage,
        "fit_score": qualification.fit.score,
        "fit_grade": qualification.fit.grade.value,
        "engagement_score": qualification.engagement.score,
        "temperature": qualification.temperature.value,
        "lead_type": qualification.lead_type.value,
        "sales_ready": qualification.sales_ready,
        "state": summary_text,
        "qualified_at": d.instant(qualification.at),
        "stage_entered_at": instant(lifecycle.entered_at),
        "stage_version": lifecycle.definition_version,
        "funnel_stage": lifecycle.funnel_stage,
        "recycled_at": instant(lifecycle.recycled_at),
        "recycled_reason": lifecycle.recycled_reason,
        "disqualified_at": instant(lifecycle.disqualified_at),
        "disqualified_reason": lifecycle.disqualified_reason,
    }
