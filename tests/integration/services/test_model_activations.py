"""When each learned model was active: the periods activation and deactivation write, the
back-test replaying each checkpoint with the model active then, and two activations at
once on PostgreSQL (one waits for the other, neither fails).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.backtest import BacktestRequest, backtest
from leadflow.services.prediction import (
    activate_model,
    activate_stored_model,
    activation_history,
    deactivate_model,
    stored_models,
)
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.store.models import PredictionModel, PredictionModelActivation
from tests.integration.concurrency import second_waits_for_first
from tests.integration.services.conftest import START
from tests.integration.services.test_prediction import (
    _active_definition_of,
    _ask_for_a_demo,
    _people,
    _summary,
    gated,  # noqa: F401 - a fixture these tests use too
)

DAY = timedelta(days=1)


def _periods(session: Session) -> list[tuple[int, object, object, str | None, str | None]]:
    rows = session.scalars(select(PredictionModelActivation).order_by(PredictionModelActivation.id))
    return [
        (row.model_id, row.activated_at, row.deactivated_at, row.activated_by, row.deactivated_by)
        for row in rows
    ]


def test_each_activation_closes_the_open_period_and_opens_the_next(
    engine: Engine, models: Path
) -> None:
    with Session(engine) as session:
        first = activate_model(session, models / "v1", now=START, actor="ana").row
        activate_model(session, models / "v1", now=START + DAY, actor="bob")  # already active
        second = activate_model(session, models / "v2", now=START + 2 * DAY, actor="bob").row
        activate_stored_model(session, first.id, now=START + 3 * DAY, actor="cy")
        deactivate_model(session, now=START + 4 * DAY, actor="dee")
        deactivate_model(session, now=START + 5 * DAY, actor="eve")  # none active: no change
        session.commit()

        assert _periods(session) == [
            (first.id, START, START + 2 * DAY, "ana", "bob"),
            (second.id, START + 2 * DAY, START + 3 * DAY, "bob", "cy"),
            (first.id, START + 3 * DAY, START + 4 * DAY, "cy", "dee"),
        ]
        history = activation_history(session)
        assert [(period.activated_by, version) for period, version in history] == [
            ("cy", 1),
            ("bob", 2),
            ("ana", 1),
        ]
        assert not any(row.active for row in stored_models(session))


def test_activating_a_stored_model_by_id(engine: Engine, models: Path) -> None:
    with Session(engine) as session:
        first = activate_model(session, models / "v1", now=START).row
        activate_model(session, models / "v2", now=START + DAY)
        again = activate_stored_model(session, first.id, now=START + 2 * DAY, actor="ana")
        same = activate_stored_model(session, first.id, now=START + 3 * DAY, actor="bob")
        session.commit()

        assert not again.already_active
        assert same.already_active
        assert again.row.active
        assert again.row.activated_by == "ana"  # the second call changed nothing
        assert len(_periods(session)) == 3
        with pytest.raises(NotFoundError, match="no stored model with id 999"):
            activate_stored_model(session, 999, now=START)


def test_a_stored_model_that_cannot_be_loaded_is_not_activated(
    engine: Engine, models: Path
) -> None:
    with Session(engine) as session:
        first = activate_model(session, models / "v1", now=START).row.id
        activate_model(session, models / "v2", now=START + DAY)
        session.commit()
    _break(engine, first)

    with Session(engine) as session:
        with pytest.raises(ConflictError, match=f"stored model {first} cannot be loaded"):
            activate_stored_model(session, first, now=START + 2 * DAY)
        session.rollback()
        assert [row.version for row in stored_models(session) if row.active] == [2]


def _break(engine: Engine, model_id: int) -> None:
    """The stored pickle replaced by bytes no Python can load (as after an upgrade that
    breaks old pickles); its digest follows, so no process has it loaded already."""
    garbage = b"not a pickle"
    with engine.begin() as connection:
        connection.execute(
            update(PredictionModel)
            .where(PredictionModel.id == model_id)
            .values(model=garbage, digest=hashlib.sha256(garbage).hexdigest())
        )


# --- the back-test ---------------------------------------------------------------------


def test_a_backtest_replays_each_checkpoint_with_the_model_active_then(
    gated: Engine,  # noqa: F811 - the fixture
    models: Path,
) -> None:
    ids = _people(gated)
    _ask_for_a_demo(gated, ids)  # ann on day 6, dan on day 7 (both strong), ian on day 8
    with Session(gated) as session:  # active on day 6 only; none now
        activate_model(session, models / "v1", now=START + 5.5 * DAY, actor="ana")
        deactivate_model(session, now=START + 6.5 * DAY, actor="ana")
        session.commit()
    request = BacktestRequest(_active_definition_of(gated), step_days=1)

    report = backtest(gated, request, clock=FixedClock(START + 10 * DAY))

    # Only the day-6 checkpoint had a model: ann was handed off then, dan's demo came
    # when no model gave a prediction (the gate on it stayed shut).
    assert _summary(report)["sales-ready"] == (1, 1)
    changed_nothing = report.section("changed leads").rows
    assert changed_nothing == ()
    assert not any("cannot be loaded" in note for note in report.notes)


def test_a_backtest_notes_a_model_it_cannot_load_and_predicts_nothing_with_it(
    gated: Engine,  # noqa: F811 - the fixture
    models: Path,
) -> None:
    ids = _people(gated)
    _ask_for_a_demo(gated, ids)
    with Session(gated) as session:
        broken = activate_model(session, models / "v1", now=START, actor="ana").row.id
        session.commit()
    _break(gated, broken)
    request = BacktestRequest(_active_definition_of(gated), step_days=1)

    report = backtest(gated, request, clock=FixedClock(START + 10 * DAY))

    assert _summary(report)["sales-ready"] == (0, 0)
    assert (
        f"learned model {broken} (v1) cannot be loaded here: no prediction while it was active"
        in report.notes
    )


# --- two activations at once -----------------------------------------------------------


def test_two_activations_at_once_on_postgresql_wait_for_each_other(
    engine: Engine, backend: str, models: Path
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time already")
    second_waits_for_first(
        engine,
        lambda one: activate_model(one, models / "v1", now=START, actor="ana"),
        lambda two: activate_model(two, models / "v2", now=START + DAY, actor="bob"),
    )

    with Session(engine) as session:
        assert [(row.version, row.active) for row in stored_models(session)] == [
            (2, True),
            (1, False),
        ]
        assert [(by, closed) for _, _, closed, by, _ in _periods(session)] == [
            ("ana", START + DAY),
            ("bob", None),
        ]
