"""``services.rescore``: every contact qualified at once, written back with its stage moves."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.rescore import RescoreError, rescore
from leadflow.store.database import writer
from leadflow.store.models import (
    Contact,
    Conversation,
    Event,
    Opportunity,
    Qualification,
    StageTransition,
)
from tests.integration.batch.test_store import _record, _side_tables
from tests.integration.services.conftest import START, activate

STRICT = """\
schema_version: 1
name: strict
version: "1"
extends: waterfall
stages:
  - id: lead
    when: {field: identity, at_least: known}
  - id: engaged
    requires: [lead]
    when: {field: engagement.score, at_least: 5}
"""


def _count(engine: Engine, model: type[object]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_rescore_writes_every_qualification_and_moves_leads_forward_once(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    _side_tables(engine, ids)
    moves_before = _count(engine, StageTransition)
    later = START + timedelta(days=60)

    done = rescore(engine, clock=FixedClock(later))

    assert done.contacts == len(ids)
    assert done.at == later
    with Session(engine) as session:
        for contact_id in ids.values():
            stored = session.get(Qualification, contact_id)
            assert stored is not None
            expected = qualify_contact(session, contact_id, later, explain=False)
            verdict = expected.qualification
            assert stored.qualified_at == later
            assert stored.fit_score == pytest.approx(verdict.fit.score)
            assert stored.engagement_score == pytest.approx(verdict.engagement.score, abs=1e-9)
            assert stored.sales_ready is verdict.sales_ready
            assert stored.stage == expected.lifecycle_stage
    moved = sum(done.moved_to.values())
    assert moved > 0  # the deal and the conversation moved people on
    assert _count(engine, StageTransition) == moves_before + moved

    again = rescore(engine, clock=FixedClock(later))
    assert again.moved_to == {}
    assert _count(engine, StageTransition) == moves_before + moved


def test_the_real_time_path_carries_on_after_a_rescore(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    later = START + timedelta(days=30)
    rescore(engine, clock=FixedClock(later))
    with Session(writer(engine)) as session:
        event = IncomingEvent("demo_request", later, key="after", email="ed@outlook.com")
        outcome = record_event(session, event, clock=FixedClock(later))
    assert isinstance(outcome, Recorded)
    with Session(engine) as session:
        stored = session.get(Qualification, ids["ed@outlook.com"])
        assert stored is not None
        expected = qualify_contact(session, ids["ed@outlook.com"], later, explain=False)
        assert stored.engagement_score == pytest.approx(
            expected.qualification.engagement.score, abs=1e-9
        )


def _latest_activity(engine: Engine, contact_id: int) -> datetime:
    """The contact's latest event, conversation or deal move, read from the store."""
    moments = []
    with Session(engine) as session:
        for column in (Event.at, Conversation.at, Opportunity.created_at, Opportunity.closed_at):
            table = column.class_
            found = session.scalar(select(func.max(column)).where(table.contact_id == contact_id))
            moments += [found] if found is not None else []
    return max(moments)


def _last_activity(engine: Engine, contact_id: int) -> datetime:
    with Session(engine) as session:
        return session.get_one(Qualification, contact_id).last_activity_at


