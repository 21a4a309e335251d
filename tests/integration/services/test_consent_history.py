"""The history of consent decisions: written beside the consent in force by the real-time
path, read for past moments (real time and batch agree), moved by merges and back by
unmerges, exported and erased with the person."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.batch.store import read_store
from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.facts import facts_of
from leadflow.services.gdpr import erase_person, export_person
from leadflow.services.identity import merge_contacts, unmerge
from leadflow.store.driver import driver_for
from leadflow.store.models import Consent, ConsentDecision, Contact
from leadflow.store.realtime import RealtimeStore
from tests.integration.services.conftest import START

MARCH, APRIL, MAY = START, START + timedelta(days=30), START + timedelta(days=61)
RECEIVED = START + timedelta(days=365)


def _record(session: Session, active: ActiveDefinition, event: IncomingEvent) -> Recorded:
    outcome = record_event(session, event, clock=FixedClock(RECEIVED), active=active)
    assert isinstance(outcome, Recorded), outcome
    return outcome


def _history(session: Session, contact_id: int) -> list[tuple[str, str, datetime]]:
    rows = session.execute(
        select(ConsentDecision.channel, ConsentDecision.status, ConsentDecision.at)
        .where(ConsentDecision.contact_id == contact_id)
        .order_by(ConsentDecision.at, ConsentDecision.id)
    )
    return [(row.channel, row.status, row.at) for row in rows]


def _signed_up_then_left(session: Session, active: ActiveDefinition, email: str) -> int:
    signup = IncomingEvent("newsletter_signup", MARCH, email=email, properties={"list": "weekly"})
    joined = _record(session, active, signup)
    _record(session, active, IncomingEvent("unsubscribe", MAY, email=email))
    assert joined.contact_id is not None
    contact = session.get(Contact, joined.contact_id)
    assert contact is not None
    contact.created_at = MARCH - timedelta(days=7)  # known before (the batch reader asks)
    session.flush()
    return joined.contact_id


def _batch_consent(session: Session, contact_id: int, as_of: datetime) -> object:
    frames = read_store(session.connection(), as_of=as_of, between=(contact_id, contact_id))
    column = frames.contacts.attributes.get("consent.email")
    if column is None or column.codes[0] < 0:
        return None
    return column.python_values()[column.codes[0]]


def test_each_consent_event_is_a_decision_on_record_with_its_evidence(
    session: Session, active: ActiveDefinition
) -> None:
    person = _signed_up_then_left(session, active, "ed@acme.example")
    _record(session, active, IncomingEvent("page_view", APRIL, email="ed@acme.example"))

    decisions = session.scalars(
        select(ConsentDecision).order_by(ConsentDecision.at, ConsentDecision.id)
    ).all()

    assert [(d.status, d.at, d.source) for d in decisions] == [
        ("granted", MARCH, "api"),
        ("withdrawn", MAY, "api"),
    ]  # the page view decided nothing
    assert decisions[0].evidence == "newsletter_signup list=weekly"
    assert decisions[0].event_id is not None
    assert decisions[0].recorded_at == RECEIVED
    assert session.scalars(select(Consent.status)).one() == "withdrawn"  # in force
    assert all(d.contact_id == person for d in decisions)


def test_consent_as_of_a_past_moment_is_the_decision_in_force_then(
    session: Session, active: ActiveDefinition
) -> None:
    person = _signed_up_then_left(session, active, "ed@acme.example")
    store = RealtimeStore(driver_for(session.connection()))

    assert store.consents(person, as_of=APRIL) == {"email": "granted"}
    assert store.consents(person, as_of=MAY) == {"email": "withdrawn"}
    assert store.consents(person, as_of=MARCH - timedelta(days=1)) == {}
    assert store.consents(person) == {"email": "withdrawn"}
    # What `leadflow qualify --now` qualifies at that moment (contact_qualification.py).
    assert facts_of(store, store.load_person(person), as_of=APRIL).consent == {"email": "granted"}
    # The batch reader (rescore, back-tests) reads the same past.
    assert _batch_consent(session, person, APRIL) == "granted"
    assert _batch_consent(session, person, MAY + timedelta(days=1)) == "withdrawn"
    assert _batch_consent(session, person, MARCH - timedelta(days=1)) is None
    assert _batch_consent(session, person, RECEIVED) == "withdrawn"


def test_an_older_decision_arriving_late_enters_the_history_only(
    session: Session, active: ActiveDefinition
) -> None:
    email = "ed@acme.example"
    left = _record(session, active, IncomingEvent("unsubscribe", MAY, email=email))
    _record(session, active, IncomingEvent("newsletter_signup", MARCH, email=email))
    person = left.contact_id
    assert person is not None
    contact = session.get(Contact, person)
    assert contact is not None
    contact.created_at = MARCH - timedelta(days=7)
    session.flush()
    store = RealtimeStore(driver_for(session.connection()))

    assert session.scalars(select(Consent.status)).one() == "withdrawn"
    assert _history(session, person) == [("email", "granted", MARCH), ("email", "withdrawn", MAY)]
    assert store.consents(person, as_of=APRIL) == {"email": "granted"}
    assert _batch_consent(session, person, APRIL) == "granted"


def test_a_sign_up_after_a_confirmation_reads_confirmed_in_the_past_too(
    session: Session, active: ActiveDefinition
) -> None:
    """The consent in force stays ``confirmed`` when a confirmed person signs up for
    another list (test_events.py); once a later withdrawal replaced it, a moment between
    the sign-up and the withdrawal was read from the history's latest word, ``granted``,
    so a stage requiring confirmed consent lost the lead in the past it had kept then."""
    email = "fay@acme.example"
    seen = _record(session, active, IncomingEvent("page_view", MARCH, email=email))
    person = seen.contact_id
    assert person is not None
    store = RealtimeStore(driver_for(session.connection()))
    confirmed_at = MARCH + timedelta(days=1)
    store.set_consent(person, "email", "confirmed", source="double_opt_in", at=confirmed_at,
                      event_id=None, recorded_at=confirmed_at)  # fmt: skip
    contact = session.get(Contact, person)
    assert contact is not None
    contact.created_at = MARCH - timedelta(days=7)  # known before (the batch reader asks)
    session.flush()
    _record(session, active, IncomingEvent("newsletter_signup", APRIL, email=email))
    _record(session, active, IncomingEvent("unsubscribe", MAY, email=email))

    between = APRIL + timedelta(days=5)
    assert store.consents(person, as_of=between) == {"email": "confirmed"}
    assert _batch_consent(session, person, between) == "confirmed"
    assert store.consents(person, as_of=MAY) == {"email": "withdrawn"}
    # Withdrawn, then granted again: a new word, and no confirmation behind it any more.
    _record(
        session, active, IncomingEvent("newsletter_signup", MAY + timedelta(days=3), email=email)
    )
    _record(session, active, IncomingEvent("unsubscribe", MAY + timedelta(days=9), email=email))
    again = MAY + timedelta(days=5)
    assert store.consents(person, as_of=again) == {"email": "granted"}
    assert _batch_consent(session, person, again) == "granted"


def test_a_merge_moves_the_decisions_to_the_survivor_and_an_unmerge_moves_them_back(
    session: Session, active: ActiveDefinition
) -> None:
    twin = _signed_up_then_left(session, active, "ed.old@acme.example")
    kept = _record(session, active, IncomingEvent("page_view", APRIL, email="ed@acme.example"))
    survivor = kept.contact_id
    assert survivor is not None
    connection = session.connection()
    store = RealtimeStore(driver_for(connection))

    merge_id = merge_contacts(connection, survivor, twin, now=RECEIVED)

    assert _history(session, twin) == []
    assert [d[1] for d in _history(session, survivor)] == ["granted", "withdrawn"]
    assert store.consents(survivor, as_of=APRIL) == {"email": "granted"}
    assert store.consents(survivor) == {"email": "withdrawn"}

    unmerge(connection, merge_id, now=RECEIVED + timedelta(hours=1))

    assert _history(session, survivor) == []
    assert [d[1] for d in _history(session, twin)] == ["granted", "withdrawn"]


def test_gdpr_export_shows_the_history_and_erasure_removes_it(
    session: Session, active: ActiveDefinition
) -> None:
    person = _signed_up_then_left(session, active, "ed@acme.example")
    session.commit()

    held = export_person(session, person)["data"]
    erased = erase_person(session, person, now=RECEIVED)["erased"]

    assert [(d["status"], d["evidence"]) for d in held["consent_history"]] == [
        ("granted", "newsletter_signup list=weekly"),
        ("withdrawn", "unsubscribe"),
    ]
    assert erased["consent_history"] == 2
    assert session.scalars(select(ConsentDecision)).all() == []


def test_only_an_event_that_decides_consent_writes_to_the_history(
    session: Session, active: ActiveDefinition, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("statements are traced through SQLite's driver")
    email = "ed@acme.example"
    _record(session, active, IncomingEvent("page_view", MARCH, email=email))
    handle = session.connection().connection.driver_connection
    assert handle is not None
    statements: list[str] = []
    handle.set_trace_callback(statements.append)
    try:
        _record(session, active, IncomingEvent("page_view", APRIL, email=email))
        viewed, statements[:] = list(statements), []
        _record(session, active, IncomingEvent("unsubscribe", MAY, email=email))
        left = list(statements)
    finally:
        handle.set_trace_callback(None)

    assert viewed  # traced
    assert not any("consent_history" in statement for statement in viewed)
    assert len([s for s in left if s.lstrip().startswith("INSERT INTO consent_history")]) == 1
