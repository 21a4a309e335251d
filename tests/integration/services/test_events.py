"""record_event: idempotent storage, attribution, incremental re-qualification, ledger, consent."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from psycopg.pq import Trace
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.domain.facts import Event, Facts
from leadflow.engine.qualify import qualify
from leadflow.engine.summary import ActivitySummary
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import IncomingEvent, Recorded, Rejected, record_event
from leadflow.store.models import (
    BantFact,
    Consent,
    ConsentDecision,
    Contact,
    Conversation,
    Qualification,
    StageTransition,
    Visitor,
)
from leadflow.store.models import Event as EventRow
from tests.integration.services.conftest import START, activate

# Received well after START: the events these tests date days after START have happened.
RECEIVED = FixedClock(START + timedelta(days=365))


def _record(session: Session, active: ActiveDefinition, event: IncomingEvent) -> Recorded:
    outcome = record_event(session, event, clock=RECEIVED, active=active)
    assert isinstance(outcome, Recorded), outcome
    return outcome


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_same_key_twice_is_stored_once_and_answered_the_same(
    session: Session, active: ActiveDefinition
) -> None:
    event = IncomingEvent("demo_request", START, key="k-1", email="ann@acme.example", source="web")

    first = _record(session, active, event)
    second = _record(session, active, event)

    assert _count(session, EventRow) == 1
    assert second.duplicate
    assert not first.duplicate
    assert (second.event_id, second.contact_id) == (first.event_id, first.contact_id)
    assert second.transitions == first.transitions
    assert [t.to_stage for t in first.transitions] == ["lead"]


def test_a_duplicate_whose_address_is_now_unknown_leaves_no_contact_behind(
    session: Session, active: ActiveDefinition
) -> None:
    # The duplicate is found by the INSERT, after attribution created a contact for an
    # address nobody has any more (the first contact's address was corrected since).
    event = IncomingEvent("page_view", START, key="k-1", email="ann@acme.example", source="web")
    first = _record(session, active, event)
    contact = session.get(Contact, first.contact_id)
    assert contact is not None
    contact.email = "anne@acme.example"
    session.commit()

    again = _record(session, active, event)

    assert again.duplicate
    assert not again.contact_created
    assert (again.event_id, again.contact_id) == (first.event_id, first.contact_id)
    assert _count(session, Contact) == 1
    assert _count(session, EventRow) == 1


def test_a_key_is_unique_per_source_only(session: Session, active: ActiveDefinition) -> None:
    for source in ("web", "crm"):
        _record(
            session,
            active,
            IncomingEvent("page_view", START, key="k", source=source, email="a@b.example"),
        )

    assert _count(session, EventRow) == 2


def test_an_email_is_normalised_so_one_person_is_one_contact(
    session: Session, active: ActiveDefinition
) -> None:
    first = _record(session, active, IncomingEvent("email_open", START, email=" Ann@ACME.example"))
    second = _record(session, active, IncomingEvent("email_click", START, email="ann@acme.example"))

    assert first.contact_created
    assert not second.contact_created
    assert first.contact_id == second.contact_id
    assert session.scalars(select(Contact.email)).all() == ["ann@acme.example"]


def test_a_visitor_identifying_brings_its_anonymous_history_to_the_contact(
    session: Session, active: ActiveDefinition
) -> None:
    for day, url in enumerate(["/pricing", "/product/a", "/blog"]):
        anonymous = _record(
            session,
            active,
            IncomingEvent(
                "page_view", START + timedelta(days=day), visitor_id="v-9", properties={"url": url}
            ),
        )
        assert anonymous.contact_id is None
    form = IncomingEvent(
        "form_submit",
        START + timedelta(days=3),
        visitor_id="v-9",
        email="bo@acme.example",
        properties={"form": "newsletter"},
    )

    known = _record(session, active, form)

    assert known.joined_events == 3
    owners = session.scalars(select(EventRow.contact_id)).all()
    assert owners == [known.contact_id] * 4
    assert session.scalar(select(Visitor.contact_id)) == known.contact_id
    # The joined page views count in the contact's engagement.
    stored = session.get(Qualification, known.contact_id)
    assert stored is not None
    assert stored.engagement_score > 10
    later = _record(
        session, active, IncomingEvent("page_view", START + timedelta(days=4), visitor_id="v-9")
    )
    assert later.contact_id == known.contact_id


EVENT_MIX = [
    ("page_view", {"url": "/pricing"}),
    ("page_view", {"url": "/product/crm"}),
    ("page_view", {"url": "/blog/x"}),
    ("email_click", {"campaign": "spring"}),
    ("content_download", {"asset": "crm-datasheet.pdf"}),
    ("content_download", {"asset": "ebook-growth.pdf"}),
    ("webinar_attendance", {"event": "w1"}),
    ("newsletter_signup", {"list": "news"}),
    ("demo_request", {"product": "crm"}),
]


def test_the_incremental_qualification_equals_a_full_recomputation(
    session: Session, active: ActiveDefinition
) -> None:
    chance = random.Random(7)
    events = [
        (START + timedelta(hours=chance.uniform(0, 24 * 90)), *chance.choice(EVENT_MIX))
        for _ in range(60)
    ]
    chance.shuffle(events)  # late arrivals included
    contact = Contact(
        email="cy@acme.example",
        seniority="director",
        department="marketing",
        identity="known",
        attributes={},
        created_at=START,
        updated_at=START,
    )
    session.add(contact)
    session.commit()
    for at, kind, properties in events:
        _record(
            session, active, IncomingEvent(kind, at, contact_id=contact.id, properties=properties)
        )

    stored = session.get(Qualification, contact.id)
    latest = max(at for at, _, _ in events)
    full = qualify(
        Facts(
            contact={
                "email": "cy@acme.example",
                "seniority": "director",
                "department": "marketing",
            },
            events=tuple(Event(kind, at, properties) for at, kind, properties in events),
        ),
        active.definition,
        latest,
    )
    assert stored is not None
    assert stored.engagement_score == pytest.approx(full.engagement.score, rel=1e-9, abs=1e-9)
    assert (stored.fit_score, stored.fit_grade) == (full.fit.score, full.fit.grade.value)
    assert (stored.lead_type, stored.sales_ready) == (full.lead_type.value, full.sales_ready)
    assert stored.qualified_at == latest


def test_stage_moves_are_written_to_the_ledger_with_their_event(
    session: Session, active: ActiveDefinition
) -> None:
    first = _record(session, active, IncomingEvent("email_open", START, email="di@acme.example"))
    again = _record(
        session,
        active,
        IncomingEvent("email_open", START + timedelta(hours=1), email="di@acme.example"),
    )

    ledger = session.scalars(select(StageTransition)).all()

    assert [(t.from_stage, t.to_stage, t.event_id) for t in ledger] == [
        (None, "lead", first.event_id)
    ]
    assert again.transitions == ()
    assert ledger[0].definition_version_id == active.version_id


def test_unsubscribe_and_bounce_decide_email_consent_latest_first(
    session: Session, active: ActiveDefinition
) -> None:
    email = "ed@acme.example"
    _record(session, active, IncomingEvent("newsletter_signup", START, email=email))
    _record(session, active, IncomingEvent("unsubscribe", START + timedelta(days=2), email=email))
    # An older sign-up arriving late does not undo the newer withdrawal.
    _record(
        session, active, IncomingEvent("newsletter_signup", START + timedelta(days=1), email=email)
    )

    consent = session.scalars(select(Consent)).one()
    assert (consent.channel, consent.status) == ("email", "withdrawn")

    _record(session, active, IncomingEvent("email_bounce", START + timedelta(days=3), email=email))
    session.expire_all()
    assert session.scalars(select(Consent.status)).one() == "bounced"


def test_a_later_sign_up_keeps_a_double_opt_in_confirmed(
    session: Session, active: ActiveDefinition
) -> None:
    """A confirmed address (the person followed the confirmation link) stays confirmed
    when they sign up for another list: ``granted`` is the weaker word, and a definition
    may require confirmed consent for a stage. The sign-up still enters the history."""
    email = "fay@acme.example"
    _record(session, active, IncomingEvent("page_view", START, email=email))
    contact_id = session.scalars(select(Contact.id)).one()
    session.add(Consent(contact_id=contact_id, channel="email", status="confirmed",
                        source="double_opt_in", at=START))  # fmt: skip
    session.commit()

    _record(
        session, active, IncomingEvent("newsletter_signup", START + timedelta(days=1), email=email)
    )

    session.expire_all()
    consent = session.scalars(select(Consent)).one()
    assert (consent.status, consent.source, consent.at) == ("confirmed", "double_opt_in", START)
    signed_up = session.scalars(select(ConsentDecision.status)).all()
    assert signed_up == ["granted"]
    _record(session, active, IncomingEvent("unsubscribe", START + timedelta(days=2), email=email))
    session.expire_all()
    assert session.scalars(select(Consent.status)).one() == "withdrawn"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (IncomingEvent("page_view", START), "names nobody"),
        (IncomingEvent("page_view", START, contact_id=424242), "unknown contact_id"),
        (IncomingEvent("page_view", START, contact_id="crm-77"), "unknown contact_id"),
        (IncomingEvent("page_view", START, email="not an address"), "not valid"),
        (IncomingEvent("page_view", START.replace(tzinfo=None), email="a@b.example"), "time zone"),
        (
            IncomingEvent("page_view", START.replace(year=2099), email="a@b.example"),
            "at 2099-03-02T09:00:00+00:00 is more than a day after the server's clock",
        ),
    ],
)
def test_an_event_that_cannot_be_recorded_is_rejected_and_writes_nothing(
    session: Session, active: ActiveDefinition, event: IncomingEvent, reason: str
) -> None:
    outcome = record_event(session, event, clock=FixedClock(START), active=active)

    assert isinstance(outcome, Rejected)
    assert reason in outcome.reason
    assert _count(session, EventRow) == 0
    assert _count(session, Contact) == 0


def test_an_event_a_few_hours_ahead_of_the_clock_is_recorded(
    session: Session, active: ActiveDefinition
) -> None:
    # A browser's or a CRM's clock runs a little fast; only a day or more is refused.
    event = IncomingEvent("page_view", START + timedelta(hours=23), email="a@b.example")

    outcome = record_event(session, event, clock=FixedClock(START), active=active)

    assert isinstance(outcome, Recorded), outcome


def test_a_new_definition_rebuilds_the_state_from_the_stored_events(
    session: Session, active: ActiveDefinition
) -> None:
    email = "fi@acme.example"
    for day in range(3):
        _record(
            session,
            active,
            IncomingEvent(
                "page_view",
                START + timedelta(days=day),
                email=email,
                properties={"url": "/pricing"},
            ),
        )
    other = activate(session, "engagement-first")

    after = _record(
        session, other, IncomingEvent("email_click", START + timedelta(days=3), email=email)
    )

    stored = session.get(Qualification, after.contact_id)
    assert stored is not None
    assert stored.definition_version_id == other.version_id
    summary = ActivitySummary.from_json(json.dumps(stored.state), other.definition)
    assert sum(summary.counts().values()) >= 4  # the old page views were replayed


def test_bant_facts_and_sales_conversations_in_the_store_are_qualified(
    session: Session, active: ActiveDefinition
) -> None:
    contact = Contact(
        email="gu@acme.example",
        identity="known",
        attributes={},
        created_at=START,
        updated_at=START,
    )
    session.add(contact)
    session.flush()
    for criterion in ("budget", "authority", "need"):
        session.add(
            BantFact(
                contact_id=contact.id,
                criterion=criterion,
                met=True,
                evidence="rep's note",
                at=START,
            )
        )
    session.add(Conversation(contact_id=contact.id, rep="rita", outcome="interested", at=START))
    session.commit()

    recorded = _record(
        session,
        active,
        IncomingEvent("email_open", START + timedelta(hours=1), contact_id=contact.id),
    )

    stored = session.get(Qualification, recorded.contact_id)
    assert stored is not None
    assert (stored.temperature, stored.lead_type) == ("hot", "sql")


def test_a_crm_id_seen_beside_an_email_is_remembered(
    session: Session, active: ActiveDefinition
) -> None:
    first = _record(
        session,
        active,
        IncomingEvent("email_open", START, contact_id="c0042", email="hu@acme.example"),
    )
    later = _record(session, active, IncomingEvent("email_click", START, contact_id="c0042"))

    assert later.contact_id == first.contact_id
    assert session.scalar(select(Contact.external_id)) == "c0042"


def test_an_unknown_leadflow_id_is_rejected_even_with_an_email(
    session: Session, active: ActiveDefinition
) -> None:
    outcome = record_event(
        session,
        IncomingEvent("email_open", START, contact_id=777, email="iv@acme.example"),
        clock=FixedClock(START),
        active=active,
    )

    assert isinstance(outcome, Rejected)
    assert "unknown contact_id 777" in outcome.reason


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def _round_trips(session: Session, backend: str, action: Callable[[], object]) -> list[str]:
    """What ``action`` asks the database, one entry per statement waited for (transaction
    control left out: the tests' savepoints): SQLite's trace of statements; PostgreSQL's
    protocol trace (libpq's), where each extended-protocol query ends with a Sync the
    client waits on."""
    handle = session.connection().connection.driver_connection
    assert handle is not None
    if backend == "sqlite":
        traced: list[str] = []
        handle.set_trace_callback(traced.append)
        try:
            action()
        finally:
            handle.set_trace_callback(None)
        return [s for s in traced if s.split()[0] not in _TRANSACTION_CONTROL]
    with tempfile.TemporaryFile() as trace:
        handle.pgconn.trace(trace.fileno())
        handle.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        try:
            action()
        finally:
            handle.pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode().splitlines()
    # "F<TAB>length<TAB>message<TAB>arguments": what the client (F) sent.
    sent = [(m[2], m[-1]) for m in (line.split("\t") for line in lines) if m[:1] == ["F"]]
    parsed = [arguments for message, arguments in sent if message == "Parse"]
    syncs = [message for message, _ in sent if message == "Sync"]
    return parsed + ["(prepared)"] * (len(syncs) - len(parsed))


def test_an_event_for_a_known_contact_waits_on_three_statements(
    session: Session, active: ActiveDefinition, backend: str
) -> None:
    """The real-time path's bound on PostgreSQL is the round trip: the contact's lock,
    the event's INSERT carrying the person's read (one statement, not two), the
    qualification's UPDATE. On SQLite the look-up by e-mail reads the person."""
    email = "ann@acme.example"
    _record(session, active, IncomingEvent("page_view", START, email=email))
    _record(session, active, IncomingEvent("page_view", START + timedelta(hours=1), email=email))

    later = IncomingEvent("pricing_page_view", START + timedelta(hours=2), email=email)
    asked = _round_trips(session, backend, lambda: _record(session, active, later))

    assert len(asked) == 3, asked
    stored = session.scalars(select(EventRow.type).order_by(EventRow.id)).all()
    assert stored[-1] == "pricing_page_view"
