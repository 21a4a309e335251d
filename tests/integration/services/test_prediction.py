"""The active learned model: activation, and ``prediction`` in real time, in batch, explained.

A model trained on store-shaped leads (tests/unit/learn/live_model.py: directors,
referrals and pricing downloads win) is activated in the workspace; a definition whose
sales-ready gate requires ``prediction >= 0.5`` then hands off the strong lead and not
the weak one, through the real-time path and through ``leadflow rescore`` alike, and
both paths give every contact the same probability.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.analytics.report import Report
from leadflow.api.schemas.contacts import QualificationSummary
from leadflow.batch.qualify import qualify_frames
from leadflow.batch.store import read_store
from leadflow.cli import app
from leadflow.definition.model import Definition
from leadflow.domain.clock import FixedClock
from leadflow.learn.errors import LearnInputError
from leadflow.services.backtest import BacktestRequest, backtest
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.definitions import activate_definition, active_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.facts import facts_of
from leadflow.services.prediction import (
    activate_model,
    active_model,
    deactivate_model,
    frame_predictions,
    person_prediction,
    stored_models,
)
from leadflow.services.rescore import rescore
from leadflow.store.database import make_engine, writer
from leadflow.store.driver import driver_for
from leadflow.store.models import Contact, PredictionModel, Qualification
from leadflow.store.realtime import RealtimeStore
from tests.integration.services.conftest import START

GATED = """\
schema_version: 1
name: gated
version: "1"
extends: waterfall
sales_ready:
  min_fit_grade: D
  when: {field: prediction, at_least: 0.5}
