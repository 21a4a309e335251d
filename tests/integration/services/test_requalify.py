"""Re-qualifying contacts whose facts changed without a new event (an import, a merge)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.requalify import requalify_contacts
from leadflow.store.models import Account, Contact, Qualification, StageTransition
from tests.integration.services.conftest import START

EMAIL = "jo@acme.example"


def _engaged_lead(session: Session, active: ActiveDefinition) -> int:
    clock = FixedClock(START)
    for day, (kind, props) in enumerate(
        [("content_download", {"asset": "crm-datasheet.pdf"}), ("demo_request", {})]
    ):
        event = IncomingEvent(kind, START + timedelta(days=day), email=EMAIL, properties=props)
        outcome = record_event(session, event, clock=clock, active=active)
        assert isinstance(outcome, Recorded)
    contact_id = outcome.contact_id
    assert contact_id is not None
    return contact_id


def _make_a_fitting_buyer(session: Session, contact_id: int) -> None:
    account = Account(
        name="Acme",
        industry="software",
        employees=200,
        country="NL",
        revenue=2e7,
        attributes={},
        created_at=START,
        updated_at=START,
    )
    session.add(account)
    session.flush()
    contact = session.get(Contact, contact_id)
    assert contact is not None
    contact.seniority, contact.department, contact.account_id = "director", "marketing", account.id


def test_new_attributes_raise_fit_and_move_the_lead_forward(
    session: Session, active: ActiveDefinition
) -> None:
    contact_id = _engaged_lead(session, active)
    stored = session.get(Qualification, contact_id)
    assert stored is not None
    before = (stored.stage, stored.fit_grade, stored.sales_ready)
    assert before[1:] == ("D", False)

    _make_a_fitting_buyer(session, contact_id)
    done = requalify_contacts(session, [contact_id], clock=FixedClock(START), active=active)
    session.commit()

    session.expire_all()
    after = session.get(Qualification, contact_id)
    assert after is not None
    assert after.fit_grade == "A"
    assert after.sales_ready
    assert done[0].stage == after.stage != before[0]
    moved = session.scalars(select(StageTransition).where(StageTransition.event_id.is_(None))).one()
    assert (moved.from_stage, moved.to_stage) == (before[0], after.stage)


def test_an_unchanged_qualification_is_not_written_again(
    session: Session, active: ActiveDefinition
) -> None:
    contact_id = _engaged_lead(session, active)
    written = session.get(Qualification, contact_id)
    assert written is not None
    first = (written.updated_at, written.state, written.engagement_score)

    later = FixedClock(START + timedelta(days=9))
    requalify_contacts(session, [contact_id], clock=later, active=active)
    session.commit()

    session.expire_all()
    again = session.get(Qualification, contact_id)
    assert again is not None
    # Qualified at its latest event both times: the same row, so no write (updated_at kept).
    assert (again.updated_at, again.state, again.engagement_score) == first


def test_a_changed_column_is_written_and_the_rest_kept(
    session: Session, active: ActiveDefinition
) -> None:
    contact_id = _engaged_lead(session, active)
    before = session.get(Qualification, contact_id)
    assert before is not None
    kept = (before.state, before.engagement_score, before.qualified_at, before.lead_type)

    _make_a_fitting_buyer(session, contact_id)
    later = START + timedelta(days=9)
    requalify_contacts(session, [contact_id], clock=FixedClock(later), active=active)
    session.commit()

    session.expire_all()
    after = session.get(Qualification, contact_id)
    assert after is not None
    assert (after.fit_grade, after.sales_ready) == ("A", True)
    assert after.updated_at.replace(tzinfo=later.tzinfo) == later
    assert (after.state, after.engagement_score, after.qualified_at, after.lead_type) == kept
