"""Replay a demo world into a workspace in time order: its events *and* its sales team's work.

A demo world (``leadflow.demo``) holds what marketing saw (``events.jsonl``) and what its
sales team did (``activities.jsonl``, ``opportunities.csv``). ``replay_world`` plays both
back through leadflow's own use cases, interleaved by time, with a clock that follows
them, so every hand-off, answer, attempt and deal carries the moment it happened:

* each event goes through the real-time path (``EventRecorder``, the clock at the event's
  moment), committed at each day's end and before any sales step; a lead is handed off
  (routed, its SLA clock started) at the event that made it sales-ready;
* the world's answer to a hand-off (``accepted``, or ``rejected`` with its reason) at
  its ``decided_at`` (services/feedback.py), then its attempts, conversations and
  recycles (services/cadence.py) and its deals, opened and closed won or lost
  (services/opportunities.py); the acting rep is the lead's owner, or the world's rep
  when nobody was available to route it to (the answer claims it);
* the SLA sweep (services/sla.py) at midnight UTC, as a daily cron job would run it
  (breaches, cadences that ran out), and once more at the end; a midnight when nothing
  fell due since the last sweep is skipped, as that sweep would find nothing new.

The world's sales team and leadflow's definition need not agree on who is sales-ready:

* a lead the world handed off but the definition did not (its gate kept the lead out):
  the lead's sales steps are refused (``NotFoundError``: no hand-off in sales' hands),
  counted per kind in ``Replayed.refused``, never forced;
* a hand-off leadflow made that the world's team never received (a sales action after
  sales let the lead go; under the bare waterfall preset, a contact-us form): its owner
  rejects it as ``not_ready`` after a delay drawn like the world's own answers (a median
  of about 3.7 hours, seeded by the contact and the moment), unless the world hands the
  lead off in the meantime; then the world's answer applies to it.

Whatever a service refuses (a call to someone who withdrew phone consent, work on a lead
whose cadence had already ended) is counted, not hidden. Nothing dated after ``until``
is replayed: the demo stops at its clock's now.
"""

from __future__ import annotations

import csv
import heapq
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock, parse_instant
from leadflow.services import cadence, feedback, opportunities
from leadflow.services.definitions import active_definition
from leadflow.services.event_import import parse_line
from leadflow.services.events import EventRecorder, IncomingEvent, Recorded
from leadflow.services.refusals import NotFoundError, RefusedError
from leadflow.services.sla import check_sla
from leadflow.store.database import session_factory, writer
from leadflow.store.models import Assignment, Contact, Handoff, HandoffWork

__all__ = ["UNASKED", "UNASKED_REASON", "Replayed", "replay_world"]

UNASKED = "unasked"  # the kind counted for hand-offs the world's team never received
UNASKED_REASON = "not_ready"
# The world's answer delay (demo/desk.py): lognormal seconds, median e^9.5 s = 3.7 hours.
_ANSWER_MU, _ANSWER_SIGMA = 9.5, 1.0
_SWEEP_EVERY = timedelta(days=1)
_BUCKETS = ("events", "sales", "sweeps")

# Order of things happening at the same moment: an event before the sales step it caused,
# the sweep after both.
_EVENT, _SALES, _SWEEP = range(3)
# (moment, order, tie-break within the order, kind, payload): the first three are never
# all equal, so items sort as plain tuples (the payload is never compared).
_Item = tuple[datetime, int, str, str, Any]


@dataclass
class Replayed:
    """What the replay did."""

    events_recorded: int = 0
    events_rejected: int = 0
    applied: Counter[str] = field(default_factory=Counter)  # sales step kind -> count
    refused: Counter[str] = field(default_factory=Counter)  # "kind: ErrorName" -> count
    refused_contacts: set[str] = field(default_factory=set)  # the world's contact ids
    ids: dict[str, int] = field(default_factory=dict)  # the world's contact id -> ours
    sweeps_skipped: int = 0  # midnights with nothing fallen due since the last sweep
    # CPU seconds (time.process_time) spent recording events, in sales steps and sweeps.
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_BUCKETS, 0.0))


def replay_world(
    engine: Engine, world: Path, *, until: datetime, unasked_reason: str = UNASKED_REASON
) -> Replayed:
    """Replay ``world``'s events and sales work into the workspace, up to ``until``.

    The world's accounts, contacts and team must be in the store already
    (services/demo_workspace.py ``load_demo_world``); its contacts are found by their
    external id, the world's contact id.
    """
    return _Replay(engine, world, until, unasked_reason).run()


