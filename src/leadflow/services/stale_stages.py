"""Leads left in a stage that a stale sales action moved them to, and their repair.

The sales-ready gate judges a sales action's age at the moment leadflow learns of it
(engine/sales_ready.py, ``learned_at``): a demo request already past
``sales_actions.within_days`` when it arrives makes nobody sales-ready. Before that rule,
the real-time path judged it as of the contact's latest event, so leads imported with an
old history moved to the sales-ready stage (``sql`` in the presets); stages only move
forward by themselves, so they still stand there. ``leadflow qualify --repair`` lists
them and, with ``--apply``, moves them back, each move recorded in the stage ledger with
its actor and reason.

A lead is *stuck* when all of these hold:

* its current stage was entered by an automatic move (a rule, not a person);
* one of its sales-action events arrived more than the window after it happened, or,
  when the gate has extras (``min_engagement``, a condition, judged at ``learned_at``
  too since), any of its events arrived more than a day after it happened;
* qualified as of that move with the facts known then, it reaches the stage when the
  action's age counts from the move's moment, and does not when it counts from the
  moment leadflow learned of it: the stale action alone let it in;
* qualified now, it does not reach the stage either (no fresh sales action, acceptance
  or conversation since).

It goes back to where it stood before that move, or further when the definition places
it further now. A lead sales holds (an open hand-off) is listed and left alone: whether
it is a lead for sales is sales' answer to give (reject it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition
from leadflow.domain.clock import Clock
from leadflow.domain.qualification import SalesAction
from leadflow.engine.lifecycle import OFF_RAMPS
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.definitions import NoActiveDefinitionError, active_definition
from leadflow.services.lifecycle_moves import disqualify_lead, move_lead, recycle_lead
from leadflow.services.refusals import ConflictError
from leadflow.services.requalify import requalify_contacts
from leadflow.store.models import Contact, Event, Handoff, Qualification, StageTransition

__all__ = ["REPAIR_ACTOR", "StuckLead", "find_stuck_leads", "repair_stuck_leads"]

REPAIR_ACTOR = "leadflow qualify --repair"
# An event that arrived this much after it happened came from an imported history.
_LATE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class StuckLead:
    contact_id: int
    email: str | None
    stage: str  # where it stands
    entered_at: datetime  # when the stale action moved it there
    action: SalesAction | None  # the last sales action then (a product-led gate: none)
    learned_at: datetime  # when leadflow learned of it
    within_days: float
    back_to: str  # where the definition places it
    held_by_sales: bool  # an open hand-off: listed, not moved
    # The gate's verdict when leadflow learned of the facts: why it was not sales-ready.
    refused: str = ""

    @property
    def why(self) -> str:
        action = self.action
        if action is not None and self.learned_at - action.at > timedelta(self.within_days):
            age = (self.learned_at - action.at) / timedelta(days=1)
            return (
                f"entered {self.stage} on {action.type} of {_day(action.at)}, "
                f"{age:.1f} days old when leadflow learned of it on {_day(self.learned_at)} "
                f"(> {self.within_days:g})"
            )
        # The gate's extras (min_engagement, its condition) met by a late history only.
        return f"entered {self.stage} on {_day(self.entered_at)}; {self.refused}"


def find_stuck_leads(session: Session, now: datetime) -> list[StuckLead]:
    """Every stuck lead of the workspace, by contact id; nothing is written. Without an
    active definition there is no window to judge by (ConflictError)."""
    try:
        definition = active_definition(session).definition
    except NoActiveDefinitionError as error:
        raise ConflictError(str(error)) from None
    found = (_stuck(session, definition, contact_id, now) for contact_id in _late(session))
    return [lead for lead in found if lead is not None]


def repair_stuck_leads(session: Session, *, clock: Clock) -> list[StuckLead]:
    """Move every stuck lead sales does not hold back, recorded in the ledger; commit.
    Returns every stuck lead found (those held by sales unmoved)."""
    now = clock.now()
    leads = find_stuck_leads(session, now)
    moved = [lead for lead in leads if not lead.held_by_sales]
    for lead in moved:
        reason = f"repair: {lead.why}: back to {lead.back_to}, where the definition places it"
        if lead.back_to == NURTURE:
            recycle_lead(session, lead.contact_id, reason, REPAIR_ACTOR, now)
        elif lead.back_to == DISQUALIFIED:
            disqualify_lead(session, lead.contact_id, reason, REPAIR_ACTOR, now)
        else:
            move_lead(session, lead.contact_id, lead.back_to, reason, REPAIR_ACTOR, now)
    # The stored verdict follows (sales-ready or not, as of now), as after any move.
    requalify_contacts(session, [lead.contact_id for lead in moved], clock=clock)
    session.commit()
    return leads


def _late(session: Session) -> list[int]:
    """Contacts with an event of a sales-action type that arrived later than the window
    after it happened (a superset: the matchers' ``where`` globs are the engine's); when
    the gate has extras (``min_engagement``, a condition), also those with any event that
    arrived more than a day after it happened (an imported history, not a tracker's
    delay)."""
    definition = active_definition(session).definition
    window = timedelta(days=definition.sales_actions.within_days)
    types = {kind for matcher in definition.sales_actions.matchers for kind in matcher.types}
    gate = definition.sales_ready
    extras = gate.min_engagement is not None or gate.condition is not None
    query = select(Event.contact_id, Event.type, Event.at, Event.received_at).where(
        Event.contact_id.is_not(None)
    )
    if not extras:
        query = query.where(Event.type.in_(types))
    late = {
        contact
        for contact, kind, at, received in session.execute(query).tuples()
        if contact
        and (received - at > window if kind in types else extras and received - at > _LATE)
    }
    return sorted(late)


def _stuck(
    session: Session, definition: Definition, contact_id: int, now: datetime
) -> StuckLead | None:
    stage = session.scalar(
        select(Qualification.stage).where(Qualification.contact_id == contact_id)
    )
    position = _position(definition, stage)
    entry = _entry(session, contact_id)
    if stage is None or position is None or entry is None or entry.to_stage != stage:
        return None
    if entry.actor is not None:  # a person put it there: theirs to undo
        return None
    moment, learned = _moment_learned(session, contact_id, entry)
    naive = qualify_contact(session, contact_id, moment, explain=False).qualification
    then = qualify_contact(
        session, contact_id, moment, explain=False, learned_at=learned
    ).qualification
    if not _reaches(definition, naive.stage, position) or _reaches(
        definition, then.stage, position
    ):
        return None  # the stale action is not what let it in
    current = qualify_contact(session, contact_id, now, explain=False).qualification
    back_to = _back_to(definition, entry.from_stage, current.stage)
    if _reaches(definition, current.stage, position) or back_to is None:
        return None
    return StuckLead(
        contact_id=contact_id,
        email=session.scalar(select(Contact.email).where(Contact.id == contact_id)),
        stage=stage,
        entered_at=entry.at,
        action=naive.last_sales_action,
        learned_at=learned,
        within_days=definition.sales_actions.within_days,
        back_to=back_to,
        held_by_sales=_held(session, contact_id),
        refused=then.sales_ready_reason,
    )


def _entry(session: Session, contact_id: int) -> StageTransition | None:
    """The ledger's last recorded move of the contact: how it came to stand where it does.
    By recording order, not by ``at``: a history imported later is dated before the move
    that made the contact known."""
    return session.scalars(
        select(StageTransition)
        .where(StageTransition.contact_id == contact_id)
        .order_by(StageTransition.id.desc())
        .limit(1)
    ).first()


def _moment_learned(
    session: Session, contact_id: int, entry: StageTransition
) -> tuple[datetime, datetime]:
    """The moment the move was decided at and when leadflow learned what decided it: the
    event that caused it (a first move is dated when the contact was created, perhaps
    before that event), else the latest arrival of the events dated up to the move."""
    if entry.event_id is not None:
        cause = session.get(Event, entry.event_id)
        if cause is not None:
            return max(entry.at, cause.at), cause.received_at
    latest = session.scalar(
        select(Event.received_at)
        .where(Event.contact_id == contact_id, Event.at <= entry.at)
        .order_by(Event.received_at.desc())
        .limit(1)
    )
    return entry.at, entry.at if latest is None else max(entry.at, latest)


def _held(session: Session, contact_id: int) -> bool:
    return (
        session.scalar(
            select(Handoff.id).where(Handoff.contact_id == contact_id, Handoff.status == "open")
        )
        is not None
    )


def _position(definition: Definition, stage: str | None) -> int | None:
    if stage is None or stage in OFF_RAMPS:
        return None
    try:
        return definition.stage_index(stage)
    except ValueError:  # a stage of another version: a rescore's to settle
        return None


def _reaches(definition: Definition, target: str | None, position: int) -> bool:
    at = _position(definition, target)
    return at is not None and at >= position


def _back_to(definition: Definition, before: str | None, now: str | None) -> str | None:
    """Where the lead stood before the move, or the stage the definition gives it now
    when that is further on; an off-ramp it came from is where it goes back to."""
    if before in OFF_RAMPS:
        return before
    placed = [stage for stage in (before, now) if _position(definition, stage) is not None]
    if not placed:
        return None
    return max(placed, key=lambda stage: _position(definition, stage) or 0)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
