"""Recording events, the real-time path: store, attribute, re-qualify, in one transaction.

For each event, in one transaction:

1. **idempotency**: an event whose ``(source, key)`` is already stored is not stored
   again; the answer is the first one's (its event id, contact, and the stage
   transitions it caused, read back from the ledger). Most events need no look-up for
   it: the INSERT's ``ON CONFLICT DO NOTHING`` finds the duplicate (``_insert_first``).
2. **attribution** (attribution.py): the contact by id, e-mail or visitor; a visitor
   naming a contact for the first time brings its anonymous history along.
   An e-mail that would create a contact but belongs to an erased person (the
   suppression list, services/suppression.py) stores nothing: the event is answered
   ``Suppressed`` and no one is created, attributed or linked.
3. the event is appended; ``unsubscribe`` withdraws and ``email_bounce`` bounces the
   contact's e-mail consent, ``newsletter_signup`` grants it (a later decision on the
   same channel is never overwritten by an older event).
4. **re-qualification** with the active definition: the contact's ActivitySummary (the
   engine's incremental state, stored as JSON) folds the one new event, so the cost
   does not grow with the history. It is rebuilt from the stored events only when it
   cannot be trusted: a new contact, a visitor's history joining, a definition change.
   The contact is qualified at its latest event (imports replay the past in order;
   a late event never moves the clock back), and ``engine.lifecycle.advance`` decides
   the stage; a move is written to the ledger with the event that caused it.

``record_event`` works in a caller's Session and commits it; an ``EventRecorder`` owns a
connection and commits once per event (``record``) or once per batch (``record_batch``,
group commit: one commit for many events, each with its own outcome). Either way, when
a commit has returned the event is durable; before it, nothing of it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock, ensure_utc
from leadflow.domain.facts import Event
from leadflow.domain.lifecycle import Transition
from leadflow.ingest.landing import landing_touch
from leadflow.ingest.normalise import normalise_email
from leadflow.services.attribution import AttributionError, attribute, check_known, check_naming
from leadflow.services.definitions import ActiveDefinition, active_definition
from leadflow.services.requalify import requalify_contact
from leadflow.services.summary_cache import SummaryCache
from leadflow.services.suppression import suppression_words
from leadflow.store.checkpoint import SQLITE_DEFAULT_THRESHOLD, WRITER_THRESHOLD, Checkpointer
from leadflow.store.database import database_unavailable
from leadflow.store.driver import StoreError, dedicated_driver, driver_for
from leadflow.store.realtime import RealtimeStore

__all__ = [
    "DEFAULT_SOURCE",
    "EventChecks",
    "EventRecorder",
    "IncomingEvent",
    "Outcome",
    "Recorded",
    "Rejected",
    "Suppressed",
    "event_problem",
    "record_event",
    "record_events",
    "source_from_first_visit",
]

DEFAULT_SOURCE = "api"
# An event dated this far after the clock is refused: a wrong year or a local time sent
# as UTC. Stored, it would become the contact's latest moment, the one it is qualified
# at, and every real event after it would count as already faded.
FUTURE_TOLERANCE = timedelta(days=1)
# Events that decide a contact's consent on a channel (domain.md: "an unsubscribe or
# bounce event withdraws it").
CONSENT_EFFECTS: Mapping[str, str] = {
    "unsubscribe": "withdrawn",
    "email_bounce": "bounced",
    "newsletter_signup": "granted",
}


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """An event as a source sends it. ``key`` is its idempotency key within ``source``."""

    type: str
    at: datetime
    key: str | None = None
    source: str = DEFAULT_SOURCE
    email: str | None = None
    visitor_id: str | None = None
    contact_id: int | str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording an event did. A duplicate answers as the first recording did."""

    event_id: int
    contact_id: int | None
    duplicate: bool = False
    stage: str | None = None
    sales_ready: bool = False
    transitions: tuple[Transition, ...] = ()
    contact_created: bool = False
    joined_events: int = 0  # anonymous events of the visitor that joined the contact


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event that was not stored, and why (nothing of it was written)."""

    reason: str
    key: str | None = None
    field: str | None = None  # the event's field at fault, when one is


@dataclass(frozen=True, slots=True)
class Suppressed:
    """An event acknowledged but not stored: its e-mail would have created a contact for
    a person erased and suppressed (nothing of it was written, not even its visitor)."""

    reason: str
    key: str | None = None


Outcome = Recorded | Rejected | Suppressed


def record_event(
    session: Session,
    incoming: IncomingEvent,
    *,
    clock: Clock,
    active: ActiveDefinition | None = None,
) -> Outcome:
    """Record one event in ``session`` and commit. On SQLite, give a session of
    ``store.database.writer(engine)`` so the transaction holds the write lock from its start.
    """
    [outcome] = record_events(session, [incoming], clock=clock, active=active)
    return outcome


def record_events(
    session: Session,
    incoming: Sequence[IncomingEvent],
    *,
    clock: Clock,
    active: ActiveDefinition | None = None,
) -> list[Outcome]:
    """Record the events in order in ``session`` and commit them with the caller's
    pending changes, in one transaction (as ``record_event``)."""
    definition = active or active_definition(session)
    session.flush()  # the caller's pending changes are what the driver must read
    store = RealtimeStore(driver_for(session.connection()))
    now = clock.now()  # one transaction, one moment (as EventRecorder.record_batch)
    try:
        outcomes = [_record(store, event, definition, now) for event in incoming]
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return outcomes


class EventRecorder:
    """Records events through a connection of its own (imports, benchmarks, API batches).

    On SQLite the WAL is checkpointed by a ``Checkpointer`` thread (store/checkpoint.py),
    not inside this recorder's commits: give one to share it between recorders of one
    database (the API's pool does), or the recorder starts and stops its own.
    """

    def __init__(
        self,
        engine: Engine,
        active: ActiveDefinition,
        clock: Clock,
        *,
        checkpointer: Checkpointer | None = None,
        answers_busy: bool = False,
    ) -> None:
        """``answers_busy``: a transaction gives up waiting for a lock after the driver's
        ``LOCK_WAIT`` (PostgreSQL), for a server that had rather answer 503 than hang
        while a rescore holds the qualifications; an import waits it out."""
        self._answers_busy = answers_busy
        self._driver, self._handle = dedicated_driver(engine)
        self._store = RealtimeStore(self._driver)
        # Summaries this recorder wrote, to skip decoding them again (summary_cache.py).
        self.summaries = SummaryCache()
        self._in_transaction = False
        self.active = active
        self._clock = clock
        self._owns_checkpointer = checkpointer is None
        self._checkpointer = checkpointer or Checkpointer.for_engine(engine)
        if self._checkpointer is not None:
            self._driver.auto_checkpoint(WRITER_THRESHOLD)
        self._uncommitted = 0  # events in the open transaction

    def record(self, incoming: IncomingEvent) -> Outcome:
        """One event, one transaction, one commit."""
        return self.record_batch((incoming,))[0]

    def record_batch(
        self,
        batch: Sequence[IncomingEvent],
        *,
        commit: bool = True,
    ) -> list[Outcome]:
        """Many events, one transaction: each gets its own outcome, one commit for all.

        A rejected event writes nothing and does not stop the others. ``commit=False``
        leaves the transaction open (``commit()`` or ``rollback()`` later), for an
        all-or-nothing import.
        """
        driver = self._driver
        starting = not self._in_transaction
        if starting:
            driver.begin_write()
            self._in_transaction = True
        now = self._clock.now()
        try:
            with driver.pipelined():
                if starting and self._answers_busy:
                    driver.limit_lock_wait()
                outcomes = [
                    _record(self._store, item, self.active, now, self.summaries) for item in batch
                ]
                self._uncommitted += len(batch)
                if commit:  # in the pipeline: the last event's writes travel with the COMMIT
                    self.commit()
        except BaseException:
            self.rollback()
            raise
        return outcomes

    def checks(self) -> EventChecks:
        """The refusals of ``record_batch``, run without writing: for checking a whole
        file before any of it is recorded (a strict import)."""
        return EventChecks(self._store, self._clock.now())

    def commit(self) -> None:
        if self._in_transaction:
            self._driver.commit()
            self._in_transaction = False
            if self._checkpointer is not None:
                self._checkpointer.committed(max(1, self._uncommitted))
            self._uncommitted = 0

    def rollback(self) -> None:
        if self._in_transaction:
            self._uncommitted = 0
            self._driver.rollback()
            self._in_transaction = False

    def close(self) -> None:
        try:
            self.rollback()
            if self._checkpointer is not None:
                # The connection goes back to the pool: SQLite's own checkpoints again.
                self._driver.auto_checkpoint(SQLITE_DEFAULT_THRESHOLD)
        except StoreError as error:
            if not database_unavailable(error):
                raise
            # The database dropped the connection (a restart, a fail-over): there is
            # nothing to roll back, and the pool must neither reuse it nor try to reset
            # it (which logs a traceback of its own).
            self._handle.invalidate()
        finally:
            self._handle.close()
            if self._owns_checkpointer and self._checkpointer is not None:
                self._checkpointer.close()

    def __enter__(self) -> EventRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventChecks:
    """Why the recorder would refuse an event, found before anything is written.

    Every rule the recorder applies to an event alone (``event_problem``) and the
    look-up of the contact id it names (an unknown id is refused), counting the CRM ids
    earlier events of the same file bring along with an e-mail. What only recording the
    events before can tell (a contact id and an e-mail that turn out to be two people)
    is left to the recording.
    """

    def __init__(self, store: RealtimeStore, now: datetime) -> None:
        self._store = store
        self._now = now
        self._claimed: set[str] = set()

    def problem(self, incoming: IncomingEvent) -> str | None:
        problem = event_problem(incoming, self._now)
        if problem is not None:
            return problem
        try:
            check_known(self._store, incoming.contact_id, incoming.email, self._claimed)
        except AttributionError as error:
            return str(error)
        if incoming.email is not None and incoming.contact_id is None:
            found = self._store.new_address_suppressed(normalise_email(incoming.email))
            if found is not None:
                return suppression_words(found)
        return None


def event_problem(incoming: IncomingEvent, now: datetime) -> str | None:
    """Why the recorder refuses ``incoming`` whatever the store holds (its time, how it
    names its person), or None. ``_record_event`` applies the same functions."""
    try:
        _checked_instant(incoming.at, now)
        check_naming(
            contact_id=incoming.contact_id, email=incoming.email, visitor_id=incoming.visitor_id
        )
    except ValueError as error:  # AttributionError is one
        return str(error)
    return None


def _checked_instant(at: datetime, now: datetime) -> datetime:
    """``at`` in UTC; ValueError for a time without a zone, or too far ahead of ``now``."""
    at = ensure_utc(at)
    if at > now + FUTURE_TOLERANCE:
        raise ValueError(_too_far_ahead(at, now))
    return at


def source_from_first_visit(store: RealtimeStore, contact_id: int, visitor_id: str) -> None:
    """A contact just created for a visitor with history came from where that visitor
    first landed (ingest/landing.py); its source is filled, never overwritten, before
    it is qualified, so a fit rule on the channel sees it. The real-time path calls it for
    a contact an event created (never read ahead, so nothing stale remains), the form
    service for a contact a form created."""
    touch = landing_touch(store.visitor_first_pages(visitor_id))
    if touch is not None:
        store.fill_contact_source(contact_id, touch.channel, touch.medium, touch.campaign)


def _too_far_ahead(at: datetime, now: datetime) -> str:
    return (
        f"at {at.isoformat()} is more than a day after the server's clock "
        f"({now.replace(microsecond=0).isoformat()}): a wrong year, or a local time sent as UTC?"
    )


def _record(
    store: RealtimeStore,
    incoming: IncomingEvent,
    active: ActiveDefinition,
    now: datetime,
    summaries: SummaryCache | None = None,
) -> Outcome:
    # A person the store read ahead (realtime_people.py) serves this event only.
    store.forget_prefetched()
    try:
        return _record_event(store, incoming, active, now, summaries)
    finally:
        store.forget_prefetched()


def _record_event(
    store: RealtimeStore,
    incoming: IncomingEvent,
    active: ActiveDefinition,
    now: datetime,
    summaries: SummaryCache | None,
) -> Outcome:
    try:
        at = _checked_instant(incoming.at, now)
    except ValueError as error:
        return Rejected(str(error), incoming.key, field="at")
    if incoming.key is not None and not _insert_first(incoming):
        seen = store.find_event(incoming.source, incoming.key)
        if seen is not None:
            return _answer_again(store, *seen)
    try:
        who = attribute(
            store,
            contact_id=incoming.contact_id,
            email=incoming.email,
            visitor_id=incoming.visitor_id,
            at=at,
            now=now,
        )
    except AttributionError as error:
        return Rejected(str(error), incoming.key, field=error.field)
    if who.suppressed is not None:
        return Suppressed(suppression_words(who.suppressed), incoming.key)
    event_id = store.insert_event(
        source=incoming.source,
        key=incoming.key,
        contact_id=who.contact_id,
        visitor_id=incoming.visitor_id,
        event_type=incoming.type,
        at=at,
        properties=incoming.properties,
        received_at=now,
        # Re-qualifying reads the person next, unless the first visit writes its source.
        person_next=not (who.created and who.joined),
    )
    if event_id is None:  # stored before (or by a concurrent writer a moment ago)
        seen = store.find_event(incoming.source, incoming.key or "")
        if seen is None:
            raise LookupError(f"event {incoming.source}/{incoming.key} conflicted but is gone")
        if who.created and who.contact_id is not None:
            store.delete_new_contact(who.contact_id)  # a duplicate leaves nothing behind
        return _answer_again(store, *seen)
    if who.contact_id is None:
        return Recorded(event_id, None)
    _apply_consent(store, incoming, who.contact_id, event_id, at, now)
    if who.created and who.joined and incoming.visitor_id is not None:
        source_from_first_visit(store, who.contact_id, incoming.visitor_id)
    event = Event(incoming.type, at, incoming.properties, str(event_id))
    done = requalify_contact(
        store,
        who.contact_id,
        active,
        now,
        event=event,
        event_id=event_id,
        rebuild=who.joined > 0,
        only_event=who.created and not who.joined,
        summaries=summaries,
    )
    return Recorded(
        event_id,
        who.contact_id,
        False,
        done.stage,
        done.sales_ready,
        done.transitions,
        who.created,
        who.joined,
    )


def _insert_first(incoming: IncomingEvent) -> bool:
    """Whether the event's INSERT may be what finds a duplicate, which spares a look-up.

    It may when attributing the event writes nothing a duplicate must not leave behind,
    or only a contact created for its e-mail (deleted again when the INSERT conflicts;
    a duplicate rarely gets there: the first recording left the contact to find). A
    visitor is seen and linked, and a CRM id claimed, before the INSERT: those events
    are looked up first.
    """
    return incoming.visitor_id is None and not isinstance(incoming.contact_id, str)


def _answer_again(store: RealtimeStore, event_id: int, contact_id: int | None) -> Recorded:
    if contact_id is None:
        return Recorded(event_id, None, duplicate=True)
    stage, ready = store.current_stage(contact_id)
    moves = tuple(store.transitions_of_event(event_id))
    return Recorded(event_id, contact_id, True, stage, ready, moves)


def _apply_consent(
    store: RealtimeStore,
    incoming: IncomingEvent,
    contact_id: int,
    event_id: int,
    at: datetime,
    now: datetime,
) -> None:
    status = CONSENT_EFFECTS.get(incoming.type)
    if status is None:
        return
    channel = "email"
    if incoming.type == "unsubscribe":
        channel = str(incoming.properties.get("channel") or "email")
    store.set_consent(
        contact_id, channel, status, source=incoming.source, at=at, event_id=event_id,
        recorded_at=now, evidence=_consent_evidence(incoming.type, incoming.properties),
    )  # fmt: skip


# The event properties that say where a consent decision was made, in this order.
_EVIDENCE_PROPERTIES = ("form", "list", "campaign", "url")


def _consent_evidence(event_type: str, properties: Mapping[str, object]) -> str:
    """What an event shows of the decision it made: its type and the form, list,
    campaign or page it came from (the event's id is kept beside it)."""
    for name in _EVIDENCE_PROPERTIES:
        value = properties.get(name)
        if value is not None and value != "":
            return f"{event_type} {name}={value}"[:500]
    return event_type
