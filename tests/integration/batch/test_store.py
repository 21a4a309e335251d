"""Frames read from the store qualify every contact exactly as the real-time engine does.

People are recorded through the real-time path, then given what the side tables hold
(JSON attributes on contacts and accounts, stated BANT facts, conversations, deals,
sales' answer, consents). The batch engine over ``read_store`` must agree, field by
field, with ``engine.qualify`` over the same contact's facts as the store assembles
them for one person (``services.contact_qualification``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session

from leadflow.batch.attributes import attribute_paths
from leadflow.batch.qualify import qualify_frames
from leadflow.batch.store import read_store
from leadflow.domain.clock import FixedClock
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.definitions import active_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.store.database import writer
from leadflow.store.models import (
    Account,
    BantFact,
    Contact,
    Conversation,
    Handoff,
    Opportunity,
)
from tests.integration.services.conftest import START, activate
from tests.unit.batch.test_properties import assert_same

PEOPLE = {
    "ann@acme.example": ["form_submit", "page_view", "content_download", "demo_request"],
    "bo@gmail.com": ["newsletter_signup", "email_click", "page_view"],
    "cy@rival.example": ["page_view", "quote_request", "unsubscribe"],
    "di@acme.example": ["form_submit", "webinar_attendance", "trial_start"],
    "ed@outlook.com": ["page_view"],
}


def _active_store_with_side_tables(engine: Engine) -> dict[str, int]:
    """The definition active, the recorded contacts and their side-table facts; ids by e-mail."""
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    _side_tables(engine, ids)
    return ids


def _record(engine: Engine) -> dict[str, int]:
    ids = {}
    with Session(writer(engine)) as session:
        for person, (email, kinds) in enumerate(PEOPLE.items()):
            for index, kind in enumerate(kinds):
                at = START + timedelta(days=person * 3 + index * 2, minutes=person)
                props = {"url": "https://acme.example/pricing", "asset": "spec-sheet.pdf",
                         "form": "demo-request"}  # fmt: skip
                event = IncomingEvent(kind, at, key=f"{email}-{index}", email=email,
                                      properties=props)  # fmt: skip
                outcome = record_event(session, event, clock=FixedClock(at))
                assert isinstance(outcome, Recorded)
                assert outcome.contact_id is not None
                ids[email] = outcome.contact_id
    return ids


def _side_tables(engine: Engine, ids: dict[str, int]) -> None:
    at = START + timedelta(days=5)
    with engine.begin() as connection:
        account = connection.execute(
            insert(Account).values(
                name="Acme", domain="acme.example", industry="software", employees=300,
                country="DE", revenue=2.5e7, attributes={"segment": "mid"}, created_at=START,
                updated_at=START,
            ).returning(Account.id)
        ).scalar_one()  # fmt: skip
        for email in ("ann@acme.example", "di@acme.example"):
            connection.execute(
                update(Contact)
                .where(Contact.id == ids[email])
                .values(account_id=account, seniority="director", title="Head of IT",
                        source_channel="linkedin", attributes={"budget": "yes", "need": "crm"})
            )  # fmt: skip
        connection.execute(
            update(Contact).where(Contact.id == ids["bo@gmail.com"]).values(
                purchased=True, vendor="LeadStream Europe", attributes={"timeline": "now"}
            )
        )  # fmt: skip
        ann, cy, di = ids["ann@acme.example"], ids["cy@rival.example"], ids["di@acme.example"]
        connection.execute(
            insert(BantFact),
            [
                {"contact_id": ann, "criterion": "budget", "met": False, "evidence": "cut",
                 "at": at},
                {"contact_id": ann, "criterion": "budget", "met": True, "evidence": "back",
                 "at": at + timedelta(hours=1)},
                {"contact_id": cy, "criterion": "need", "met": None, "evidence": "maybe",
                 "at": at},
            ],
        )  # fmt: skip
        connection.execute(
            insert(Conversation).values(contact_id=ann, rep="r1", outcome="interested", at=at)
        )
        connection.execute(
            insert(Opportunity).values(contact_id=di, status="won", amount=42_000.5,
                                       created_at=at, closed_at=at + timedelta(days=3))
        )  # fmt: skip
        connection.execute(
            insert(Handoff),
            [
                {"contact_id": ann, "owner": "r1", "at": at, "status": "accepted",
                 "answered_at": at + timedelta(hours=2)},
                {"contact_id": cy, "owner": "r2", "at": at, "status": "rejected",
                 "answered_at": at + timedelta(hours=1), "reason": "spam"},
            ],
        )  # fmt: skip


@pytest.mark.parametrize("days_later", [0, 40])
def test_every_contact_read_from_the_store_qualifies_as_the_engine_does(
    engine: Engine, days_later: int
) -> None:
    ids = _active_store_with_side_tables(engine)
    now = START + timedelta(days=20 + days_later)
    with engine.connect() as connection:
        frames = read_store(connection, as_of=now)
        with Session(bind=connection) as session:
            definition = active_definition(session).definition
    result = qualify_frames(definition, frames.contacts, frames.events, now)
    assert sorted(frames.contacts.ids.tolist()) == sorted(ids.values())
    with Session(engine) as session:
        for row, contact_id in enumerate(frames.contacts.ids.tolist()):
            expected = qualify_contact(session, contact_id, now, explain=False).qualification
            assert_same(result.qualification(row), expected)
    # The side tables were read: the scores are not those of bare contacts.
    assert {result.stage_of(row) for row in range(result.size)} >= {"sql", "customer"}


@pytest.mark.parametrize("minutes", [30, 90])
def test_a_past_moment_between_side_facts_qualifies_as_the_engine_does(
    engine: Engine, minutes: int
) -> None:
    """A BANT fact, a consent or sales' answer dated after the moment is not known then:
    the batch reader and one contact's qualification (``qualify --now``) leave it out."""
    _active_store_with_side_tables(engine)
    moment = START + timedelta(days=5, minutes=minutes)  # between ann's two budget facts
    with engine.connect() as connection:
        frames = read_store(connection, as_of=moment)
        with Session(bind=connection) as session:
            definition = active_definition(session).definition
    result = qualify_frames(definition, frames.contacts, frames.events, moment)
    with Session(engine) as session:
        for row, contact_id in enumerate(frames.contacts.ids.tolist()):
            expected = qualify_contact(session, contact_id, moment, explain=False).qualification
            assert_same(result.qualification(row), expected)


