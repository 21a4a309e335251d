"""Closed leads read from the workspace store: outcomes, decision points, as-of features."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.learn.errors import LearnInputError
from leadflow.learn.store_source import read_store_history
from leadflow.store.database import make_engine
from leadflow.store.models import (
    Account,
    Contact,
    DefinitionVersion,
    Event,
    Handoff,
    Opportunity,
    Qualification,
)
from leadflow.store.models.handoffs import HandoffWork, Rejection

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _contact(session: Session, number: int, **columns: object) -> Contact:
    account = Account(
        name=f"Firm {number}",
        domain=f"firm{number}.example",
        industry="software" if number % 2 else "retail",
        employees=50 * number,
        attributes={"segment": "mid" if number % 2 else "smb"},
        created_at=T0,
        updated_at=T0,
    )
    session.add(account)
    session.flush()
    contact = Contact(
        email=f"p{number}@firm{number}.example",
        seniority="director",
        country="NL",
        source_channel="referral",
        account_id=account.id,
        attributes={"plan": "pro", "notes": ["ignored", "not plain"]},
        created_at=T0 - timedelta(days=30),
        updated_at=T0,
        **columns,
    )
    session.add(contact)
    session.flush()
    return contact


def _event(
    session: Session, contact: Contact, kind: str, at: datetime, **properties: object
) -> None:
    session.add(
        Event(
            source="test",
            contact_id=contact.id,
            type=kind,
            at=at,
            properties=properties,
            received_at=at,
        )
    )


def _hand_off(
    session: Session, contact: Contact, at: datetime, status: str, closing: str | None
) -> None:
    handoff = Handoff(contact_id=contact.id, owner="ana", at=at, status=status)
    session.add(handoff)
    session.flush()
    session.add(
        HandoffWork(
            handoff_id=handoff.id,
            contact_id=contact.id,
            trigger="demo_request",
            outcome=closing,
        )
    )


def test_closed_leads_outcomes_and_features_as_of_the_hand_off(session: Session) -> None:
    won = _contact(session, 1)
    rejected = _contact(session, 2)
    recycled = _contact(session, 3)
    still_open = _contact(session, 4)
    never = _contact(session, 5)
    for contact in (won, rejected, recycled, still_open):
        _hand_off(session, contact, T0, "accepted", None)
    session.flush()
    session.query(Handoff).filter_by(contact_id=rejected.id).update({"status": "rejected"})
    session.query(HandoffWork).filter_by(contact_id=recycled.id).update({"outcome": "recycled"})
    session.add(Opportunity(contact_id=won.id, status="won", created_at=T0 + timedelta(days=9)))
    # Before the hand-off: counted. At and after it: not (the trigger, later activity).
    _event(session, won, "content_download", T0 - timedelta(days=5), asset="pricing-spec-sheet")
    _event(session, won, "email_click", T0 - timedelta(days=200))
    _event(session, won, "demo_request", T0)
    _event(session, won, "email_click", T0 + timedelta(days=1))
    _event(session, never, "email_click", T0)
    session.flush()

    table = read_store_history(session.connection())

    assert table.ids.tolist() == [str(won.id), str(rejected.id), str(recycled.id)]
    assert table.outcome.tolist() == [1, 0, 0]
    assert table.notes == (
        "1 handed-off leads still open left out",
        "no value on any closed lead: department, medium, vendor, revenue",
    )
    assert table.decided_at is not None
    assert table.decided_at.tolist() == [int(T0.timestamp())] * 3
    row = 0

    def value(name: str) -> object:
        return table.attribute(name).values[row]

    assert value("channel") == "referral"
    assert table.attribute("channel").path == "source.channel"
    assert value("industry") == "software"
    assert table.attribute("plan").path == "contact.plan"
    assert table.attribute("segment").path == "account.segment"
    assert value("first sales action") == "demo_request"
    assert value("rep") == "ana"
    assert value("product-specific downloads") == 1
    assert value("email_click (90 days)") == 0  # 200 days before: outside the window
    assert value("events before") == 2
    assert value("days known") == pytest.approx(30.0)
    assert value("days since last event") == pytest.approx(5.0)


def test_an_empty_store_says_so(session: Session) -> None:
    with pytest.raises(LearnInputError, match="the store holds no closed leads"):
        read_store_history(session.connection())


def test_learn_icp_reads_the_workspace_store(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            for number in range(1, 7):
                contact = _contact(session, number)
                _hand_off(session, contact, T0, "accepted", None if number % 3 else "recycled")
                if number % 3:
                    session.add(
                        Opportunity(
                            contact_id=contact.id,
                            status="won" if number % 2 else "lost",
                            created_at=T0 + timedelta(days=3),
                        )
                    )
            session.commit()
    finally:
        engine.dispose()
    result = CliRunner().invoke(
        app, ["learn", "icp", "--json"], env={"LEADFLOW_DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["leads"], data["won"]) == (6, 2)  # won: 1 and 5; 3 and 6 recycled
    assert {"industry", "plan", "segment"} <= {a["attribute"] for a in data["attributes"]}
    table = CliRunner().invoke(app, ["learn", "icp"], env={"LEADFLOW_DATABASE_URL": database_url})
    assert "the workspace store: 6 closed leads" in table.stdout  # it said "None: 6 ..."


def test_an_account_made_a_customer_by_the_win_does_not_tell_the_outcome(
    session: Session,
) -> None:
    # Winning lead 1's deal marked its account a customer ten days after the hand-off
    # (as services/opportunities.py does); lead 2's account was a customer a year
    # before its hand-off. Read as they are now, both would say "customer".
    won = _contact(session, 1)
    returning = _contact(session, 2)
    for contact in (won, returning):
        _hand_off(session, contact, T0, "accepted", None)
    session.add(Opportunity(contact_id=won.id, status="won", created_at=T0 + timedelta(days=9)))
    session.add(Opportunity(contact_id=returning.id, status="lost", created_at=T0))
    since = {won: T0 + timedelta(days=10), returning: T0 - timedelta(days=365)}
    for contact, moment in since.items():
        account = session.get(Account, contact.account_id)
        assert account is not None
        account.attributes = {
            **account.attributes,
            "customer": True,
            "customer_since": moment.isoformat(),
        }
    session.flush()

    table = read_store_history(session.connection())

    assert table.ids.tolist() == [str(won.id), str(returning.id)]
    assert table.attribute("customer").values.tolist() == [None, "true"]
    assert "customer_since" not in {a.name for a in table.attributes}


def test_a_customers_rejected_lead_is_won_not_lost(session: Session) -> None:
    # Sales rejected or closed each first hand-off; all but the last are customers: by the
    # stage the active definition calls a customer stage (a company's deal made them one,
    # no deal of their own), by a rejection recorded as staying a customer, by a work
    # item closed as a customer's. A customer is won, whatever sales clicked on a stale work item.
    by_stage, by_rejection, by_closing, rejected = (_contact(session, n) for n in range(1, 5))
    for contact in (by_stage, by_rejection, rejected):
        _hand_off(session, contact, T0, "rejected", "rejected")
    _hand_off(session, by_closing, T0, "accepted", "closed")  # closed (stays a customer)
    version = DefinitionVersion(name="waterfall", version="1", yaml=preset_text("waterfall"),
                                active=True, created_at=T0)  # fmt: skip
    session.add(version)
    at = T0 + timedelta(days=2)
    for contact, stage in ((by_stage, "customer"), (rejected, "nurture")):
        session.add(Qualification(contact_id=contact.id, stage=stage, qualified_at=at,
                                  last_activity_at=at, updated_at=at))  # fmt: skip
    session.flush()
    for contact, action in ((by_rejection, "stays_customer"), (rejected, "recycle")):
        handoff = session.query(Handoff).filter_by(contact_id=contact.id).one()
        session.add(Rejection(handoff_id=handoff.id, contact_id=contact.id, code="no_budget",
                              action=action, at=T0 + timedelta(hours=1)))  # fmt: skip
    session.flush()

    table = read_store_history(session.connection(), mature_only=False)

    ids = [str(c.id) for c in (by_stage, by_rejection, by_closing, rejected)]
    assert table.ids.tolist() == ids
    assert table.outcome.tolist() == [1, 1, 1, 0]
