"""``leadflow backtest CANDIDATE.yaml``: try a changed definition on history before it goes live.

Reads the store once (as of ``--to``, default now), replays the period under the
active definition and under the candidate (analytics/backtest.py) at checkpoints every
``step_days``, and compares what each would have handed to sales with what was won.
With a learned model active, both replays read its prediction at each checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.analytics.backtest import Outcomes, Predict, checkpoints, compare, replay
from leadflow.analytics.journeys import NEVER
from leadflow.analytics.report import Report
from leadflow.batch.frames import ContactFrame, Floats, instant, micros
from leadflow.batch.history import History, read_history
from leadflow.batch.store import side_table
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.domain.clock import Clock, ensure_utc
from leadflow.services.definitions import active_definition
from leadflow.services.prediction import model_scorer
from leadflow.store.driver import driver_for

if TYPE_CHECKING:
    from leadflow.learn.scoring import ModelScorer

__all__ = ["BacktestError", "BacktestRequest", "backtest"]

DEFAULT_STEP_DAYS = 7.0


class BacktestError(ValueError):
    """A back-test that cannot run as asked; the message is one line."""


@dataclass(frozen=True, slots=True)
class BacktestRequest:
    candidate: Path | Definition
    start: datetime | None = None
    stop: datetime | None = None
    step_days: float = DEFAULT_STEP_DAYS


def backtest(engine: Engine, request: BacktestRequest, *, clock: Clock) -> Report:
    """DefinitionError when the candidate file is invalid; BacktestError for bad options."""
    candidate = request.candidate
    if isinstance(candidate, Path):
        candidate = load_definition(candidate)
    now = clock.now()
    stop = ensure_utc(request.stop) if request.stop is not None else now
    if micros(stop) > micros(now):
        raise BacktestError(f"--to {stop.isoformat()} is in the future")
    if not 0 < request.step_days <= 366:
        raise BacktestError(f"--step must be between 0 and 366 days, got {request.step_days:g}")
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            current = active_definition(session)
        active = current.definition
        history = read_history(connection, as_of=stop)
        scorer = None
        if current.model is not None:  # prediction as the active model gave it then
            scorer = model_scorer(driver_for(connection), current.model)
        won = side_table(
            connection, stop,
            "SELECT contact_id, {closed_at} FROM opportunities WHERE status = 'won'"
            " AND closed_at <= :as_of ORDER BY closed_at, id",
            history.frames.contacts.ids, ("closed_at",),
        )  # fmt: skip
    won_us = np.full(history.frames.contacts.size, NEVER, dtype=np.int64)
    closed = won.times("closed_at")
    np.minimum.at(won_us, won.rows, closed)
    start = _start(request.start, history.created_us, stop)
    step = int(timedelta(days=request.step_days) // timedelta(microseconds=1))
    moments = checkpoints(start, micros(stop), step)
    outcomes = Outcomes(history.frames.contacts.ids, history.created_us, won_us)
    predict = None if scorer is None else _predictions(scorer, history)
    before = replay(history, active, moments, predict=predict)
    after = replay(history, candidate, moments, predict=predict)
    report = compare(before, after, outcomes, as_of_us=micros(stop))
    report.parameters.update({"from": instant(start).isoformat(), "step_days": request.step_days})
    return report


def _predictions(scorer: ModelScorer, history: History) -> Predict:
    """The model's probabilities at a checkpoint, computed once for both replays."""
    from leadflow.batch.prediction import predict_frames  # only when a model is active

    done: dict[int, Floats] = {}

    def predict(contacts: ContactFrame, moment: int) -> Floats:
        if moment not in done:
            events = history.frames.events
            done[moment] = predict_frames(scorer, contacts, events, history.created_us,
                                          instant(moment))  # fmt: skip
        return done[moment]

    return predict


def _start(start: datetime | None, created_us: npt.NDArray[np.int64], stop: datetime) -> int:
    if start is not None:
        first = micros(ensure_utc(start))
    elif created_us.size and (created_us != NEVER).any():
        first = int(created_us[created_us != NEVER].min())
    else:
        first = micros(stop)
    if first > micros(stop):
        raise BacktestError("--from must be before --to")
    return first
