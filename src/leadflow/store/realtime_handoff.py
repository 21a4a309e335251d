"""The statements of the sales hand-off, on a ``Driver`` like the rest of the real-time path.

A lead is handed off inside the transaction that made it sales-ready, which may be an
``EventRecorder``'s plain DBAPI connection; so routing reads and the hand-off's rows are
written here in SQL, as ``realtime_people`` does for qualification. Services holding a
SQLAlchemy Session use the same statements through ``driver_for(session.connection())``
(flush first). Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from leadflow.domain.lifecycle import LifecycleState
from leadflow.store.driver import Driver

__all__ = ["CandidateRow", "HandoffStatements", "LatestHandoff", "TeamCalendarRow"]

_CANDIDATES = """
SELECT r.id, r.key, t.key, r.team_id, r.capacity,
    (SELECT COUNT(*) FROM handoff_work w WHERE w.rep_id = r.id AND w.closed_at IS NULL),
    EXISTS (SELECT 1 FROM rep_absences a WHERE a.rep_id = r.id
            AND a.starts_at <= :now AND a.ends_at > :now)
FROM reps r JOIN teams t ON t.id = r.team_id
WHERE r.active ORDER BY r.id
"""

_SAVE_STATE = """
INSERT INTO round_robin_state (pool, rep_id, current) VALUES (:pool, :rep_id, :current)
ON CONFLICT (pool, rep_id) DO UPDATE SET current = excluded.current
"""

_INSERT_WORK = """
INSERT INTO handoff_work (handoff_id, contact_id, assignment_id, rep_id, why, trigger,
    attempts, connected, under_worked)
