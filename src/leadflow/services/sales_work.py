"""What the rep-side use cases share: the live hand-off of a lead, the acting rep, the
team calendar, the cadence plan, SLA breaches and closing a work item.

A lead's *live* hand-off is its latest one whose work item is not closed: open
(waiting for sales' answer) or accepted (being worked, possibly as a deal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.definition.model_handoff import CadenceConfig
from leadflow.domain.business_hours import BusinessCalendar, WorkingWeek, time_zone
from leadflow.domain.cadence import CadenceStep, plan_cadence
from leadflow.domain.vocabulary import AttemptChannel
from leadflow.services.outbox import SLA_BREACH_WITHDRAWN, SLA_BREACHED, enqueue_in
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.store.consent_history import as_of_sql
from leadflow.store.models import (
    Assignment,
    Consent,
    Contact,
    Handoff,
    HandoffWork,
    Rep,
    SlaBreach,
    Team,
    TeamHoliday,
)
from leadflow.store.types import UtcDateTime

__all__ = [
    "ACCEPT",
    "FIRST_TOUCH",
    "WITHDRAWN",
    "Work",
    "acting_rep",
    "cadence_steps",
    "close_work",
    "lead_owner",
    "live_work",
    "owner_calendar",
    "record_breach_if_late",
    "team_calendar",
    "withdraw_breaches",
    "withdrawn_channels",
]

ACCEPT = "accept"  # breach kinds
FIRST_TOUCH = "first_touch"
# Consent statuses that forbid contacting a person on a channel.
WITHDRAWN = frozenset({"withdrawn", "bounced"})
_CONSENT_CHANNEL = {AttemptChannel.CALL: "phone", AttemptChannel.EMAIL: "email"}


@dataclass(frozen=True, slots=True)
class Work:
    """A live hand-off with its work item and current assignment."""

    handoff: Handoff
    item: HandoffWork
    assignment: Assignment | None


def live_work(session: Session, contact_id: int) -> Work:
    """The contact's live hand-off, with the contact locked for the caller's change.

    NotFoundError when the contact was never handed off; ConflictError when its last
    hand-off ended (answered and closed): the state forbids acting on it, as answering
    twice does. The lock (PostgreSQL; SQLite writers hold the database already) makes
    two reps answering the same lead at once wait for each other, so the second reads
    the first's answer instead of writing a second one over it."""
    if session.get(Contact, contact_id, with_for_update=True) is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    row = session.execute(
        select(Handoff, HandoffWork)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .where(Handoff.contact_id == contact_id, HandoffWork.closed_at.is_(None))
        .order_by(Handoff.at.desc(), Handoff.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        _no_live_work(session, contact_id)
    handoff, item = row
    assignment = None if item.assignment_id is None else session.get(Assignment, item.assignment_id)
    return Work(handoff, item, assignment)


def _no_live_work(session: Session, contact_id: int) -> NoReturn:
    ended = session.scalar(
        select(HandoffWork.outcome)
        .join(Handoff, Handoff.id == HandoffWork.handoff_id)
        .where(Handoff.contact_id == contact_id)
        .order_by(Handoff.at.desc(), Handoff.id.desc())
        .limit(1)
    )
    if ended is None:
        raise NotFoundError(f"contact {contact_id} has no hand-off in sales' hands")
    raise ConflictError(
        f"contact {contact_id}'s last hand-off ended already ({ended}): it is not in sales' hands"
    )


def lead_owner(session: Session, contact_id: int) -> str | None:
    """The key of the rep who holds the contact's live hand-off (None: unassigned),
    with the contact locked as ``live_work`` locks it; its refusals as there."""
    work = live_work(session, contact_id)
    if work.item.rep_id is None:
        return None
    return session.get_one(Rep, work.item.rep_id).key


def acting_rep(session: Session, work: Work, key: str | None) -> Rep:
    """The rep acting: the one named, else the owner. An unassigned lead needs a name."""
    if key is not None:
        rep = session.scalar(select(Rep).where(Rep.key == key))
        if rep is None:
            raise NotFoundError(f"no rep with key {key!r}")
    elif work.item.rep_id is None:
        raise ConflictError("the lead is unassigned: say which rep acts (--rep / rep)")
    else:
        rep = session.get_one(Rep, work.item.rep_id)
    if not rep.active:  # a leaver neither claims leads nor works them
        raise ConflictError(f"rep {rep.key!r} is deactivated: another rep must act (--rep / rep)")
    return rep


def owner_calendar(session: Session, work: Work, actor: Rep) -> BusinessCalendar:
    """The calendar the lead's cadence counts in: its owner's team's, whoever acts (a
    rep acting for a colleague does not move the colleague's cadence to their own
    time zone); the actor's for a lead nobody holds."""
    owner = actor if work.item.rep_id is None else session.get_one(Rep, work.item.rep_id)
    return team_calendar(session, owner.team_id)


def team_calendar(session: Session, team_id: int) -> BusinessCalendar:
    team = session.get_one(Team, team_id)
    days = session.scalars(select(TeamHoliday.day).where(TeamHoliday.team_id == team_id))
    return BusinessCalendar(
        time_zone(team.time_zone), WorkingWeek.parse(team.working_hours), frozenset(days)
    )


def withdrawn_channels(
    session: Session, contact_id: int, as_of: datetime | None = None
) -> frozenset[AttemptChannel]:
    """Attempt channels the contact withdrew consent for (or whose address bounced);
    ``as_of`` a moment in the past, those withdrawn by then (a call made the day before
    the person said no to calls was allowed when it was made)."""
    if as_of is None:
        query = select(Consent.channel, Consent.status).where(Consent.contact_id == contact_id)
        rows = session.execute(query).tuples()
        statuses = dict(rows.all())  # a Result has .keys(): dict() must get plain rows
    else:  # the decision in force then, from consent's history
        sql = as_of_sql(" AND contact_id = :contact", " AND h.contact_id = :contact")
        # The moment bound as the store writes moments (SQLite compares them as text).
        statement = text(sql).bindparams(bindparam("as_of", type_=UtcDateTime()))
        found = session.execute(statement, {"as_of": as_of, "contact": contact_id})
        statuses = {str(channel): str(status) for _, channel, status in found}
    return frozenset(
        channel
        for channel, consent in _CONSENT_CHANNEL.items()
        if statuses.get(consent) in WITHDRAWN
    )


def cadence_steps(
    session: Session, contact_id: int, config: CadenceConfig
) -> tuple[CadenceStep, ...]:
    """The cadence for this contact: the configured one minus withdrawn channels."""
    skip = withdrawn_channels(session, contact_id)
    return plan_cadence(config.calls, config.emails, config.business_days, skip)


def record_breach_if_late(
    session: Session,
    work: Work,
    kind: str,
    now: datetime,
    *,
    done_at: datetime | None = None,
    written_at: datetime | None = None,
) -> SlaBreach | None:
    """Record (once) that the ``kind`` SLA of the current assignment was missed: the
    answer or touch came at ``done_at`` after its due moment, or has not come by ``now``.
    ``written_at``: the clock's now when ``now`` is a moment logged after the fact; the
    announcement is written then (a webhook subscribed since gets it)."""
    assignment = work.assignment
    if assignment is None:
        return None
    due = assignment.accept_due_at if kind == ACCEPT else assignment.touch_due_at
    if due is None or (done_at or now) <= due:
        return None
    known = session.scalar(
        select(SlaBreach).where(SlaBreach.assignment_id == assignment.id, SlaBreach.kind == kind)
    )
    if known is not None:
        return None
    breach = SlaBreach(
        handoff_id=work.handoff.id,
        assignment_id=assignment.id,
        contact_id=work.handoff.contact_id,
        rep_id=assignment.rep_id,
        kind=kind,
        due_at=due,
        at=now,
        reassigned=False,
    )
    session.add(breach)
    try:
        session.flush()
    except IntegrityError:  # a concurrent sweep recorded it a moment ago
        session.rollback()
        raise ConflictError("the SLA breach was just recorded by someone else; retry") from None
    data = {
        "contact_id": work.handoff.contact_id,
        "handoff_id": work.handoff.id,
        "owner": work.handoff.owner,
        "kind": kind,
        "due_at": due.isoformat(),
        "at": now.isoformat(),
    }
    enqueue_in(session, SLA_BREACHED, data, written_at or now)
    return breach


def withdraw_breaches(
    session: Session,
    work: Work,
    kind: str,
    *,
    done_at: datetime,
    now: datetime,
    keep_reassigned: bool = False,
) -> int:
    """Delete the ``kind`` breaches of the current assignment that a touch or answer
    logged afterwards, made in time at ``done_at``, shows were none, and announce each
    (``handoff.sla_breach_withdrawn``): a CRM that flagged the rep on the breach's
    webhook clears the flag. ``keep_reassigned``: a breach for which the lead was given
    to someone else stays (that move happened). How many were withdrawn."""
    if work.assignment is None:
        return 0
    query = select(SlaBreach).where(
        SlaBreach.assignment_id == work.assignment.id, SlaBreach.kind == kind
    )
    if keep_reassigned:
        query = query.where(SlaBreach.reassigned.is_(False))
    breaches = list(session.scalars(query))
    for breach in breaches:
        data = {
            "contact_id": work.handoff.contact_id,
            "handoff_id": work.handoff.id,
            "owner": work.handoff.owner,
            "kind": kind,
            "due_at": breach.due_at.isoformat(),
            "done_at": done_at.isoformat(),
            "at": now.isoformat(),
        }
        enqueue_in(session, SLA_BREACH_WITHDRAWN, data, now)
        session.delete(breach)
    session.flush()
    return len(breaches)


def close_work(
    session: Session, work: Work, *, outcome: str, reason: str, actor: str | None, now: datetime
) -> None:
    """End the work on a hand-off. An accepted lead closed without ever being touched
    breached the first-touch SLA if that was due before now: recorded here, so no breach
    depends on how often the sweep runs. (A rejected lead needs no touch.)"""
    item = work.item
    if work.handoff.status == "accepted" and item.first_touch_at is None:
        record_breach_if_late(session, work, FIRST_TOUCH, now)
    item.closed_at = now
    item.outcome = outcome
    item.close_reason = reason[:500]
    item.closed_by = actor
    item.next_attempt_due_at = None
    item.next_channel = None
