"""A rescore with the active model says when today's contacts differ from the leads the
model learned on (learn/drift.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.learn.artifact import save_model
from leadflow.learn.drift import population
from leadflow.learn.scoring import activity_card
from leadflow.services.definitions import activate_definition
from leadflow.services.prediction import activate_model
from leadflow.services.rescore import rescore
from leadflow.store.database import make_engine
from leadflow.store.models import Contact
from tests.integration.services.conftest import START
from tests.unit.learn.live_model import T0, live_leads, live_model


def _model(root: Path) -> Path:
    model = live_model()
    learned = population(model.encoder, model.encoder.encode(live_leads()))
    card = {"activity": activity_card(None), "population": learned}
    return save_model(root, model, card, now=T0).path


def _contacts(engine: Engine, seniority: str, count: int = 80) -> None:
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        for number in range(count):
            session.add(
                Contact(
                    email=f"p{number}@firm{number % 7}.example",
                    seniority=seniority,
                    source_channel="referral",
                    created_at=START - timedelta(days=30),
                    updated_at=START,
                )
            )
        session.commit()


def test_a_rescore_says_when_the_contacts_differ_from_the_training_leads(
    engine: Engine, tmp_path: Path
) -> None:
    _contacts(engine, "intern")
    with Session(engine) as session:
        activate_model(session, _model(tmp_path / "models"), now=START, actor="test")
        session.commit()

    done = rescore(engine, clock=FixedClock(START + timedelta(days=1)))

    assert done.drift is not None
    assert done.drift.startswith("drift (major): the 80 leads scored differ from the 600 ")
    assert "e-mail domain (PSI" in done.drift  # firm0-6.example: none the model knows
    # Unknown before a hand-off by design, not drift: never named.
    assert "rep (PSI" not in done.drift
    assert "first sales action" not in done.drift


def test_without_a_model_a_rescore_says_nothing_of_drift(engine: Engine) -> None:
    _contacts(engine, "director", count=5)
    assert rescore(engine, clock=FixedClock(START)).drift is None


def test_the_rescore_command_prints_the_drift_line(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    try:
        _contacts(engine, "intern")
        with Session(engine) as session:
            activate_model(session, _model(tmp_path / "models"), now=START, actor="test")
            session.commit()
    finally:
        engine.dispose()

    result = CliRunner().invoke(app, ["rescore"], env={"LEADFLOW_DATABASE_URL": database_url})

    assert result.exit_code == 0, result.output
    assert "  drift (major): the 80 leads scored differ from the 600 " in result.stdout
