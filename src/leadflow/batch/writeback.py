"""Write a batch result back to the store: every qualification, and the ledger of moves.

Three set-based statements, each sent as one ``executemany`` per chunk of rows:

    upsert    qualifications: the scores, grade, temperature, lead type and sales-ready
              flag of every contact, the learned model's prediction (NULL without one),
              the definition version, ``qualified_at``, and the last activity: the
              latest event or sales fact the frames hold, never moved back (a sales
              attempt the frames do not hold may be later), the contact's creation
              when it has none (as the real-time path, services/requalify.py). A new row
              gets an empty engine state, which the real-time path rebuilds from the
              events on the contact's next event (it rebuilds whenever a state does not
              fit the active definition, services/events.py)
    moves     the lifecycle columns of the leads that moved (stage, since when, the
              funnel stage; off-ramp details cleared, as ``apply_transition`` does)
    ledger    one stage_transitions row per move, with the rule and the reason
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from leadflow.batch.frames import MISSING_TIME, Column, ContactFrame, EventFrame, Ints, instant
from leadflow.batch.lifecycle import Moves
from leadflow.batch.result import BatchResult
from leadflow.domain.vocabulary import Grade, LeadType, Temperature
from leadflow.store.driver import driver_for

__all__ = ["Written", "last_activity", "write_back"]

_CHUNK = 5_000

_UPSERT = """
INSERT INTO qualifications (contact_id, stage, fit_score, fit_grade, engagement_score,
    temperature, lead_type, sales_ready, prediction, definition_version_id, state,
    qualified_at, last_activity_at, updated_at)
VALUES (:contact_id, NULL, :fit_score, :fit_grade, :engagement_score, :temperature,
    :lead_type, :sales_ready, :prediction, :version_id, :state, :qualified_at,
    COALESCE(:last_activity_at, (SELECT created_at FROM contacts WHERE id = :contact_id)),
    :updated_at)
ON CONFLICT (contact_id) DO UPDATE SET fit_score = excluded.fit_score,
    fit_grade = excluded.fit_grade, engagement_score = excluded.engagement_score,
    temperature = excluded.temperature, lead_type = excluded.lead_type,
    sales_ready = excluded.sales_ready, prediction = excluded.prediction,
    definition_version_id = excluded.definition_version_id,
    qualified_at = excluded.qualified_at, updated_at = excluded.updated_at,
    last_activity_at = CASE WHEN excluded.last_activity_at > qualifications.last_activity_at
        THEN excluded.last_activity_at ELSE qualifications.last_activity_at END
"""

_MOVE = """
UPDATE qualifications SET stage = :stage, stage_entered_at = :at, stage_version = :version,
    funnel_stage = :stage, recycled_at = NULL, recycled_reason = NULL,
    disqualified_at = NULL, disqualified_reason = NULL
WHERE contact_id = :contact_id
"""

_LEDGER = """
INSERT INTO stage_transitions (contact_id, from_stage, to_stage, at, rule, actor, reason,
    definition_version_id, event_id)
VALUES (:contact_id, :from_stage, :to_stage, :at, :rule, NULL, :reason, :version_id, NULL)
"""


@dataclass(frozen=True, slots=True)
class Written:
    qualifications: int
    transitions: int
    moved_to: Mapping[str, int]  # stage -> leads that moved there


def write_back(
    connection: Connection,
    result: BatchResult,
    moves: Moves,
    stored: Column,
    events: EventFrame,
    *,
    version_id: int,
    updated_at: datetime,
) -> Written:
    """Write ``result`` in the caller's transaction (nothing is committed here)."""
    driver = driver_for(connection)
    qualified = driver.instant(result.now)
    updated = driver.instant(updated_at)
    state = driver.document({})
    activity = [
        None if us == MISSING_TIME else driver.instant(instant(us))
        for us in last_activity(result.contacts, events).tolist()
    ]
    rows = _qualification_rows(result, version_id, state, qualified, updated)
    _many(
        connection,
        _UPSERT,
        ({**row, "last_activity_at": at} for row, at in zip(rows, activity, strict=True)),
    )
    moved = np.flatnonzero(moves.moved)
    stages = stored.python_values()
    transitions = []
    counts: dict[str, int] = {}
    for row in moved.tolist():
        code = int(stored.codes[row])
        before = None if code < 0 else str(stages[code])
        move = moves.transition(row, before)
        counts[move.to_stage] = counts.get(move.to_stage, 0) + 1
        transitions.append(
            {
                "contact_id": int(result.contacts.ids[row]),
                "from_stage": before,
                "to_stage": move.to_stage,
                "at": qualified,
                "rule": move.rule,
                "reason": move.reason[:500],
                "version_id": version_id,
                "stage": move.to_stage,
                "version": move.definition_version,
            }
        )
    _many(connection, _MOVE, transitions)
    _many(connection, _LEDGER, transitions)
    return Written(result.size, len(transitions), counts)


def last_activity(contacts: ContactFrame, events: EventFrame) -> Ints:
    """Each contact's latest event, conversation, deal opened or closed, in microseconds
    (``MISSING_TIME``: none)."""
    latest = np.maximum(contacts.opportunity.created_us, contacts.opportunity.closed_us)
    talks = contacts.conversations
    np.maximum.at(latest, np.asarray(talks.row, dtype=np.intp), talks.at_us)
    if events.size:  # clustered by contact: one maximum per run of rows
        rows = np.asarray(events.row, dtype=np.intp)
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        runs = np.maximum.reduceat(events.at_us, starts)
        latest[rows[starts]] = np.maximum(latest[rows[starts]], runs)
    return latest


def _qualification_rows(
    result: BatchResult, version_id: int, state: object, qualified: object, updated: object
) -> Iterator[dict[str, Any]]:
    grades = [grade.value for grade in Grade]
    temperatures = [kind.value for kind in Temperature]
    lead_types = [kind.value for kind in LeadType]
    columns = zip(
        result.contacts.ids.tolist(),
        result.fit.tolist(),
        result.grade.tolist(),
        result.engagement.tolist(),
        result.temperature.tolist(),
        result.lead_type.tolist(),
        result.sales_ready.tolist(),
        result.contacts.prediction.tolist(),
        strict=True,
    )
    for contact, fit, grade, engagement, temperature, lead_type, ready, chance in columns:
        yield {
            "contact_id": contact,
            "fit_score": fit,
            "fit_grade": grades[grade],
            "engagement_score": engagement,
            "temperature": temperatures[temperature],
            "lead_type": lead_types[lead_type],
            "sales_ready": ready,
            "prediction": None if math.isnan(chance) else chance,  # NaN: no model
            "version_id": version_id,
            "state": state,
            "qualified_at": qualified,
            "updated_at": updated,
        }


def _many(connection: Connection, sql: str, rows: Iterable[dict[str, Any]]) -> None:
    statement = text(sql)
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            connection.execute(statement, chunk)
            chunk = []
    if chunk:
        connection.execute(statement, chunk)
