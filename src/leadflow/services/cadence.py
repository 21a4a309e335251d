"""Working an accepted lead: attempts, conversations, and how the work ends.

    log_attempt        one try (channel, outcome); the first is the first touch (its SLA
                       is checked); the next attempt due follows the cadence; the last
                       unanswered one ends the cadence and recycles the lead
    log_conversation   a two-way conversation with a named rep (qualification counts it)
    record_attempt, record_conversation
                       the same without the commit (``leadflow import activities``)

Either may be given the moment it happened (``at``: a CRM's call logged after the
fact): it is stored at that moment, on the hand-off the lead was in then, and the
first-touch SLA, the cadence's next step and the under-worked flag come out as if the
rep had logged it in leadflow at that moment.
    close_lead         the rep gives the lead back (recycle) or disqualifies it; closing an
                       unreached lead before ``cadence.min_attempts`` marks it UNDER-WORKED
    end_cadence        the cadence ran out without a connection: back to nurture, with
                       that reason (the SLA sweep calls it when the last day has passed)

Consent: no call to a contact who withdrew phone consent, no e-mail to one who withdrew
e-mail consent or whose address bounced; those channels are also left out of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.domain.attempt_words import said_as
from leadflow.domain.cadence import CONNECTING_OUTCOMES, is_under_worked, next_step
from leadflow.domain.clock import Clock, FixedClock, ensure_utc
from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome, ConversationOutcome
from leadflow.services.definitions import active_definition
from leadflow.services.events import FUTURE_TOLERANCE
from leadflow.services.lifecycle_moves import disqualify_lead, recycle_lead, stands_as_customer
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.services.requalify import requalify_contacts
from leadflow.services.sales_work import (
    FIRST_TOUCH,
    Work,
    acting_rep,
    cadence_steps,
    close_work,
    live_work,
    owner_calendar,
    record_breach_if_late,
    withdraw_breaches,
    withdrawn_channels,
)
from leadflow.store.models import (
    Assignment,
    Contact,
    Conversation,
    Handoff,
    HandoffWork,
    Qualification,
    Rep,
    SalesAttempt,
)

__all__ = [
    "CADENCE_ENDED",
    "CLOSED_CUSTOMER",
    "STAYS_CUSTOMER",
    "WorkState",
    "close_lead",
    "end_cadence",
    "log_attempt",
    "log_conversation",
    "record_attempt",
    "record_conversation",
]

CADENCE_ENDED = "cadence ended without a connection"
# A customer's lead closed by sales: neither recycled nor disqualified, so the work item
# says what happened instead (not counted as giving up in reports or learning).
CLOSED_CUSTOMER = "closed"
STAYS_CUSTOMER = "(stays a customer)"
_Choice = TypeVar("_Choice", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class WorkState:
    """Where the work on a lead stands after a rep's action."""

    contact_id: int
    handoff_id: int
    rep: str
    attempts: int
    connected: bool
    next_attempt_due_at: datetime | None
    next_channel: str | None
    closed: bool
    outcome: str | None
    under_worked: bool
    late: bool = False  # this action breached the first-touch SLA


def log_attempt(
    session: Session,
    contact_id: int,
    *,
    channel: str,
    outcome: str,
    note: str | None = None,
    rep: str | None,
    clock: Clock,
    at: datetime | None = None,
) -> WorkState:
    """One attempt, at ``at`` (default now): see ``record_attempt``; committed."""
    state = record_attempt(
        session, contact_id, channel=channel, outcome=outcome, note=note, rep=rep,
        clock=clock, at=at,
    )  # fmt: skip
    session.commit()
    return state