VALUES (:handoff_id, :contact_id, :assignment_id, :rep_id, :why, :trigger, 0, :no, :no)
"""


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """An active rep as routing sees it: capacity, current load, absent right now."""

    id: int
    key: str
    team: str
    team_id: int
    capacity: int
    load: int  # hand-offs the rep holds that are not closed
    absent: bool

    @property
    def available(self) -> bool:
        return not self.absent and self.load < self.capacity


@dataclass(frozen=True, slots=True)
class LatestHandoff:
    at: datetime
    live: bool  # open, or accepted and still being worked
    # When sales finished with it (work closed: rejected, recycled, won, lost ...); None
    # while live, or for a hand-off from elsewhere without a work row.
    ended: datetime | None = None


@dataclass(frozen=True, slots=True)
class TeamCalendarRow:
    time_zone: str
    working_hours: str
    holidays: frozenset[date]


class HandoffStatements:
    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    # Reading ------------------------------------------------------------------------

    def latest_handoff(self, contact_id: int) -> LatestHandoff | None:
        d = self.driver
        row = d.one(
            "SELECT h.at, h.status, w.handoff_id, w.closed_at FROM handoffs h"
            " LEFT JOIN handoff_work w ON w.handoff_id = h.id WHERE h.contact_id = :id"
            " ORDER BY h.at DESC, h.id DESC LIMIT 1",
            {"id": contact_id},
        )
        if row is None:
            return None
        at, status, worked, closed = row
        # A hand-off from elsewhere (an import) has no work row: open or accepted is live.
        live = status in ("open", "accepted") and (worked is None or closed is None)
        ended = None if closed is None else d.read_instant(closed)
        return LatestHandoff(d.read_instant(at), live, ended)

    def holds_lead(self, contact_id: int) -> bool:
        """Whether sales holds the lead now: its latest hand-off is live."""
        latest = self.latest_handoff(contact_id)
        return latest is not None and latest.live

    def candidates(self, now: datetime) -> list[CandidateRow]:
        rows = self.driver.all(_CANDIDATES, {"now": self.driver.instant(now)})
        return [
            CandidateRow(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]), bool(r[6])) for r in rows
        ]

    def account_owner(self, contact_id: int) -> int | None:
        found = self.driver.scalar(
            "SELECT o.rep_id FROM contacts c JOIN account_owners o ON o.account_id = c.account_id"
            " WHERE c.id = :id",
            {"id": contact_id},
        )
        return None if found is None else int(found)

    def round_robin(self, pool: str) -> dict[int, int]:
        """The pool's state, locked until commit: two hand-offs routed at once must not both
        read it before either writes it (SQLite's single writer already ensures that)."""
        if self.driver.dialect == "postgresql":
            self.driver.execute("SELECT pg_advisory_xact_lock(hashtext(:pool))", {"pool": pool})
        rows = self.driver.all(
            "SELECT rep_id, current FROM round_robin_state WHERE pool = :pool", {"pool": pool}
        )
        return {int(rep): int(current) for rep, current in rows}

    def team_calendar(self, team_id: int) -> TeamCalendarRow:
        d = self.driver
        row = d.one("SELECT time_zone, working_hours FROM teams WHERE id = :id", {"id": team_id})
        if row is None:
            raise LookupError(f"team {team_id} does not exist")
        days = d.all("SELECT day FROM team_holidays WHERE team_id = :id", {"id": team_id})
        holidays = frozenset(_date(day) for (day,) in days)
        return TeamCalendarRow(row[0], row[1], holidays)

    # Writing ------------------------------------------------------------------------

    def save_round_robin(self, pool: str, state: Mapping[int, int]) -> None:
        for rep_id, current in state.items():
            self.driver.execute(_SAVE_STATE, {"pool": pool, "rep_id": rep_id, "current": current})

    def insert_handoff(
        self,
        contact_id: int,
        owner: str | None,
        at: datetime,
        due_at: datetime | None,
        definition_version_id: int | None,
    ) -> int:
        d = self.driver
        handoff_id = d.scalar(
            "INSERT INTO handoffs (contact_id, owner, at, due_at, status, definition_version_id)"
            " VALUES (:contact_id, :owner, :at, :due_at, 'open', :version) RETURNING id",
            {
                "contact_id": contact_id,
                "owner": owner,
                "at": d.instant(at),
                "due_at": _instant(d, due_at),
                "version": definition_version_id,
            },
        )
        return int(handoff_id)

    def insert_assignment(
        self,
        handoff_id: int,
        contact_id: int,
        rep_id: int | None,
        rule: str,
        reason: str,
        at: datetime,
        dues: tuple[datetime | None, datetime | None],
    ) -> int:
        d = self.driver
        accept_due, touch_due = dues
        assignment_id = d.scalar(
            "INSERT INTO assignments (handoff_id, contact_id, rep_id, rule, reason, at,"
            " accept_due_at, touch_due_at) VALUES (:handoff_id, :contact_id, :rep_id, :rule,"
            " :reason, :at, :accept_due, :touch_due) RETURNING id",
            {
                "handoff_id": handoff_id,
                "contact_id": contact_id,
                "rep_id": rep_id,
                "rule": rule[:200],
                "reason": reason[:500],
                "at": d.instant(at),
                "accept_due": _instant(d, accept_due),
                "touch_due": _instant(d, touch_due),
            },
        )
        return int(assignment_id)

    def insert_work(
        self,
        handoff_id: int,
        contact_id: int,
        assignment_id: int,
        rep_id: int | None,
        why: Sequence[str],
        trigger: str | None,
    ) -> None:
        self.driver.execute(
            _INSERT_WORK,
            {
                "handoff_id": handoff_id,
                "contact_id": contact_id,
                "assignment_id": assignment_id,
                "rep_id": rep_id,
                "why": self.driver.document_text(json.dumps(list(why))),
                "trigger": trigger,
                "no": False,
            },
        )

    def set_owner(self, contact_id: int, owner: str, now: datetime) -> None:
        """The rep now holding the lead becomes the contact's owner (``contacts.owner``),
        which the leads list, the API's contacts and reports by owner read."""
        d = self.driver
        d.execute(
            "UPDATE contacts SET owner = :owner, updated_at = :now WHERE id = :id",
            {"owner": owner, "now": d.instant(now), "id": contact_id},
        )

    def reassign(
        self,
        handoff_id: int,
        assignment_id: int,
        rep_id: int | None,
        owner: str | None,
        touch_due: datetime | None,
    ) -> None:
        """Point the hand-off and its work item at a new assignment."""
        d = self.driver
        d.execute(
            "UPDATE handoffs SET owner = :owner, due_at = :due WHERE id = :id",
            {"owner": owner, "due": _instant(d, touch_due), "id": handoff_id},
        )
        d.execute(
            "UPDATE handoff_work SET assignment_id = :assignment, rep_id = :rep"
            " WHERE handoff_id = :id",
            {"assignment": assignment_id, "rep": rep_id, "id": handoff_id},
        )

    def save_lifecycle(self, contact_id: int, state: LifecycleState, now: datetime) -> None:
        """Write an explicit move's state (recycled, disqualified) over the stored one."""
        d = self.driver
        d.execute(
            "UPDATE qualifications SET stage = :stage, stage_entered_at = :entered,"
            " funnel_stage = :funnel, recycled_at = :recycled, recycled_reason = :recycled_why,"
            " disqualified_at = :disqualified, disqualified_reason = :disqualified_why,"
            " stage_version = :version, updated_at = :now WHERE contact_id = :id",
            {
                "stage": state.stage,
                "entered": _instant(d, state.entered_at),
                "funnel": state.funnel_stage,
                "recycled": _instant(d, state.recycled_at),
                "recycled_why": _clip(state.recycled_reason),
                "disqualified": _instant(d, state.disqualified_at),
                "disqualified_why": _clip(state.disqualified_reason),
                "version": state.definition_version,
                "now": d.instant(now),
                "id": contact_id,
            },
        )


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:500]


def _instant(driver: Driver, moment: datetime | None) -> object:
    return None if moment is None else driver.instant(moment)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
