"""Sales' answer to a hand-off: accept it, or reject it with a reason from the definition.

Accepting makes the lead *sales-accepted* (``sales.accepted`` true; in the presets the
SQL / prospect stage) and starts the follow-up cadence: the first attempt is due on
the first business day, the cadence ends when its business days have passed. An
unassigned lead is claimed by the rep who accepts it.

Rejecting needs a reason code of ``handoff.reject_reasons``; the reason says what
happens next (``recycle``: back to nurture, ``disqualify``: out of the funnel) and
whether a note is required. Every rejection is stored (``rejections``) for the reports
and for learning what marketing should not hand off, with the action taken: the reason's,
or ``stays_customer`` for a lead that became a customer meanwhile (neither happens).

Both record an accept-SLA breach when the answer came after its due moment, and
re-qualify the contact in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.definition.model_handoff import HandoffConfig, RejectAction, RejectReason
from leadflow.domain.cadence import next_step
from leadflow.domain.clock import Clock
from leadflow.services.cadence import STAYS_CUSTOMER
from leadflow.services.definitions import active_definition
from leadflow.services.handoff import announce_assigned
from leadflow.services.lifecycle_moves import disqualify_lead, recycle_lead, stands_as_customer
from leadflow.services.refusals import ConflictError, InvalidInputError
from leadflow.services.requalify import requalify_contacts
from leadflow.services.sales_work import (
    ACCEPT,
    Work,
    acting_rep,
    cadence_steps,
    close_work,
    live_work,
    owner_calendar,
    record_breach_if_late,
    team_calendar,
    withdraw_breaches,
)
from leadflow.store.driver import driver_for
from leadflow.store.models import Assignment, Contact, Rejection, Rep

__all__ = ["STAYS_CUSTOMER_ACTION", "Answered", "accept", "accept_in", "reject"]

# ``rejections.action`` of a customer's lead: the reason's recycle or disqualify did not
# happen (the contact stays a customer), so the row must not say it did.
STAYS_CUSTOMER_ACTION = "stays_customer"


@dataclass(frozen=True, slots=True)
class Answered:
    contact_id: int
    handoff_id: int
    rep: str
    stage: str | None  # where the lead stands afterwards
    late: bool  # the answer breached the accept SLA


def accept(session: Session, contact_id: int, *, rep: str | None, clock: Clock) -> Answered:
    answered = accept_in(session, contact_id, rep=rep, clock=clock)
    session.commit()
    return answered


def accept_in(
    session: Session,
    contact_id: int,
    *,
    rep: str | None,
    clock: Clock,
    at: datetime | None = None,
) -> Answered:
    """``accept`` without the commit. ``at``: when sales took the lead on, not before its
    hand-off (a CRM's first activity on it, ``leadflow import activities``): the accept
    SLA, the claim and the cadence count from then, and an accept breach the sweep
    recorded meanwhile is withdrawn when that moment was in time (unless the sweep gave
    the lead to someone else for it)."""
    now = clock.now()
    moment = now if at is None else min(at, now)
    work = _open_work(session, contact_id)
    actor = acting_rep(session, work, rep)
    breach = record_breach_if_late(session, work, ACCEPT, moment, done_at=moment, written_at=now)
    late = breach is not None
    if not late and moment < now:
        withdraw_breaches(session, work, ACCEPT, done_at=moment, now=now, keep_reassigned=True)
    if work.item.rep_id is None:
        claimed = _claim(session, work, actor, moment, changed_at=now)
        work = Work(work.handoff, work.item, claimed)
    work.handoff.status = "accepted"
    work.handoff.answered_at = moment
    _start_cadence(session, work, actor, moment)
    # Taken on at a past moment (a CRM's activity): the move it causes is dated then.
    done = requalify_contacts(session, [contact_id], clock=clock, dated_by_facts=at is not None)
    return Answered(contact_id, work.handoff.id, actor.key, done[0].stage, late)


def reject(
    session: Session,
    contact_id: int,
    *,
    code: str,
    note: str | None,
    rep: str | None,
    clock: Clock,
) -> Answered:
    now = clock.now()
    active = active_definition(session)
    reason = _reason(active.definition.handoff, code, note)
    work = _open_work(session, contact_id)
    actor = acting_rep(session, work, rep)
    late = record_breach_if_late(session, work, ACCEPT, now, done_at=now) is not None
    text = code if not note else f"{code}: {note}"
    work.handoff.status = "rejected"
    work.handoff.answered_at = now
    work.handoff.reason = text[:500]
    # A customer (a deal won meanwhile, the CRM's included) is neither recycled nor
    # disqualified (lifecycle_moves): the records say so instead of the reason's action.
    customer = stands_as_customer(session, contact_id)
    session.add(
        Rejection(
            handoff_id=work.handoff.id,
            contact_id=contact_id,
            rep_id=actor.id,
            code=code,
            action=STAYS_CUSTOMER_ACTION if customer else reason.action.value,
            note=note,
            at=now,
            definition_version_id=active.version_id,
        )
    )
    closed = f"{text} {STAYS_CUSTOMER}" if customer else text
    close_work(session, work, outcome="rejected", reason=closed, actor=actor.key, now=now)
    (requalified,) = requalify_contacts(session, [contact_id], clock=clock, active=active)
    move = recycle_lead if reason.action is RejectAction.RECYCLE else disqualify_lead
    transition = move(session, contact_id, f"rejected by sales: {text}", actor.key, now)
    session.commit()
    # No move (a customer, or already there): the lead stands where qualification put it.
    stage = requalified.stage if transition is None else transition.to_stage
    return Answered(contact_id, work.handoff.id, actor.key, stage, late)


def _open_work(session: Session, contact_id: int) -> Work:
    work = live_work(session, contact_id)
    if work.handoff.status != "open":
        raise ConflictError(
            f"contact {contact_id}'s hand-off was {work.handoff.status} already; "
            "close the lead instead (leadflow close)"
        )
    return work


def _reason(config: HandoffConfig, code: str, note: str | None) -> RejectReason:
    try:
        reason = config.reject_reason(code)
    except KeyError as error:
        raise InvalidInputError(str(error.args[0]), field="reason") from None
    if reason.note_required and not (note and note.strip()):
        raise InvalidInputError(f"reject reason {code!r} needs a note saying why", field="note")
    return reason


def _claim(
    session: Session, work: Work, rep: Rep, now: datetime, *, changed_at: datetime
) -> Assignment:
    """An unassigned lead accepted by a rep is theirs from ``now`` on (the moment of the
    claim, a CRM's first activity for an import); the first-touch clock starts at the
    claim, in the rep's team's business hours. The contact's new owner is a change made
    at ``changed_at`` (the real now: a sync reading ``changed_since`` must see it)."""
    sla = active_definition(session).definition.handoff.sla
    touch_due = team_calendar(session, rep.team_id).add_hours(now, sla.first_touch_within_hours)
    assignment = Assignment(
        handoff_id=work.handoff.id,
        contact_id=work.handoff.contact_id,
        rep_id=rep.id,
        rule="claimed",
        reason="accepted from the unassigned queue",
        at=now,
        accept_due_at=now,
        touch_due_at=touch_due,
    )
    session.add(assignment)
    session.flush()
    work.item.assignment_id, work.item.rep_id = assignment.id, rep.id
    work.handoff.owner, work.handoff.due_at = rep.key, touch_due
    contact = session.get_one(Contact, work.handoff.contact_id)
    contact.owner, contact.updated_at = rep.key, changed_at  # the rep holding the lead owns it
    announce_assigned(
        driver_for(session.connection()),
        work.handoff.contact_id,
        work.handoff.id,
        rep.key,
        assignment.rule,
        assignment.reason,
        now,
    )
    return assignment


def _start_cadence(session: Session, work: Work, rep: Rep, now: datetime) -> None:
    config = active_definition(session).definition.handoff.cadence
    calendar = owner_calendar(session, work, rep)
    item = work.item
    item.accepted_at = now
    item.cadence_ends_at = calendar.day_close(now, config.business_days)
    step = next_step(cadence_steps(session, item.contact_id, config), item.attempts)
    if step is not None:
        item.next_attempt_due_at = calendar.day_open(now, step.day)
        item.next_channel = step.channel.value