def record_attempt(
    session: Session,
    contact_id: int,
    *,
    channel: str,
    outcome: str,
    note: str | None = None,
    rep: str | None,
    clock: Clock,
    at: datetime | None = None,
    external_id: str | None = None,
) -> WorkState:
    """One attempt (the caller commits). ``at`` is when it happened (a CRM's call logged
    after the fact): the first-touch SLA, the cadence and the under-worked flag read as
    if the rep had logged it in leadflow then (``_moment`` says which moments are taken)."""
    attempt_channel = _choice(AttemptChannel, channel, "channel")
    # Leadflow's word from here on ("Spoke with" is `connected`): whether the lead was
    # reached, the cadence's end and every report read the stored outcome.
    outcome = _choice(AttemptOutcome, outcome, "outcome").value
    now = clock.now()
    moment = _moment(at, now)
    work = _work_at(session, contact_id, moment, now)
    actor = acting_rep(session, work, rep)
    # Consent in force for a touch now; as it stood then for one logged after the fact.
    _check_consent(session, contact_id, attempt_channel, None if moment == now else moment)
    session.add(
        SalesAttempt(
            contact_id=contact_id,
            handoff_id=work.handoff.id,
            rep=actor.key,
            channel=attempt_channel.value,
            outcome=outcome,
            at=moment,
            note=note,
            external_id=external_id,
        )
    )
    _touched(session, contact_id, moment)
    item = work.item
    late = _first_touch(session, work, moment, now)
    item.attempts += 1
    item.connected = item.connected or outcome in CONNECTING_OUTCOMES
    if item.closed_at is not None:
        _rejudge_under_worked(session, work)
    elif not _plan_next(session, work, actor):
        end_cadence(session, work, _last_attempt_at(session, work, moment))
    return _state(work, actor.key, late)


def log_conversation(
    session: Session,
    contact_id: int,
    *,
    outcome: str,
    note: str | None = None,
    rep: str | None,
    clock: Clock,
    at: datetime | None = None,
) -> WorkState:
    """A conversation, at ``at`` (default now): see ``record_conversation``; committed."""
    state = record_conversation(
        session, contact_id, outcome=outcome, note=note, rep=rep, clock=clock, at=at
    )
    session.commit()
    return state


def record_conversation(
    session: Session,
    contact_id: int,
    *,
    outcome: str,
    note: str | None = None,
    rep: str | None,
    clock: Clock,
    at: datetime | None = None,
    external_id: str | None = None,
) -> WorkState:
    """A conversation with a lead sales holds (the caller commits); it counts as reaching
    the person, and as the first touch when it is the first contact recorded (a connected
    call or meeting logged only as a conversation). ``at`` as for ``record_attempt``."""
    # Stored as leadflow's word: the definition's `sql_outcomes` and reports read it.
    outcome = _choice(ConversationOutcome, outcome, "outcome").value
    now = clock.now()
    moment = _moment(at, now)
    work = _work_at(session, contact_id, moment, now)
    actor = acting_rep(session, work, rep)
    session.add(
        Conversation(
            contact_id=contact_id,
            rep=actor.key,
            outcome=outcome,
            at=moment,
            note=note,
            external_id=external_id,
        )
    )
    late = _first_touch(session, work, moment, now)
    work.item.connected = True
    if work.item.closed_at is None:
        work.item.next_attempt_due_at = work.item.next_channel = None
    else:
        _rejudge_under_worked(session, work)
    session.flush()
    # Logged after the fact (a CRM's meeting): the move it causes is dated when it was held.
    requalify_contacts(session, [contact_id], clock=clock, dated_by_facts=at is not None)
    return _state(work, actor.key, late)


def close_lead(
    session: Session,
    contact_id: int,
    *,
    reason: str,
    disqualify: bool = False,
    rep: str | None,
    clock: Clock,
) -> WorkState:
    """The rep stops working the lead: back to nurture, or out of the funnel. A customer
    (a deal won meanwhile, the CRM's included) goes neither way: its work item ends with
    the outcome ``closed`` and the reason says it stays a customer."""
    if not reason.strip():
        raise InvalidInputError(
            "closing a lead needs a reason (e.g. unresponsive, not_interested)", field="reason"
        )
    now = clock.now()
    work = _accepted_work(session, contact_id, closing=True)
    actor = acting_rep(session, work, rep)
    minimum = active_definition(session).definition.handoff.cadence.min_attempts
    item = work.item
    # A lead that became a customer meanwhile (a deal the CRM won) was not given up on.
    customer = stands_as_customer(session, contact_id)
    item.under_worked = not customer and is_under_worked(item.attempts, item.connected, minimum)
    if customer:
        outcome, recorded = CLOSED_CUSTOMER, f"{reason} {STAYS_CUSTOMER}"
    else:
        outcome, recorded = ("disqualified" if disqualify else "recycled"), reason
    close_work(session, work, outcome=outcome, reason=recorded, actor=actor.key, now=now)
    requalify_contacts(session, [contact_id], clock=clock)
    if not customer:
        move = disqualify_lead if disqualify else recycle_lead
        move(session, contact_id, f"closed by sales: {reason}", actor.key, now)
    session.commit()
    return _state(work, actor.key)