class _Replay:
    def __init__(self, engine: Engine, world: Path, until: datetime, reason: str) -> None:
        self.engine = engine
        self.sessions = session_factory(writer(engine))
        self.world = world
        self.until = until
        self.reason = reason
        self.clock = FixedClock(datetime.min.replace(tzinfo=UTC))
        self.done = Replayed(ids=_contact_ids(engine))
        self.deals: dict[str, int] = {}  # the world's opportunity id -> ours
        self.asked: dict[str, list[datetime]] = {}  # the world's hand-off moments per contact
        self.held: set[int] = set()  # contacts with a live hand-off (no new one is due)
        self.dues: list[datetime] = []  # when an SLA or a cadence of live work falls due
        self.last_handoff = 0  # the highest hand-off id seen
        self.pending: list[_Item] = []  # answers to hand-offs the world never made
        self.external = {ours: theirs for theirs, ours in self.done.ids.items()}
        self.sql = _Statements()

    # The timeline -------------------------------------------------------------------

    def run(self) -> Replayed:
        with self.sessions() as session:
            active = active_definition(session)
        activities = self._activities()
        with EventRecorder(self.engine, active, self.clock) as recorder:
            self.recorder = recorder
            day: date | None = None
            timeline = heapq.merge(self._events(), activities, self._sweeps())
            for item in timeline:
                if item[0] > self.until:
                    break
                self._answer_pending(before=item)
                if item[3] == "event":
                    if item[0].date() != day:
                        recorder.commit()  # one transaction a day at most
                        day = item[0].date()
                    self._event(item[4])
                else:
                    recorder.commit()  # the services write through sessions of their own
                    self._sales(item)
            recorder.commit()
            self._answer_pending(before=None)
        self.clock.current = max(self.clock.current, self.until)
        self.dues.append(self.until)  # the last sweep always runs
        self._sales((self.until, _SWEEP, "", "sweep", None))
        return self.done

    def _events(self) -> Iterator[_Item]:
        with (self.world / "events.jsonl").open("rb") as lines:
            for number, line in enumerate(lines):
                if line.strip():
                    incoming = parse_line(line)
                    yield incoming.at, _EVENT, f"{number:012d}", "event", incoming

    def _activities(self) -> Iterator[_Item]:
        items: list[_Item] = []
        with (self.world / "activities.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                raw = json.loads(line)
                at = parse_instant(raw["at"])
                kind = raw["kind"]
                if kind == "hand_off":  # leadflow makes its own at the triggering event
                    self.asked.setdefault(raw["contact_id"], []).append(at)
                    if raw["decision"] != "pending":
                        decided = parse_instant(raw["decided_at"])
                        items.append((decided, _SALES, raw["id"], "decide", raw))
                    continue
                items.append((at, _SALES, raw["id"], kind, raw))
        for row in _rows(self.world / "opportunities.csv"):
            deal = row["opportunity_id"]
            items.append((parse_instant(row["created_at"]), _SALES, deal, "deal", row))
            if row["closed_at"]:
                closed = parse_instant(row["closed_at"])
                items.append((closed, _SALES, f"{deal}/closed", "close_deal", row))
        return iter(sorted(items))

    def _sweeps(self) -> Iterator[_Item]:
        first = self._first_instant()
        if first is None:
            return
        moment = datetime.combine(first.date(), datetime.min.time(), UTC) + _SWEEP_EVERY
        while moment <= self.until:
            yield moment, _SWEEP, "", "sweep", None
            moment += _SWEEP_EVERY

    def _first_instant(self) -> datetime | None:
        for item in self._events():
            return item[0]
        return None

    # Events -------------------------------------------------------------------------

    def _event(self, incoming: IncomingEvent) -> None:
        started = time.process_time()
        self.clock.current = incoming.at
        outcome = self.recorder.record_batch([incoming], commit=False)[0]
        if isinstance(outcome, Recorded):
            self.done.events_recorded += 1
            if _may_have_handed_off(outcome, self.held):
                # Its answer is due in a few hours: find out now, not at the day's end.
                self.recorder.commit()
                self._new_handoffs()
        else:
            self.done.events_rejected += 1
        self.done.seconds["events"] += time.process_time() - started

    def _new_handoffs(self, session: Session | None = None) -> None:
        if session is None:
            with self.sessions() as own:
                self._new_handoffs(own)
            return
        rows = session.execute(self.sql.new_handoffs, {"after": self.last_handoff}).tuples()
        for handoff_id, contact_id, at, *dues in rows:
            self.last_handoff = handoff_id
            self.held.add(contact_id)
            self._due(dues)
            theirs = self.external.get(contact_id, "")
            if at not in self.asked.get(theirs, ()):
                delay = timedelta(seconds=_answer_delay(theirs, at))
                answer = max(at + delay, self.clock.current)  # never back in time
                payload = (handoff_id, contact_id, at)
                heapq.heappush(
                    self.pending, (answer, _SALES, f"~{handoff_id:012d}", UNASKED, payload)
                )

    # Sales --------------------------------------------------------------------------

    def _answer_pending(self, before: _Item | None) -> None:
        """Answer the unasked hand-offs due before ``before`` (all when None)."""
        while self.pending and (before is None or self.pending[0] <= before):
            item = heapq.heappop(self.pending)
            if item[0] > self.until:
                self.pending.clear()
                return
            self.recorder.commit()
            self._sales(item)

    def _sales(self, item: _Item) -> None:
        at, _, _, kind, payload = item
        if kind == "sweep" and not self._sweep_due(at):
            return
        started = time.process_time()
        self.clock.current = at
        contact_id = None
        with self.sessions() as session:
            try:
                contact_id = self._act(session, kind, payload)
            except RefusedError as error:
                session.rollback()
                self.done.refused[f"{kind}: {type(error).__name__}"] += 1
                if isinstance(payload, dict):
                    self.done.refused_contacts.add(str(payload.get("contact_id")))
            else:
                if contact_id is not None:
                    self.done.applied[kind] += 1
            self._update_held(session, kind, contact_id)
            # A step re-qualifies the lead: one that asked again while sales held it is
            # handed off anew.
            self._new_handoffs(session)
        self.done.seconds["sweeps" if kind == "sweep" else "sales"] += time.process_time() - started

    def _act(self, session: Session, kind: str, payload: Any) -> int | None:
        """Apply one step; the contact it was applied to, None when it was not due."""
        if kind == "sweep":
            check_sla(session, self.clock)
            return 0
        if kind == UNASKED:
            return self._unasked(session, *payload)
        step = self._steps().get(kind)
        if step is None:
            return None
        contact_id = self._contact(payload)
        step(session, contact_id, payload)
        return contact_id

    def _steps(self) -> dict[str, Callable[[Session, int, Any], object]]:
        clock = self.clock
        return {
            "decide": self._decide,
            "attempt": lambda s, c, a: cadence.log_attempt(
                s, c, channel=a["channel"], outcome=a["outcome"], rep=None, clock=clock
            ),
            "conversation": lambda s, c, a: cadence.log_conversation(
                s, c, outcome=a["outcome"], rep=None, clock=clock
            ),
            "recycle": lambda s, c, a: cadence.close_lead(
                s, c, reason=a["reason"], rep=None, clock=clock
            ),
            "deal": self._open_deal,
            "close_deal": self._close_deal,
        }

    def _contact(self, payload: dict[str, Any]) -> int:
        theirs = payload["contact_id"]
        ours = self.done.ids.get(theirs)
        if ours is None:
            raise NotFoundError(f"the world's contact {theirs} is not in the workspace")
        return ours

    def _update_held(self, session: Session, kind: str, contact_id: int | None) -> None:
        """Keep ``held`` and ``dues`` true: the sweep may end or re-assign any lead's
        work, a step the work of its lead."""
        if kind == "sweep":
            self.held = set()
            now = self.clock.current
            for contact, _, *dues in session.execute(self.sql.live).tuples():
                self.held.add(contact)
                self._due(due for due in dues if due is not None and due >= now)
        elif contact_id:
            live = session.execute(self.sql.live_of, {"contact": contact_id}).first()
            if live is None:
                self.held.discard(contact_id)
            else:
                self._due(live[1:])

    def _due(self, moments: Iterable[datetime | None]) -> None:
        for moment in moments:
            if moment is not None:
                heapq.heappush(self.dues, moment)

    def _sweep_due(self, at: datetime) -> bool:
        """A sweep at ``at`` has work only when an SLA or a cadence fell due since the
        last one (the sweep compares with ``<``); with none, it is skipped (it would
        find nothing new)."""
        due = False
        while self.dues and self.dues[0] < at:
            heapq.heappop(self.dues)
            due = True
        self.done.sweeps_skipped += 0 if due else 1
        return due

    def _decide(self, session: Session, contact_id: int, raw: dict[str, Any]) -> object:
        live = session.execute(self.sql.live_of, {"contact": contact_id}).first()
        if live is None:
            raise NotFoundError(f"contact {contact_id} has no hand-off in sales' hands")
        # An unassigned lead (nobody was available) is claimed by the world's rep.
        rep = raw["rep_id"] if live.rep_id is None else None
        if raw["decision"] == "accepted":
            return feedback.accept(session, contact_id, rep=rep, clock=self.clock)
        note = "replayed from the demo world" if raw["reason"] == "other" else None
        return feedback.reject(
            session, contact_id, code=raw["reason"], note=note, rep=rep, clock=self.clock
        )

    def _unasked(
        self, session: Session, handoff_id: int, contact_id: int, at: datetime
    ) -> int | None:
        """Reject a hand-off the world's team never received, if it still waits for one."""
        waiting = session.execute(self.sql.waiting, {"handoff": handoff_id}).first()
        theirs = self.external.get(contact_id, "")
        asked = any(at <= moment <= self.clock.current for moment in self.asked.get(theirs, ()))
        if waiting is None or asked:
            return None  # answered already, or the world's own answer will come
        if waiting.rep_id is None:
            return None  # nobody to answer it: it waits in the unassigned queue
        feedback.reject(
            session, contact_id, code=self.reason, note=None, rep=None, clock=self.clock
        )
        return contact_id

    def _open_deal(self, session: Session, contact_id: int, row: dict[str, str]) -> object:
        deal = opportunities.create_opportunity(
            session,
            contact_id,
            amount=float(row["amount"]),
            currency=row["currency"],
            expected_close=date.fromisoformat(row["expected_close"]),
            products=[row["product"]],
            rep=None,
            clock=self.clock,
        )
        self.deals[row["opportunity_id"]] = deal.opportunity.id
        return deal

    def _close_deal(self, session: Session, contact_id: int, row: dict[str, str]) -> object:
        ours = self.deals.get(row["opportunity_id"])
        if ours is None:
            raise _NotOpenedError(f"deal {row['opportunity_id']} of contact {contact_id}")
        if row["status"] == "won":
            return opportunities.win_opportunity(
                session, ours, reason=None, actor=None, clock=self.clock
            )
        return opportunities.lose_opportunity(
            session, ours, reason=row["lost_reason"], actor=None, clock=self.clock
        )


class _Statements:
    """The replay's own queries, built once (their compiled form is cached by SQLAlchemy)."""

    def __init__(self) -> None:
        # When a live hand-off's SLA or cadence falls due (the sweep's moments).
        dues = (Assignment.accept_due_at, Assignment.touch_due_at, HandoffWork.cadence_ends_at)
        work = (
            select(HandoffWork.contact_id, HandoffWork.rep_id, *dues)
            .outerjoin(Assignment, Assignment.id == HandoffWork.assignment_id)
            .where(HandoffWork.closed_at.is_(None))
        )
        self.new_handoffs = (
            select(Handoff.id, Handoff.contact_id, Handoff.at, *dues)
            .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
            .outerjoin(Assignment, Assignment.id == HandoffWork.assignment_id)
            .where(Handoff.id > bindparam("after"))
            .order_by(Handoff.id)
        )
        self.live = work
        self.live_of = (
            select(HandoffWork.rep_id, *dues)
            .outerjoin(Assignment, Assignment.id == HandoffWork.assignment_id)
            .where(HandoffWork.contact_id == bindparam("contact"), HandoffWork.closed_at.is_(None))
            .limit(1)
        )
        self.waiting = (
            select(HandoffWork.rep_id)
            .join(Handoff, Handoff.id == HandoffWork.handoff_id)
            .where(
                Handoff.id == bindparam("handoff"),
                Handoff.status == "open",
                HandoffWork.closed_at.is_(None),
            )
        )


class _NotOpenedError(RefusedError):
    """The deal's opening was refused, so it cannot be closed either."""


def _may_have_handed_off(outcome: Recorded, held: set[int]) -> bool:
    """A hand-off comes with a sales-ready lead's move into a stage: a lead reaching its
    first sales stage, or leaving nurture on a new sales action (feedback, cadence and
    opportunities send every lead sales let go to nurture or out of the funnel). The look
    after every sales step and sweep covers any other way."""
    return outcome.sales_ready and bool(outcome.transitions) and outcome.contact_id not in held


def _answer_delay(contact: str, at: datetime) -> float:
    """Seconds until an unasked hand-off is answered; the same for the same lead and moment."""
    return random.Random(f"{contact}@{at.isoformat()}").lognormvariate(_ANSWER_MU, _ANSWER_SIGMA)


def _contact_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(Contact.external_id, Contact.id)).tuples()
        return {theirs: ours for theirs, ours in rows if theirs}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
