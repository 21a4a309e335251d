"""Replay a demo world through leadflow's hand-off, with a clock that moves forward.

The world's sales team becomes teams and reps (one time zone per team), its accounts
and named-account owners are created, its contacts imported (``leadflow import
contacts`` with the generic layout). Then, in time order: every event goes through the
real-time path (``EventRecorder``, the clock set to the event's moment), every sales
activity through the hand-off services (accept or reject at ``decided_at``, attempts,
conversations, recycles as ``close``, deals opened and closed), and the SLA sweep runs
once a week. What leadflow refuses (a call to someone who withdrew phone consent, work
on a lead whose cadence already ended) is counted per contact, not hidden.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock, parse_instant
from leadflow.ingest.formats.generic import GENERIC
from leadflow.services import cadence, feedback, opportunities, reps
from leadflow.services.accounts import create_account
from leadflow.services.definitions import active_definition
from leadflow.services.demo_workspace import staff_demo_team
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.refusals import RefusedError
from leadflow.services.sla import check_sla
from leadflow.store.database import session_factory, writer
from leadflow.store.models import Contact

__all__ = ["Replay"]

# Order of things happening at the same moment: an event before the activity it caused.
_EVENT, _ACTIVITY, _SWEEP = range(3)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Replay:
    world: Path
    engine: Engine
    clock: FixedClock = field(default_factory=lambda: FixedClock(datetime.min.replace(tzinfo=UTC)))
    deals: dict[str, int] = field(default_factory=dict)  # demo opportunity id -> ours
    refused: Counter[str] = field(default_factory=Counter)  # "kind: message" -> count
    refused_contacts: set[str] = field(default_factory=set)
    applied: Counter[str] = field(default_factory=Counter)
    ids: dict[str, int] = field(default_factory=dict)  # demo contact id -> ours

    def sessions(self) -> Session:
        return session_factory(writer(self.engine))()

    # Set-up -------------------------------------------------------------------------

    def staff(self, start: datetime) -> None:
        staff_demo_team(self.engine, self.world / "reps.csv", start)

    def load_people(self, start: datetime) -> None:
        with self.sessions() as session:
            for row in _rows(self.world / "accounts.csv"):
                values: dict[str, object] = {
                    key: row[key] for key in ("name", "domain", "industry", "country")
                }
                values["employees"] = int(row["employees"])
                values["revenue"] = float(row["annual_revenue_eur"])
                create_account(session, values, start)
                if row["owner_rep_id"]:
                    reps.own_account(session, row["owner_rep_id"], row["domain"], start)
        done = import_contacts(
            self.engine,
            self.world / "contacts.csv",
            ImportOptions(GENERIC),
            clock=FixedClock(start),
        )
        assert done.committed, done.problems
        assert done.rejected == 0, done.problems
        with self.sessions() as session:
            rows = session.execute(select(Contact.external_id, Contact.id)).tuples()
            self.ids = {external: own for external, own in rows if external}

    # The timeline -------------------------------------------------------------------

    def run(self, end: datetime) -> None:
        with self.sessions() as session:
            active = active_definition(session)
        with EventRecorder(self.engine, active, self.clock) as recorder:
            for at, _, kind, item in heapq.merge(
                self._events(), self._activities(), self._sweeps(end), key=lambda x: x[:2]
            ):
                self.clock.current = at
                if kind == "event":
                    recorder.record_batch([item], commit=False)
                    continue
                recorder.commit()  # the services write through sessions of their own
                self._act(kind, item)
            recorder.commit()
        self.clock.current = end
        with self.sessions() as session:
            check_sla(session, self.clock)

    def _events(self) -> Iterator[tuple[datetime, int, str, Any]]:
        with (self.world / "events.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                raw = json.loads(line)
                at = parse_instant(raw["at"])
                incoming = IncomingEvent(
                    raw["type"],
                    at,
                    key=raw["id"],
                    source="demo",
                    email=raw["email"],
                    visitor_id=raw["visitor_id"],
                    contact_id=raw["contact_id"],
                    properties=raw["properties"],
                )
                yield at, _EVENT, "event", incoming

    def _activities(self) -> Iterator[tuple[datetime, int, str, Any]]:
        items: list[tuple[datetime, int, str, Any]] = []
        with (self.world / "activities.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                raw = json.loads(line)
                items.append((parse_instant(raw["at"]), _ACTIVITY, raw["kind"], raw))
                if raw["kind"] == "hand_off" and raw["decision"] != "pending":
                    items.append((parse_instant(raw["decided_at"]), _ACTIVITY, "decide", raw))
        for row in _rows(self.world / "opportunities.csv"):
            items.append((parse_instant(row["created_at"]), _ACTIVITY, "deal", row))
            if row["closed_at"]:
                items.append((parse_instant(row["closed_at"]), _ACTIVITY, "close_deal", row))
        return iter(sorted(items, key=lambda item: (item[0], item[1], item[3].get("id", ""))))

    def _sweeps(self, end: datetime) -> Iterator[tuple[datetime, int, str, Any]]:
        first = self.clock.current.replace(hour=0, minute=0, second=0, microsecond=0)
        moment = first + timedelta(days=1)
        while moment < end:
            yield moment, _SWEEP, "sweep", None
            moment += timedelta(days=7)

    def _act(self, kind: str, item: Any) -> None:
        action = self._actions().get(kind)
        if action is None:
            return  # hand_off: leadflow made its own at the triggering event
        with self.sessions() as session:
            try:
                action(session, item)
            except RefusedError as error:
                session.rollback()
                self.refused[f"{kind}: {type(error).__name__}"] += 1
                self.refused_contacts.add(str(item.get("contact_id")))
                return
        self.applied[kind] += 1

    def _actions(self) -> dict[str, Callable[[Session, Any], object]]:
        clock = self.clock
        return {
            "decide": self._decide,
            "attempt": lambda s, a: cadence.log_attempt(
                s,
                self.ids[a["contact_id"]],
                channel=a["channel"],
                outcome=a["outcome"],
                rep=None,
                clock=clock,
            ),
            "conversation": lambda s, a: cadence.log_conversation(
                s, self.ids[a["contact_id"]], outcome=a["outcome"], rep=None, clock=clock
            ),
            "recycle": lambda s, a: cadence.close_lead(
                s, self.ids[a["contact_id"]], reason=a["reason"], rep=None, clock=clock
            ),
            "deal": self._open_deal,
            "close_deal": self._close_deal,
            "sweep": lambda s, _: check_sla(s, clock),
        }

    def _decide(self, session: Session, raw: dict[str, Any]) -> object:
        contact_id = self.ids[raw["contact_id"]]
        if raw["decision"] == "accepted":
            return feedback.accept(session, contact_id, rep=None, clock=self.clock)
        note = "replayed from the demo world" if raw["reason"] == "other" else None
        return feedback.reject(
            session, contact_id, code=raw["reason"], note=note, rep=None, clock=self.clock
        )

    def _open_deal(self, session: Session, row: dict[str, str]) -> object:
        deal = opportunities.create_opportunity(
            session,
            self.ids[row["contact_id"]],
            amount=float(row["amount"]),
            currency=row["currency"],
            expected_close=date.fromisoformat(row["expected_close"]),
            products=[row["product"]],
            rep=None,
            clock=self.clock,
        )
        self.deals[row["opportunity_id"]] = deal.opportunity.id
        return deal

    def _close_deal(self, session: Session, row: dict[str, str]) -> object:
        ours = self.deals.get(row["opportunity_id"])
        if ours is None:
            raise _NotOpenedError(row["opportunity_id"])
        if row["status"] == "won":
            return opportunities.win_opportunity(
                session, ours, reason=None, actor=None, clock=self.clock
            )
        return opportunities.lose_opportunity(
            session, ours, reason=row["lost_reason"], actor=None, clock=self.clock
        )


class _NotOpenedError(RefusedError):
    """The deal's opening was refused, so it cannot be closed either."""


def truth_under_worked(world: Path) -> set[str]:
    return {
        row["contact_id"]
        for row in _rows(world / "truth_contacts.csv")
        if row["under_worked"] == "true"
    }


def demo_handoffs(world: Path) -> dict[str, list[dict[str, Any]]]:
    """Demo contact id -> its hand_off activities, in time order."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (world / "activities.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            if raw["kind"] == "hand_off":
                found[raw["contact_id"]].append(raw)
    return found
