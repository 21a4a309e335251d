"""The hand-off: a sales-ready lead gets an owner, an SLA clock and marketing's "why".

``hand_off_if_due`` is called by the re-qualification of a contact (services/requalify.py),
inside the transaction that made the lead sales-ready, whether an event, an import or a
merge did it. A new hand-off is made when all of these hold:

* the lead is sales-ready and stands in a funnel stage (not nurture, not disqualified,
  not a customer stage);
* it has no live hand-off (open, or accepted and still being worked);
* it was never handed off, or its last sales action came after its last hand-off: one
  sales action hands a lead off once, and a lead sales sent back returns only when it
  asks again.

Sales receives only requests still fresh when it learns of them: the verdict it is given
was judged with ``learned_at=now`` (services/requalify.py, engine/sales_ready.py), so a
sales action already older than ``sales_actions.within_days`` when it arrives (a
marketing tool's history imported, a tool that sends weeks later) made the lead not
sales-ready in the first place.

``hand_off`` routes the lead (services/routing.py), computes the SLA due moments in the
owner's team's business hours, and writes the hand-off, its assignment (with the rule
that chose the rep) and its work item (with the explanation of the qualification, the
"why" the rep sees in the queue). ``reassign`` gives a hand-off to another rep, with a
fresh SLA clock. The rep a hand-off or re-assignment names becomes the contact's owner
(``contacts.owner``) in the same transaction: the owner the leads list shows and filters
by is the rep who holds the lead now (an import does not replace it while sales holds
the lead, ``services/contact_batches.py``). Times: the hand-off happens at ``now``,
when leadflow learns of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition, StageKind
from leadflow.definition.model_handoff import SlaConfig
from leadflow.domain.business_hours import BusinessCalendar, WorkingWeek, time_zone
from leadflow.domain.facts import Event, Facts
from leadflow.domain.lifecycle import LifecycleState
from leadflow.domain.qualification import Qualification
from leadflow.engine.qualify import qualify, qualify_summary
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.outbox import HANDED_OFF, HANDOFF_ASSIGNED, enqueue
from leadflow.services.routing import Routed, route
from leadflow.store.driver import Driver
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import CandidateRow, HandoffStatements, LatestHandoff

__all__ = [
    "HandedOff",
    "announce_assigned",
    "calendar_of",
    "hand_off",
    "hand_off_due",
    "hand_off_if_due",
    "may_hand_off",
    "reassign",
    "sla_dues",
]

Dues = tuple[datetime | None, datetime | None]  # (accept by, first touch by)


@dataclass(frozen=True, slots=True)
class HandedOff:
    handoff_id: int
    assignment_id: int
    routed: Routed
    dues: Dues


def hand_off_if_due(
    store: RealtimeStore,
    contact_id: int,
    *,
    qualification: Qualification,
    facts: Facts,
    summary: ActivitySummary,
    lifecycle: LifecycleState,
    active: ActiveDefinition,
    now: datetime,
) -> HandedOff | None:
    """Hand the lead off when the rules above say a new hand-off is due."""
    if not hand_off_due(store, contact_id, qualification, lifecycle, active):
        return None
    statements = HandoffStatements(store.driver)
    explained = _why(store, contact_id, facts, summary, active, qualification, now)
    action = qualification.last_sales_action
    return hand_off(
        statements,
        contact_id=contact_id,
        facts=facts,
        why=explained.explanation,
        trigger=None if action is None else action.type,
        active=active,
        now=now,
    )


def _why(
    store: RealtimeStore,
    contact_id: int,
    facts: Facts,
    summary: ActivitySummary,
    active: ActiveDefinition,
    qualification: Qualification,
    now: datetime,
) -> Qualification:
    """The explanation the rep sees. The real-time path qualifies from a summary, which
    keeps counts per rule, not events: its explanation would list every event type a rule
    names ("1 x call_request, demo_request, ..."). A hand-off happens once per lead, so
    the history is read here and the rep sees the very events, with their age and decay.
    The summary's explanation is the fallback for a contact whose history is not stored
    (an imported CRM state)."""
    stored = store.contact_events(contact_id)
    if not stored:
        return qualify_summary(
            facts, summary, active.definition, qualification.at, explain=True, learned_at=now
        )
    history = tuple(Event(e.type, e.at, e.properties, str(e.id)) for e in stored)
    facts = replace(facts, events=history)
    return qualify(facts, active.definition, qualification.at, learned_at=now)


def hand_off_due(
    store: RealtimeStore,
    contact_id: int,
    qualification: Qualification,
    lifecycle: LifecycleState,
    active: ActiveDefinition,
) -> bool:
    """Whether ``hand_off_if_due`` would hand the lead off with this verdict (judged at
    the moment leadflow learned of it, so a stale sales action is not sales-ready)."""
    if not qualification.sales_ready or not may_hand_off(active.definition, lifecycle):
        return False
    return _due(HandoffStatements(store.driver).latest_handoff(contact_id), qualification)


def hand_off(
    statements: HandoffStatements,
    *,
    contact_id: int,
    facts: Facts,
    why: Sequence[str],
    trigger: str | None,
    active: ActiveDefinition,
    now: datetime,
) -> HandedOff:
    """Route the lead and write the hand-off, its assignment and its work item."""
    definition = active.definition
    routed = _route(statements, definition, contact_id, facts, now, frozenset())
    dues = sla_dues(statements, routed.rep, definition.handoff.sla, now)
    owner = None if routed.rep is None else routed.rep.key
    handoff_id = statements.insert_handoff(contact_id, owner, now, dues[1], active.version_id)
    rep_id = None if routed.rep is None else routed.rep.id
    reason = "handed off: sales-ready"
    assignment_id = statements.insert_assignment(
        handoff_id, contact_id, rep_id, routed.rule, reason, now, dues
    )
    statements.insert_work(handoff_id, contact_id, assignment_id, rep_id, why, trigger)
    if owner is not None:  # unassigned: the contact keeps the owner it had (a CRM's)
        statements.set_owner(contact_id, owner, now)
    # Announced in this transaction: a CRM learns who holds the lead, and by when.
    announced = {
        "contact_id": contact_id,
        "handoff_id": handoff_id,
        "owner": owner,
        "rule": routed.rule,
        "trigger": trigger,
        "accept_due_at": _iso(dues[0]),
        "first_touch_due_at": _iso(dues[1]),
        "at": now.isoformat(),
    }
    enqueue(statements.driver, HANDED_OFF, announced, now)
    return HandedOff(handoff_id, assignment_id, routed, dues)


def reassign(
    statements: HandoffStatements,
    *,
    handoff_id: int,
    contact_id: int,
    facts: Facts,
    exclude: frozenset[int],
    reason: str,
    definition: Definition,
    now: datetime,
) -> HandedOff | None:
    """Route the hand-off again, away from ``exclude``; the new owner's SLA starts now.

    None when no other rep is available: the hand-off stays where it is.
    """
    routed = _route(statements, definition, contact_id, facts, now, exclude)
    if routed.rep is None:
        return None
    dues = sla_dues(statements, routed.rep, definition.handoff.sla, now)
    rep = routed.rep
    assignment_id = statements.insert_assignment(
        handoff_id, contact_id, rep.id, routed.rule, reason, now, dues
    )
    statements.reassign(handoff_id, assignment_id, rep.id, rep.key, dues[1])
    statements.set_owner(contact_id, rep.key, now)
    announce_assigned(statements.driver, contact_id, handoff_id, rep.key, routed.rule, reason, now)
    return HandedOff(handoff_id, assignment_id, routed, dues)


def announce_assigned(
    driver: Driver,
    contact_id: int,
    handoff_id: int,
    owner: str,
    rule: str,
    reason: str,
    now: datetime,
) -> None:
    """``handoff.assigned``: the lead has another owner (re-assigned or claimed)."""
    data = {
        "contact_id": contact_id,
        "handoff_id": handoff_id,
        "owner": owner,
        "rule": rule,
        "reason": reason,
        "at": now.isoformat(),
    }
    enqueue(driver, HANDOFF_ASSIGNED, data, now)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def sla_dues(
    statements: HandoffStatements, rep: CandidateRow | None, sla: SlaConfig, start: datetime
) -> Dues:
    """When the answer and the first touch are due, in the rep's team's business hours."""
    if rep is None:
        return None, None  # nobody to hold to a promise until someone is assigned
    calendar = calendar_of(statements, rep.team_id)
    return (
        calendar.add_hours(start, sla.accept_within_hours),
        calendar.add_hours(start, sla.first_touch_within_hours),
    )


def calendar_of(statements: HandoffStatements, team_id: int) -> BusinessCalendar:
    row = statements.team_calendar(team_id)
    return BusinessCalendar(
        time_zone(row.time_zone), WorkingWeek.parse(row.working_hours), row.holidays
    )


def _route(
    statements: HandoffStatements,
    definition: Definition,
    contact_id: int,
    facts: Facts,
    now: datetime,
    exclude: frozenset[int],
) -> Routed:
    return route(
        statements,
        definition.handoff.routing,
        contact_id=contact_id,
        facts=facts,
        free_mail_domains=definition.free_mail_domains,
        now=now,
        exclude=exclude,
    )


def _due(latest: LatestHandoff | None, qualification: Qualification) -> bool:
    if latest is None:
        return True
    if latest.live:
        return False
    # A sales action taken while sales held the lead was theirs to see: only one after
    # they finished with it (rejected, closed, deal lost) asks for a new hand-off.
    # Otherwise a lead that asked again during the hold would be handed off afresh in
    # the very transaction that sends it back to nurture.
    action = qualification.last_sales_action
    return action is not None and action.at > (latest.ended or latest.at)


def may_hand_off(definition: Definition, lifecycle: LifecycleState) -> bool:
    """Sales-ready leads in nurture wait to re-qualify; customers are not handed off."""
    stage = lifecycle.stage
    if stage in (NURTURE, DISQUALIFIED):
        return False
    kinds = {s.id: s.kind for s in definition.stages}
    return kinds.get(stage or "") is not StageKind.CUSTOMER