def test_the_store_as_of_a_moment_leaves_out_later_contacts_and_events(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    moment = START + timedelta(days=4)  # ann's and bo's first events only
    with engine.connect() as connection:
        frames = read_store(connection, as_of=moment)
    assert sorted(frames.contacts.ids.tolist()) == sorted(
        [ids["ann@acme.example"], ids["bo@gmail.com"]]
    )
    assert int(frames.events.at_us.max()) <= int(moment.timestamp() * 1_000_000)
    assert frames.events.size == 4


def test_a_range_of_ids_reads_those_contacts_with_their_events_and_facts(engine: Engine) -> None:
    ids = _active_store_with_side_tables(engine)
    now = START + timedelta(days=30)
    middle = sorted(ids.values())[1:4]
    with engine.connect() as connection:
        whole = read_store(connection, as_of=now)
        part = read_store(connection, as_of=now, between=(middle[0], middle[-1]))
        with Session(bind=connection) as session:
            definition = active_definition(session).definition
    assert part.contacts.ids.tolist() == middle
    rows = [whole.contacts.ids.tolist().index(contact_id) for contact_id in middle]
    assert part.events.size == int(sum((whole.events.row == row).sum() for row in rows))
    everyone = qualify_frames(definition, whole.contacts, whole.events, now)
    some = qualify_frames(definition, part.contacts, part.events, now)
    for row, whole_row in enumerate(rows):  # the same verdicts as read with everyone
        assert_same(some.qualification(row), everyone.qualification(whole_row))


def test_reading_only_the_definitions_paths_qualifies_the_same(engine: Engine) -> None:
    _active_store_with_side_tables(engine)
    now = START + timedelta(days=30)
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            definition = active_definition(session).definition
        paths = attribute_paths(definition)
        whole = read_store(connection, as_of=now)
        some = read_store(connection, as_of=now, paths=paths)
    read = {path for path in some.contacts.attributes if not path.startswith("consent.")}
    assert read == paths & set(whole.contacts.attributes)
    assert "contact.first_name" in whole.contacts.attributes  # the definition reads no name
    assert "contact.first_name" not in read
    everyone = qualify_frames(definition, whole.contacts, whole.events, now)
    fewer = qualify_frames(definition, some.contacts, some.events, now)
    for row in range(everyone.size):
        assert_same(fewer.qualification(row), everyone.qualification(row))