def test_last_activity_is_each_leads_own_after_a_rescore_and_never_moves_back(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    _side_tables(engine, ids)
    ann, bo = ids["ann@acme.example"], ids["bo@gmail.com"]
    attempted = START + timedelta(days=40)  # a sales attempt: the frames do not hold it
    talked = START + timedelta(days=50)
    with engine.begin() as connection:
        connection.execute(
            update(Qualification)
            .values(last_activity_at=attempted)
            .where(Qualification.contact_id == ann)
        )
        connection.execute(delete(Qualification).where(Qualification.contact_id == bo))
        connection.execute(
            insert(Conversation).values(contact_id=bo, rep="r1", outcome="interested", at=talked)
        )
    # The real-time path dated each lead at its latest event or sales fact.
    assert _last_activity(engine, ids["ed@outlook.com"]) == _latest_activity(
        engine, ids["ed@outlook.com"]
    )
    later = START + timedelta(days=60)

    rescore(engine, clock=FixedClock(later))

    for contact_id in set(ids.values()) - {ann}:
        assert _last_activity(engine, contact_id) == _latest_activity(engine, contact_id)
    assert _last_activity(engine, bo) == talked  # a conversation after its events
    assert _last_activity(engine, ann) == attempted


def test_a_changed_definition_is_applied_to_everyone_by_a_rescore(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    _record(engine)
    with Session(engine) as session:
        activate_definition(session, STRICT, source_name="strict.yaml", now=START)
        session.commit()
    done = rescore(engine, clock=FixedClock(START + timedelta(days=15)))
    assert set(done.moved_to) <= {"engaged"}
    with Session(engine) as session:
        stages = set(session.scalars(select(Qualification.stage)))
        merged = session.scalar(select(func.count()).select_from(Contact))
    assert "engaged" in stages
    assert merged == done.contacts


RENAMED = """\
schema_version: 1
name: renamed
version: "1"
stages:
  - id: contact
    when: {field: identity, at_least: known}
  - id: engaged
    requires: [contact]
    when: {field: engagement.score, at_least: 5}
"""


def test_a_rescore_moves_leads_out_of_stages_the_active_definition_no_longer_has(
    engine: Engine,
) -> None:
    # A team renames its stages (lead, mql -> contact, engaged). The real-time path leaves
    # a lead where it stands; the rescore the team runs after the switch is the explicit
    # step that places it in the new funnel, or it would stand in a stage nobody can
    # see in the reports, filter on, or leave.
    with Session(engine) as session:
        activate(session)
    ids = _record(engine)
    with Session(engine) as session:
        retired = dict(
            session.execute(select(Qualification.contact_id, Qualification.stage)).tuples().all()
        )
        activate_definition(session, RENAMED, source_name="renamed.yaml", now=START)
        session.commit()
    assert {stage for stage in retired.values() if stage} & {"lead", "mql", "sql"}
    later = START + timedelta(days=15)

    done = rescore(engine, clock=FixedClock(later))

    with Session(engine) as session:
        stages = dict(
            session.execute(select(Qualification.contact_id, Qualification.stage)).tuples().all()
        )
        moves = session.execute(
            select(
                StageTransition.from_stage, StageTransition.to_stage, StageTransition.reason
            ).where(StageTransition.at == later)
        ).all()
    assert set(stages.values()) <= {"contact", "engaged"}
    assert len(stages) == len(ids)
    assert sum(done.moved_to.values()) == len(ids)
    for from_stage, to_stage, reason in moves:
        assert from_stage in {"lead", "mql", "sql"}
        assert reason == (
            f"{from_stage} is not a stage of renamed version 1: moved to {to_stage}, "
            "where the definition places the lead"
        )
    assert rescore(engine, clock=FixedClock(later)).moved_to == {}


def test_a_rescore_in_the_future_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    with pytest.raises(RescoreError, match="future"):
        rescore(engine, clock=FixedClock(START), at=START + timedelta(days=1))


def test_an_empty_workspace_rescores_to_nothing(engine: Engine) -> None:
    # Zero contacts used to give untyped verdict columns, and the lifecycle step failed.
    with Session(engine) as session:
        activate(session)

    done = rescore(engine, clock=FixedClock(START + timedelta(days=1)))

    assert (done.contacts, done.sales_ready, done.moved_to) == (0, 0, {})


def test_a_rescore_before_the_latest_verdicts_is_refused_and_writes_nothing(
    engine: Engine,
) -> None:
    # The real-time path never moves a contact's clock back; a rescore --at an earlier
    # moment would replace today's verdicts (scores, sales-ready) with older ones.
    with Session(engine) as session:
        activate(session)
    _record(engine)
    with Session(engine) as session:
        newest = session.scalar(select(func.max(Qualification.qualified_at)))
        before = session.execute(select(Qualification).order_by(Qualification.contact_id)).all()
    assert newest is not None
    earlier = START + timedelta(days=1)

    with pytest.raises(RescoreError, match=r"--at .* is before the latest qualification"):
        rescore(engine, clock=FixedClock(START + timedelta(days=90)), at=earlier)

    with Session(engine) as session:
        after = session.execute(select(Qualification).order_by(Qualification.contact_id)).all()
    assert [row[0].qualified_at for row in after] == [row[0].qualified_at for row in before]
    # At the newest verdict's moment or later is fine.
    assert rescore(engine, clock=FixedClock(START + timedelta(days=90)), at=newest).contacts