"""
# email -> (seniority, channel, pricing downloads): the first two strong, the last weak
PEOPLE = {
    "ann@acme.example": ("director", "referral", 2),
    "dan@firm.example": ("director", "referral", 1),
    "ian@gmail.com": ("intern", "organic", 0),
}


@pytest.fixture
def gated(engine: Engine) -> Engine:
    with Session(engine) as session:
        activate_definition(session, GATED, source_name="gated.yaml", now=START)
        session.commit()
    return engine


def _activate(engine: Engine, path: Path) -> None:
    with Session(engine) as session:
        activate_model(session, path, now=START, actor="test")
        session.commit()


def _record(engine: Engine, email: str, kind: str, at_days: float, **props: object) -> Recorded:
    at = START + timedelta(days=at_days)
    with Session(writer(engine)) as session:
        event = IncomingEvent(kind, at, key=f"{email}-{kind}-{at_days}", email=email,
                              properties=props)  # fmt: skip
        outcome = record_event(session, event, clock=FixedClock(at))
    assert isinstance(outcome, Recorded)
    return outcome


def _people(engine: Engine) -> dict[str, int]:
    """Each person known by a page view, given a persona, then some activity."""
    ids = {}
    for number, (email, (seniority, channel, downloads)) in enumerate(PEOPLE.items()):
        ids[email] = _record(engine, email, "page_view", number * 0.1).contact_id or 0
        with engine.begin() as connection:
            connection.execute(
                update(Contact)
                .where(Contact.id == ids[email])
                .values(seniority=seniority, source_channel=channel)
            )
        for day in range(downloads):
            _record(engine, email, "content_download", 1 + day, asset="pricing-spec-sheet.pdf")
        _record(engine, email, "page_view", 4 + number * 0.1)
    return ids


def _ask_for_a_demo(engine: Engine, ids: dict[str, int]) -> dict[str, Recorded]:
    return {email: _record(engine, email, "demo_request", 6 + n) for n, email in enumerate(ids)}


def test_activating_storing_once_switching_and_deactivating(engine: Engine, models: Path) -> None:
    with Session(engine) as session:
        activate_definition(session, GATED, source_name="gated.yaml", now=START)
        first = activate_model(session, models / "v1", now=START, actor="ana")
        again = activate_model(session, models / "v1", now=START)
        assert again.already_active
        assert again.row.id == first.row.id
        second = activate_model(session, models, now=START + timedelta(days=1))  # the latest
        assert second.row.version == 2
        assert second.row.active
        assert not first.row.active
        back = activate_model(session, models / "v1", now=START + timedelta(days=2))
        session.commit()
        assert back.row.id == first.row.id  # the same pickle is not stored twice
        assert [row.version for row in stored_models(session)] == [2, 1]
        assert session.scalar(select(func.count()).where(PredictionModel.active)) == 1
        ref = active_definition(session).model
        assert ref == active_model(session)
        assert ref is not None
        assert ref.id == first.row.id
        assert back.row.activated_by is None  # the latest activation's actor (none given)
        assert deactivate_model(session, now=START + timedelta(days=3)) is not None
        session.commit()
        assert active_definition(session).model is None
        assert deactivate_model(session, now=START + timedelta(days=4)) is None


def test_a_folder_without_a_model_is_refused(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session, pytest.raises(LearnInputError, match="no leadflow model"):
        activate_model(session, tmp_path, now=START)


def test_without_a_model_the_gate_on_prediction_hands_nobody_off(gated: Engine) -> None:
    asked = _ask_for_a_demo(gated, _people(gated))
    assert not any(outcome.sales_ready for outcome in asked.values())
    with Session(gated) as session:
        stored = session.scalars(select(Qualification.prediction)).all()
    assert stored == [None] * len(PEOPLE)


def test_the_real_time_path_hands_off_by_the_models_prediction(gated: Engine, models: Path) -> None:
    _activate(gated, models / "v1")
    asked = _ask_for_a_demo(gated, _people(gated))
    assert {email: outcome.sales_ready for email, outcome in asked.items()} == {
        "ann@acme.example": True,
        "dan@firm.example": True,
        "ian@gmail.com": False,
    }
    assert asked["ann@acme.example"].stage == "sql"
    assert asked["ian@gmail.com"].stage != "sql"


def test_real_time_and_batch_agree_on_prediction_and_outcome(gated: Engine, models: Path) -> None:
    _activate(gated, models / "v1")
    ids = _people(gated)
    asked = _ask_for_a_demo(gated, ids)
    for email, contact_id in ids.items():
        # The moment the real-time path qualified this contact at: its demo request.
        moment = START + timedelta(days=6 + list(ids).index(email))
        with gated.connect() as connection:
            with Session(bind=connection) as session:
                active = active_definition(session)
            assert active.model is not None
            frames = frame_predictions(
                connection, active.model, read_store(connection, as_of=moment), moment
            )
            store = RealtimeStore(driver_for(connection))
            facts = facts_of(store, store.load_person(contact_id))
            live = person_prediction(store, active.model, contact_id, facts, moment).prediction
        row = frames.contacts.ids.tolist().index(contact_id)
        batch = frames.contacts.prediction[row]
        assert live is not None
        assert 0 < live < 1
        assert batch == pytest.approx(live, abs=1e-12)
        result = qualify_frames(active.definition, frames.contacts, frames.events, moment)
        assert bool(result.sales_ready[row]) is asked[email].sales_ready
        with Session(gated) as session:
            stored = session.get(Qualification, contact_id)
            assert stored is not None
            assert stored.sales_ready is asked[email].sales_ready
            # Stored with the qualification, and what the API returns with the contact.
            assert stored.prediction == pytest.approx(live, abs=1e-12)
            shown = QualificationSummary.model_validate(stored, from_attributes=True)
            assert shown.prediction == stored.prediction


def test_a_rescore_fills_every_prediction_and_a_deactivation_empties_them(
    gated: Engine, models: Path
) -> None:
    ids = _people(gated)
    _ask_for_a_demo(gated, ids)  # no model yet: nobody sales-ready
    later = START + timedelta(days=10)
    _activate(gated, models / "v1")

    done = rescore(gated, clock=FixedClock(later))

    assert "predict" in done.seconds
    with gated.connect() as connection:
        with Session(bind=connection) as session:
            ref = active_definition(session).model
        assert ref is not None
        frames = frame_predictions(connection, ref, read_store(connection, as_of=later), later)
    predicted = dict(zip(frames.contacts.ids.tolist(), frames.contacts.prediction, strict=True))
    with Session(gated) as session:
        for contact_id in ids.values():
            stored = session.get(Qualification, contact_id)
            assert stored is not None
            explained = qualify_contact(session, contact_id, later).qualification
            line = next(text for text in explained.explanation if text.startswith("prediction"))
            assert line.startswith(f"prediction {predicted[contact_id]:.3f}")
            assert stored.sales_ready is explained.sales_ready
            assert stored.sales_ready is bool(predicted[contact_id] >= 0.5)
            assert stored.prediction == pytest.approx(predicted[contact_id], abs=1e-12)
        assert session.get(Qualification, ids["ann@acme.example"]).sales_ready  # type: ignore[union-attr]
        assert not session.get(Qualification, ids["ian@gmail.com"]).sales_ready  # type: ignore[union-attr]
        deactivate_model(session, now=later, actor="test")
        session.commit()

    after = rescore(gated, clock=FixedClock(later))

    assert after.sales_ready == 0
    assert "predict" not in after.seconds
    with Session(gated) as session:
        assert all(
            session.get(Qualification, contact_id).prediction is None  # type: ignore[union-attr]
            for contact_id in ids.values()
        )
        explained = qualify_contact(session, ids["ann@acme.example"], later).qualification
        assert not any(text.startswith("prediction") for text in explained.explanation)


def test_a_backtest_replays_the_gate_with_the_models_prediction_at_each_checkpoint(
    gated: Engine, models: Path
) -> None:
    ids = _people(gated)
    _ask_for_a_demo(gated, ids)
    end = START + timedelta(days=10)
    request = BacktestRequest(_active_definition_of(gated), step_days=1)

    without = _summary(backtest(gated, request, clock=FixedClock(end)))
    _activate(gated, models / "v1")
    with_model = _summary(backtest(gated, request, clock=FixedClock(end)))

    assert without["sales-ready"] == (0, 0)  # no model: the gate on prediction never opens
    # The two strong leads asked for a demo on days 6 and 7; the weak one stays out, as
    # in real time (test_the_real_time_path_hands_off_by_the_models_prediction).
    assert with_model["sales-ready"] == (2, 2)


def _active_definition_of(engine: Engine) -> Definition:
    with Session(engine) as session:
        return active_definition(session).definition


def _summary(report: Report) -> dict[str, tuple[object, object]]:
    return {str(row[0]): (row[1], row[2]) for row in report.section("summary").rows}


def test_the_commands_activate_list_and_deactivate(database_url: str, models: Path) -> None:
    env = {"LEADFLOW_DATABASE_URL": database_url}
    runner = CliRunner()
    engine = make_engine(database_url)
    with Session(engine) as session:
        activate_definition(session, GATED, source_name="gated.yaml", now=START)
        session.commit()
    engine.dispose()

    activated = runner.invoke(app, ["learn", "activate", str(models)], env=env)
    listed = runner.invoke(app, ["learn", "models"], env=env)
    again = runner.invoke(app, ["learn", "activate", str(models / "v2")], env=env)
    stopped = runner.invoke(app, ["learn", "deactivate"], env=env)
    nothing = runner.invoke(app, ["learn", "deactivate"], env=env)
    missing = runner.invoke(app, ["learn", "activate", str(models / "v9")], env=env)

    assert activated.exit_code == 0, activated.output
    assert "model v2 (logistic_regression, holdout ROC-AUC 0.700) is now the active" in (
        activated.stdout
    )
    assert "warning: it reads sales.rep" in activated.stdout
    assert "leadflow rescore" in activated.stdout
    assert listed.exit_code == 0
    assert "active" in listed.stdout
    assert "v2" in listed.stdout
    assert "command line" in listed.stdout  # who activated it
    assert "was already the active model" in again.stdout
    assert stopped.stdout.startswith("model v2 is no longer active")
    assert nothing.stdout.strip() == "no model was active"
    assert missing.exit_code == 1
    assert "no leadflow model" in missing.stderr