def _first_touch(session: Session, work: Work, moment: datetime, now: datetime) -> bool:
    """Any recorded sales touch, an attempt or a conversation, is the first touch when
    none came before it; whether it breached the first-touch SLA (recorded at
    ``moment``). A touch logged after the fact that came earlier than the one on record
    takes its place, and a first-touch breach it shows was no breach (one the sweep or a
    later touch recorded) is withdrawn: the SLA reads as if the rep had logged it then."""
    item = work.item
    if item.first_touch_at is not None and item.first_touch_at <= moment:
        return False
    item.first_touch_at = moment
    if _in_time(work, moment):
        withdraw_breaches(session, work, FIRST_TOUCH, done_at=moment, now=now)
        return False
    late = record_breach_if_late(session, work, FIRST_TOUCH, moment, done_at=moment, written_at=now)
    return late is not None


def _in_time(work: Work, moment: datetime) -> bool:
    due = None if work.assignment is None else work.assignment.touch_due_at
    return due is None or moment <= due


def _rejudge_under_worked(session: Session, work: Work) -> None:
    """A lead closed as under-worked whose earlier attempts arrive afterwards (logged in a
    CRM, imported later) was worked after all once they reach the minimum."""
    item = work.item
    if item.under_worked:
        minimum = active_definition(session).definition.handoff.cadence.min_attempts
        item.under_worked = is_under_worked(item.attempts, item.connected, minimum)


def _last_attempt_at(session: Session, work: Work, moment: datetime) -> datetime:
    """When the cadence's last step was made: the latest attempt on the hand-off."""
    session.flush()
    latest = session.scalar(
        select(func.max(SalesAttempt.at)).where(SalesAttempt.handoff_id == work.handoff.id)
    )
    return moment if latest is None else max(latest, moment)


def _moment(at: datetime | None, now: datetime) -> datetime:
    """When an attempt or conversation happened: ``at`` in UTC, or now. A moment later
    than now by up to the events path's tolerance (a clock running fast) is taken as now;
    one further ahead is refused, as one without a time zone is."""
    if at is None:
        return now
    try:
        moment = ensure_utc(at)
    except ValueError as error:
        raise InvalidInputError(str(error), field="at") from None
    if moment > now + FUTURE_TOLERANCE:
        raise InvalidInputError(
            f"at {_shown(moment)} is in the future (now is {_shown(now)}): an attempt or "
            "conversation is logged once it happened",
            field="at",
        )
    return min(moment, now)


