"""Two requests creating the same new person at once (two servers, a double-clicked form).

An upsert and a form post promise "update the contact with this address, or create it":
the one that loses the race to create the address must update the winner's contact,
not answer 409 (SQLite; PostgreSQL too when LEADFLOW_TEST_DATABASE_URL is set, where
the loser's INSERT waits on the unique index and then fails).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.contacts import upsert_contact
from leadflow.services.definitions import active_definition
from leadflow.services.form_config import FormSpec
from leadflow.services.forms import submit_form
from leadflow.store.database import writer
from leadflow.store.models import Contact, Event
from tests.integration.concurrency import second_waits_for_first
from tests.integration.services.conftest import START, activate

ADDRESS = "ann@acme.example"


def _created_by_a_twin(session: Session) -> None:
    """The twin request's contact, written and not committed yet."""
    session.add(
        Contact(
            email=ADDRESS,
            first_name="Ann",
            created_at=START,
            updated_at=START,
            identity="known",
            attributes={},
        )
    )
    session.flush()


def test_an_upsert_losing_the_race_to_create_the_address_updates_the_winner(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        activate(session)
    answers: list[tuple[str | None, bool]] = []

    def upsert(session: Session) -> None:
        view, created = upsert_contact(
            session, {"email": ADDRESS, "title": "CTO"}, START + timedelta(minutes=1)
        )
        answers.append((view.contact.title, created))

    second_waits_for_first(writer(engine), _created_by_a_twin, upsert)

    assert answers == [("CTO", False)]
    with Session(engine) as session:
        stored = session.execute(select(Contact.first_name, Contact.title)).all()
    assert [tuple(row) for row in stored] == [("Ann", "CTO")]


def test_a_form_posted_twice_at_once_records_both_posts_for_one_contact(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
        active = active_definition(session)
    spec = FormSpec(event="demo_request", fields={"email": "email", "first": "first_name"})

    def post(session: Session) -> None:
        submit_form(
            session,
            "demo",
            spec,
            {"email": ADDRESS, "first": "Ann"},
            visitor_id=None,
            active=active,
            clock=FixedClock(START + timedelta(minutes=1)),
            confirm_base="http://leads.example",
        )

    second_waits_for_first(writer(engine), _created_by_a_twin, post)

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 1
        assert session.scalar(select(func.count()).select_from(Event)) == 1
