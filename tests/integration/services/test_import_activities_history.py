"""``leadflow import activities`` dates the stage moves a CRM's activities cause when
they happened: a lead sales accepted in the CRM on Monday moves to the accepted stage
on Monday in the ledger, not on the day of the import (SQLite; PostgreSQL too when
LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.activity_formats import get_activity_format
from leadflow.services.accounts import create_account
from leadflow.services.cadence import log_conversation
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.feedback import accept
from leadflow.services.import_activities import ActivityImportOptions, import_activities
from leadflow.services.reps import add_rep, add_team
from leadflow.store.database import session_factory, writer
from leadflow.store.models import StageTransition

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Ann is handed off, a Monday
LATER = START + timedelta(days=7)  # the import
SALES_READY = "            - {field: sales_ready, equals: true}\n"
ACCEPTED = "            - {field: sales.accepted, equals: true}\n"


def _without(*lines: str) -> str:
    """The waterfall preset without these conditions of its prospect (sql) stage: with
    only the acceptance and a conversation left, a hand-off alone leaves the lead a
    marketing qualified lead."""
    text = preset_text("waterfall")
    for line in lines:
        assert text.count(line) == 1
        text = text.replace(line, "")
    return text


@pytest.fixture
def ann(engine: Engine) -> int:
    """Ann, handed off to Eva on Monday 2 March 2026 at 09:00; her rep works in the CRM.
    Sales accepting her makes her a prospect."""
    return _handed_off(engine, _without(SALES_READY))


@pytest.fixture
def ann_to_talk(engine: Engine) -> int:
    """Ann as above, made a prospect by a conversation only."""
    return _handed_off(engine, _without(SALES_READY, ACCEPTED))


def _handed_off(engine: Engine, definition: str) -> int:
    with session_factory(writer(engine))() as session:
        activate_definition(session, definition, source_name="w.yaml", now=START)
        add_team(session, key="benelux", name=None, zone="Europe/Amsterdam",
                 working_hours="mon-fri 09:00-17:00", now=START)  # fmt: skip
        add_rep(session, key="eva", name="Eva van Dijk", email="eva@seller.example",
                team_key="benelux", capacity=10, now=START)  # fmt: skip
        account = create_account(
            session,
            {"name": "acme", "domain": "acme.example", "industry": "software",
             "employees": 200, "country": "NL", "revenue": 20_000_000},
            START,
        )  # fmt: skip
        values = {"email": "ann@acme.example", "first_name": "Ann", "seniority": "director",
                  "department": "marketing", "country": "NL", "account_id": account.id,
                  "external_id": "salesforce:00Q5g00000AnnSmEAJ"}  # fmt: skip
        contact_id = create_contact(session, values, START).contact.id
        session.commit()
        event = IncomingEvent("demo_request", START, contact_id=contact_id, source="test")
        assert isinstance(record_event(session, event, clock=FixedClock(START)), Recorded)
    return contact_id


def _ledger(engine: Engine, contact_id: int) -> list[tuple[str | None, str, datetime]]:
    with session_factory(engine)() as session:
        query = (
            select(StageTransition.from_stage, StageTransition.to_stage, StageTransition.at)
            .where(StageTransition.contact_id == contact_id)
            .order_by(StageTransition.at, StageTransition.id)
        )
        return [
            (old, new, at if at.tzinfo else at.replace(tzinfo=UTC))
            for old, new, at in session.execute(query).tuples()
        ]


def _import(engine: Engine) -> None:
    options = ActivityImportOptions(layout=get_activity_format("salesforce"))
    done = import_activities(
        engine, EXPORTS / "salesforce_tasks.csv", options, clock=FixedClock(LATER)
    )
    assert done.committed, done.problems
    assert done.accepted == 1


def test_the_acceptance_a_crm_call_made_moves_the_lead_at_the_call(
    engine: Engine, ann: int
) -> None:
    assert _ledger(engine, ann)[-1][1] == "mql"
    _import(engine)
    # Her first activity in the CRM, Monday's 13:00 call, was sales taking her on.
    assert _ledger(engine, ann)[-1] == ("mql", "sql", datetime(2026, 3, 2, 13, tzinfo=UTC))


def test_importing_the_activities_again_adds_no_ledger_line(engine: Engine, ann: int) -> None:
    _import(engine)
    before = _ledger(engine, ann)
    options = ActivityImportOptions(layout=get_activity_format("salesforce"))
    again = import_activities(
        engine, EXPORTS / "salesforce_tasks.csv", options, clock=FixedClock(LATER)
    )
    assert again.committed
    assert again.known > 0
    assert _ledger(engine, ann) == before


def test_a_conversation_logged_after_the_fact_moves_the_lead_when_it_was_held(
    engine: Engine, ann_to_talk: int
) -> None:
    """A prospect stage that asks for a conversation: accepted on Monday, the meeting
    held on Wednesday and logged on Friday moves her on Wednesday, though she visited the
    site on Thursday (her latest event, which the move was dated at)."""
    with session_factory(writer(engine))() as session:
        accept(session, ann_to_talk, rep="eva", clock=FixedClock(START + timedelta(hours=1)))
        visit = IncomingEvent("page_view", datetime(2026, 3, 5, 12, tzinfo=UTC),
                              contact_id=ann_to_talk, source="test")  # fmt: skip
        assert isinstance(record_event(session, visit, clock=FixedClock(visit.at)), Recorded)
        assert _ledger(engine, ann_to_talk)[-1][1] == "mql"
        held, logged = datetime(2026, 3, 4, 15, tzinfo=UTC), datetime(2026, 3, 6, 9, tzinfo=UTC)
        log_conversation(session, ann_to_talk, outcome="interested", rep="eva",
                         clock=FixedClock(logged), at=held)  # fmt: skip
    assert _ledger(engine, ann_to_talk)[-1] == ("mql", "sql", held)