def _shown(moment: datetime) -> str:
    """A moment in a refusal: UTC to the second (``2026-03-02T13:00:00+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _work_at(session: Session, contact_id: int, moment: datetime, now: datetime) -> Work:
    """The accepted hand-off the lead was in at ``moment``: the live one for now; for a
    moment in the past, the hand-off made before it and not finished by then (its work
    may have ended since: a rep's attempt made before closing the lead counts)."""
    if moment == now:
        return _accepted_work(session, contact_id)
    if session.get(Contact, contact_id, with_for_update=True) is None:  # as live_work locks
        raise NotFoundError(f"no contact with id {contact_id}")
    row = session.execute(
        select(Handoff, HandoffWork)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .where(Handoff.contact_id == contact_id, Handoff.at <= moment)
        .order_by(Handoff.at.desc(), Handoff.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        first = session.scalar(select(func.min(Handoff.at)).where(Handoff.contact_id == contact_id))
        if first is None:
            return _accepted_work(session, contact_id)  # its refusal: never handed off
        raise InvalidInputError(
            f"{_shown(moment)} is before contact {contact_id} was handed off ({_shown(first)})",
            field="at",
        )
    handoff, item = row
    if item.closed_at is not None and item.closed_at <= moment:  # ended by then
        raise ConflictError(
            f"contact {contact_id}'s hand-off had ended by {_shown(moment)} "
            f"({item.outcome} on {_shown(item.closed_at)}): it was not in sales' hands"
        )
    work = Work(
        handoff,
        item,
        None if item.assignment_id is None else session.get(Assignment, item.assignment_id),
    )
    if handoff.status != "accepted":
        if handoff.status == "open":
            raise ConflictError(f"accept contact {contact_id}'s hand-off first (leadflow accept)")
        raise ConflictError(f"contact {contact_id}'s hand-off was {handoff.status} by sales")
    return work


def _touched(session: Session, contact_id: int, now: datetime) -> None:
    """An attempt is the lead's latest activity (the leads list's), though it changes no
    fact the qualification reads, so nothing re-qualifies the lead."""
    qualification = session.get(Qualification, contact_id)
    if qualification is not None and qualification.last_activity_at < now:
        qualification.last_activity_at = now


def end_cadence(session: Session, work: Work, now: datetime) -> None:
    """No connection by the cadence's end: recycle (the caller commits)."""
    reason = f"{CADENCE_ENDED} ({work.item.attempts} attempts)"
    close_work(session, work, outcome="cadence_ended", reason=reason, actor=None, now=now)
    contact_id = work.handoff.contact_id
    session.flush()
    requalify_contacts(session, [contact_id], clock=FixedClock(now))
    recycle_lead(session, contact_id, reason, "leadflow", now)


def _accepted_work(session: Session, contact_id: int, *, closing: bool = False) -> Work:
    work = live_work(session, contact_id)
    if work.handoff.status == "accepted":
        return work
    if closing:
        # Accepting only to close would start a cadence and flag the lead UNDER-WORKED:
        # a hand-off nobody answered yet is answered no, with a reason.
        raise ConflictError(
            f"contact {contact_id}'s hand-off was not accepted: reject it with a reason "
            "instead (leadflow reject)"
        )
    raise ConflictError(f"accept contact {contact_id}'s hand-off first (leadflow accept)")


def _check_consent(
    session: Session, contact_id: int, channel: AttemptChannel, as_of: datetime | None
) -> None:
    if channel in withdrawn_channels(session, contact_id, as_of=as_of):
        kind = "phone" if channel is AttemptChannel.CALL else "e-mail"
        raise ConflictError(
            f"contact {contact_id} withdrew {kind} consent (or the address bounced): "
            f"no {channel.value} attempts"
        )


def _plan_next(session: Session, work: Work, rep: Rep) -> bool:
    """Set the next attempt due; False when the cadence is spent without a connection."""
    item = work.item
    if item.connected:
        item.next_attempt_due_at = item.next_channel = None
        return True
    config = active_definition(session).definition.handoff.cadence
    step = next_step(cadence_steps(session, item.contact_id, config), item.attempts)
    if step is None:
        return False
    accepted = item.accepted_at or work.handoff.at
    due = owner_calendar(session, work, rep).day_open(accepted, step.day)
    item.next_attempt_due_at, item.next_channel = due, step.channel.value
    return True


def _choice(kind: type[_Choice], value: str, what: str) -> _Choice:
    """The member ``value`` names: its value, in any case and spacing (``No answer``), or
    a rep's word for it in English or another main European language (``phone`` is a
    call, ``Anrufbeantworter`` a voicemail: ``domain.attempt_words``)."""
    found = said_as(kind, value)
    if found is not None:
        return found
    known = ", ".join(member.value for member in kind)
    raise InvalidInputError(f"unknown {what} {value!r} (one of: {known})", field=what)


def _state(work: Work, rep: str, late: bool = False) -> WorkState:
    item = work.item
    return WorkState(
        contact_id=item.contact_id,
        handoff_id=item.handoff_id,
        rep=rep,
        attempts=item.attempts,
        connected=item.connected,
        next_attempt_due_at=item.next_attempt_due_at,
        next_channel=item.next_channel,
        closed=item.closed_at is not None,
        outcome=item.outcome,
        under_worked=item.under_worked,
        late=late,
    )
