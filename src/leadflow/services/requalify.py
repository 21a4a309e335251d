"""Re-qualify one contact in the store: fold, qualify, move, write, announce.

The real-time path (events.py) calls ``requalify_contact`` for each recorded event with
that event; other writers call ``requalify_contacts`` after changing what a contact's
qualification depends on (attributes from an import, a merge, BANT facts, consent,
sales contact), so the stored stage and scores follow.

The contact is qualified at its latest event (or ``now`` when it has none), the moment
the real-time path uses too, so re-qualifying without a new event changes only what the
new facts change. The sales-ready gate alone looks at ``now`` as well (``learned_at``):
a sales action older than its window when leadflow learns of it makes nobody
sales-ready, so a late history neither hands the lead off nor leaves it standing in the
sales-ready stage with nobody holding it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.domain.facts import Event, Facts
from leadflow.domain.lifecycle import Transition
from leadflow.engine.lifecycle import advance
from leadflow.engine.qualify import qualify_summary
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition, active_definition
from leadflow.services.facts import facts_of
from leadflow.services.handoff import hand_off_due, hand_off_if_due
from leadflow.services.outbox import announce_qualified
from leadflow.services.prediction import person_prediction
from leadflow.services.summary_cache import SummaryCache
from leadflow.store.driver import driver_for, json_state, json_text
from leadflow.store.realtime import PersonRow, RealtimeStore, StoredEvent

__all__ = ["Requalified", "requalify_contact", "requalify_contacts"]


@dataclass(frozen=True, slots=True)
class Requalified:
    contact_id: int
    stage: str | None
    sales_ready: bool
    transitions: tuple[Transition, ...] = ()


def requalify_contacts(
    session: Session,
    contact_ids: Sequence[int],
    *,
    clock: Clock,
    active: ActiveDefinition | None = None,
    dated_by_facts: bool = False,
) -> list[Requalified]:
    """Re-qualify these contacts in ``session`` (not committed: the caller's change and
    the new qualification commit together). Unknown ids raise LookupError.
    ``dated_by_facts``: the caller recorded past facts (a CRM's history), so a move
    they cause is dated when they happened (``requalify_contact``)."""
    definition = active or active_definition(session)
    session.flush()  # the caller's pending changes are what the driver must read
    store = RealtimeStore(driver_for(session.connection()))
    now = clock.now()
    done = []
    for contact_id in contact_ids:
        store.lock_contact(contact_id)
        done.append(
            requalify_contact(store, contact_id, definition, now, dated_by_facts=dated_by_facts)
        )
    return done


def _entry_moment(store: RealtimeStore, person: PersonRow, at: datetime) -> datetime:
    """When a move decided at ``at`` happened. A contact qualified for the first time
    enters the funnel when it was created, if that is earlier: a contact imported with
    its CRM's creation date and then its past events has its entry before the moves
    those events cause, not after them on the day of the import."""
    if person.stored is not None:
        return at
    created = store.created_at(person.contact_id)
    return at if created is None else min(at, created)


def requalify_contact(
    store: RealtimeStore,
    contact_id: int,
    active: ActiveDefinition,
    now: datetime,
    *,
    event: Event | None = None,
    event_id: int | None = None,
    rebuild: bool = False,
    only_event: bool = False,
    summaries: SummaryCache | None = None,
    dated_by_facts: bool = False,
) -> Requalified:
    """Qualify the contact again, write the state, the move (if any) and the outbox.

    The caller holds the contact's lock (``attribute`` takes it) and the transaction.
    ``event`` is folded into the stored summary; ``rebuild`` forces a replay of the
    stored history; ``only_event`` says the event is the contact's whole history.
    ``summaries`` spares decoding a stored summary this caller wrote itself.
    ``dated_by_facts``: a move is dated at the earliest of the contact's dated sales
    facts from which it qualifies for the stage it moves to (``_fact_moment``), not at
    the moment it is qualified at; the qualification itself is unchanged.
    """
    person = store.load_person(contact_id)
    summary = _summary(
        store, person, active, event, rebuild=rebuild, only_event=only_event, cache=summaries
    )
    facts = facts_of(store, person)
    # Sales facts (a conversation, a deal) arrive without events (issue 5): qualify at the
    # latest event or sales fact, or a conversation logged now would not count yet.
    latest_event = summary.latest or (event.at if event is not None else None)
    sales_moments = _sales_moments(facts)
    at = max([latest_event or now, *sales_moments])
    entered = _entry_moment(store, person, at)
    if active.model is not None:  # a learned model is active: Facts.prediction at ``at``
        facts = person_prediction(store, active.model, contact_id, facts, at)
    qualification = qualify_summary(
        facts, summary, active.definition, at, explain=False, learned_at=now
    )
    step = advance(person.lifecycle, qualification, entered)
    if facts.sales.accepted is False and hand_off_due(
        store, contact_id, qualification, step.state, active
    ):
        # Sales rejected the last hand-off and the lead is handed off again now: the new
        # hand-off waits for its own answer, so the old rejection no longer holds it back
        # (the stage is what the batch and history paths see once the hand-off exists).
        facts = replace(facts, sales=replace(facts.sales, accepted=None))
        qualification = qualify_summary(
            facts, summary, active.definition, at, explain=False, learned_at=now
        )
        step = advance(person.lifecycle, qualification, entered)
    if dated_by_facts and step.transition is not None and person.stored is not None:
        target = step.transition.to_stage
        moment = _fact_moment(store, person, active, summary, sales_moments, target, at, now)
        if moment != step.transition.at:
            step = advance(person.lifecycle, qualification, moment)
    # Webhooks (issue 4): was it sales-ready before? The row read with the person says.
    was_ready = person.stored is not None and bool(person.stored["sales_ready"])
    text = json_text(summary.to_data())
    store.save_qualification(
        contact_id,
        qualification,
        step.state,
        text,
        active.version_id,
        now,
        last_activity=_last_activity(store, person, latest_event, sales_moments, entered),
        stored=person.stored,
        prediction=facts.prediction,
    )
    moves: tuple[Transition, ...] = ()
    if step.transition is not None:
        store.add_transition(contact_id, step.transition, active.version_id, event_id)
        moves = (step.transition,)
    # Transactional outbox: stage.changed / lead.sales_ready commit with this event or not at all.
    announce_qualified(
        store.driver,
        contact_id,
        stage=step.state.stage,
        sales_ready=qualification.sales_ready,
        was_sales_ready=was_ready,
        transition=step.transition,
        at=at,
        now=now,
    )
    # The sales hand-off (issue 5): a sales-ready lead gets an owner in this same
    # transaction; services/handoff.py decides whether a new hand-off is due.
    hand_off_if_due(
        store,
        contact_id,
        qualification=qualification,
        facts=facts,
        summary=summary,
        lifecycle=step.state,
        active=active,
        now=now,
    )
    if summaries is not None:  # last: nothing may change the summary once it is kept
        summaries.keep(contact_id, text, summary)
    return Requalified(contact_id, step.state.stage, qualification.sales_ready, moves)


def _last_activity(
    store: RealtimeStore,
    person: PersonRow,
    latest_event: datetime | None,
    sales_moments: list[datetime],
    entered: datetime,
) -> datetime:
    """The lead's last activity: its latest event or sales fact, never earlier than the
    stored one (a sales attempt moves it without re-qualifying, services/cadence.py).
    Without any, the stored value stays; a first qualification without any is dated
    when the contact became known (``entered``). Nothing is read: the stored value came
    with the person."""
    moments = sales_moments if latest_event is None else [*sales_moments, latest_event]
    activity = max(moments, default=None)
    stored = None if person.stored is None else person.stored["last_activity_at"]
    if stored is None:
        return entered if activity is None else activity
    before = store.driver.read_instant(stored)
    return before if activity is None or activity < before else activity


def _sales_moments(facts: Facts) -> list[datetime]:
    """When the conversations were logged and the deal was opened and closed."""
    moments = [talk.at for talk in facts.sales.conversations]
    deal = facts.sales.opportunity
    if deal is not None:
        moments += [moment for moment in (deal.created_at, deal.closed_at) if moment is not None]
    return moments


def _fact_moment(
    store: RealtimeStore,
    person: PersonRow,
    active: ActiveDefinition,
    summary: ActivitySummary,
    sales_moments: list[datetime],
    target: str,
    at: datetime,
    now: datetime,
) -> datetime:
    """When a move to ``target`` decided at ``at`` happened: the earliest of ``at`` and
    the moments of the contact's dated sales facts (a conversation, its deal opened or
    closed, sales' acceptance) at which the contact, qualified with the facts and events
    it had then (``facts_of(as_of=...)``), moves to ``target``; ``at`` when none does
    (or the latest ledger line's moment, when that is later).
    So a deal won in the CRM in March 2024 moves its person then, and an acceptance
    made after the contact's latest event moves it at the acceptance, not before it.

    A moment before the contact's latest ledger line (or its creation) is taken as that
    line's: the ledger is never dated back past a move already written, so replaying it
    gives the stored stage (a deal won before the contact entered the funnel makes it a
    customer when it entered). A moment after ``now`` is never one (nothing happens in
    the future)."""
    contact_id = person.contact_id
    moments = list(sales_moments)
    if "handoffs" in person.side_tables and (accepted := store.accepted_at(contact_id)):
        moments.append(accepted)
    floor = _floor(store, person) or min(moments, default=at)
    tried = sorted({max(moment, floor) for moment in (*moments, at)})
    events: list[Event] | None = None
    for moment in tried:
        if moment > now:
            break
        facts = facts_of(store, person, as_of=moment)
        if active.model is not None:
            facts = person_prediction(store, active.model, contact_id, facts, moment)
        then = summary
        if summary.latest is not None and summary.latest > moment:  # only the events by then
            if events is None:
                events = list(_as_events(store.contact_events(contact_id)))
            then = ActivitySummary.of(active.definition, [e for e in events if e.at <= moment])
        verdict = qualify_summary(
            facts, then, active.definition, moment, explain=False, learned_at=now
        )
        step = advance(person.lifecycle, verdict, moment)
        if step.transition is not None and step.transition.to_stage == target:
            return moment
    # No dated fact explains the move (a fact without a date of its own decided it): at
    # the moment it was qualified at, though never before a move already written.
    return max(at, floor) if floor <= now else at


def _floor(store: RealtimeStore, person: PersonRow) -> datetime | None:
    """The earliest moment a new move of the contact may be dated: its latest ledger
    line, its last lifecycle change, its creation, whichever is latest."""
    lifecycle = person.lifecycle
    known = [
        store.latest_move_at(person.contact_id),
        store.created_at(person.contact_id),
        lifecycle.entered_at,
        lifecycle.recycled_at,
        lifecycle.disqualified_at,
    ]
    return max((moment for moment in known if moment is not None), default=None)


def _summary(
    store: RealtimeStore,
    person: PersonRow,
    active: ActiveDefinition,
    event: Event | None,
    *,
    rebuild: bool,
    only_event: bool,
    cache: SummaryCache | None,
) -> ActivitySummary:
    """The stored summary plus this event; rebuilt from the history when it cannot be used."""
    definition = active.definition
    if only_event and event is not None:
        return ActivitySummary.of(definition, (event,))
    text = person.summary_text
    if not rebuild and text and person.definition_version_id == active.version_id:
        summary = None if cache is None else cache.take(person.contact_id, text)
        if summary is None or not summary.fits(definition):
            summary = _stored_summary(text, active)
        if summary is not None:
            if event is not None:
                summary.add(event)
            return summary
    return ActivitySummary.of(definition, _as_events(store.contact_events(person.contact_id)))


def _stored_summary(text: str, active: ActiveDefinition) -> ActivitySummary | None:
    """The stored summary, or None when it does not fit the definition (then rebuild)."""
    try:
        return ActivitySummary.from_data(json_state(text), active.definition)
    except ValueError:  # SummaryMismatchError included
        return None


def _as_events(stored: Iterable[StoredEvent]) -> Iterable[Event]:
    return (Event(e.type, e.at, e.properties, str(e.id)) for e in stored)
