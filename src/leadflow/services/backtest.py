"""``leadflow backtest CANDIDATE.yaml``: try a changed definition on history before it goes live.

Reads the store once (up to ``--to``, not included, as the reports do; default now),
replays the period under the
active definition and under the candidate (analytics/backtest.py) at checkpoints every
``step_days``, and compares what each would have handed to sales with what was won.

Both replays read, at each checkpoint, the prediction of the learned model that was
active at that moment (``prediction_model_activations``): none active then, no
prediction; a model that cannot be loaded here, no prediction either and a note in the
report saying so, rather than a back-test that fails. A model activated before its
periods were kept (migration 0008) counts as active from its latest activation only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine
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
from leadflow.services.prediction import Period, activation_periods, model_scorer
from leadflow.store.driver import driver_for

if TYPE_CHECKING:
    from leadflow.learn.scoring import ModelScorer

__all__ = ["BacktestError", "BacktestRequest", "backtest", "unloadable_note"]

DEFAULT_STEP_DAYS = 7.0
_MOMENT = timedelta(microseconds=1)  # the store's resolution


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
    # A given --to is the end of the period, not part of it, as in the reports: the store
    # is read up to the moment before it (what a CRM export dates at that midnight
    # belongs to the next period). Without one, what was recorded just now is seen.
    seen = stop - _MOMENT if request.stop is not None else stop
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            active = active_definition(session).definition
        history = read_history(connection, as_of=seen)
        start = _start(request.start, history.created_us, stop, given=request.stop is not None)
        models = _models(connection, activation_periods(connection), start, micros(stop))
        won = side_table(
            connection, seen,
            # A company's deal (imported, no contact) is no lead's outcome.
            "SELECT contact_id, {closed_at} FROM opportunities WHERE status = 'won'"
            " AND contact_id IS NOT NULL AND closed_at <= :as_of ORDER BY closed_at, id",
            history.frames.contacts.ids, ("closed_at",),
        )  # fmt: skip
    won_us = np.full(history.frames.contacts.size, NEVER, dtype=np.int64)
    closed = won.times("closed_at")
    np.minimum.at(won_us, won.rows, closed)
    step = int(timedelta(days=request.step_days) // timedelta(microseconds=1))
    moments = checkpoints(start, micros(stop), step)
    outcomes = Outcomes(history.frames.contacts.ids, history.created_us, won_us)
    predict = _predictions(models, history) if models.periods else None
    before = replay(history, active, moments, predict=predict)
    after = replay(history, candidate, moments, predict=predict)
    report = compare(before, after, outcomes, as_of_us=micros(stop))
    report = replace(report, notes=(*report.notes, *models.notes(moments)))
    report.parameters.update({"from": instant(start).isoformat(), "step_days": request.step_days})
    return report


@dataclass(frozen=True, slots=True)
class _Models:
    """The activation periods, each with its model as loaded here (None: it cannot be)."""

    periods: tuple[tuple[int, int | None, Period], ...]  # (from µs, until µs or None, ...)
    scorers: dict[int, ModelScorer | None]

    def at(self, moment: int) -> Period | None:
        """The period active at ``moment`` (µs), if any."""
        for start, stop, period in self.periods:
            if start <= moment and (stop is None or moment < stop):
                return period
        return None

    def notes(self, moments: list[int]) -> tuple[str, ...]:
        """One note per model that was active at a checkpoint but cannot be loaded."""
        unloadable = {
            period.model.id: period.version
            for moment in moments
            if (period := self.at(moment)) is not None and self.scorers[period.model.id] is None
        }
        return tuple(unloadable_note(model_id, v) for model_id, v in sorted(unloadable.items()))


def unloadable_note(model_id: int, version: int) -> str:
    """The report's note on a model active at a checkpoint that cannot be loaded here."""
    return (
        f"learned model {model_id} (v{version}) cannot be loaded here: no prediction "
        "while it was active"
    )


def _models(connection: Connection, periods: list[Period], start: int, stop: int) -> _Models:
    """The periods that overlap the replayed span, their models loaded (only those)."""
    spans = tuple(
        (micros(p.start), None if p.stop is None else micros(p.stop), p)
        for p in periods
        if micros(p.start) <= stop and (p.stop is None or micros(p.stop) > start)
    )
    driver = driver_for(connection)
    scorers = {period.model.id: model_scorer(driver, period.model) for *_, period in spans}
    return _Models(spans, scorers)


def _predictions(models: _Models, history: History) -> Predict:
    """At each checkpoint, the probabilities of the model active then (computed once for
    both replays); None when no model was active, or it cannot be loaded here."""
    from leadflow.batch.prediction import predict_frames  # only when a model was active

    done: dict[int, Floats | None] = {}

    def predict(contacts: ContactFrame, moment: int) -> Floats | None:
        if moment not in done:
            period = models.at(moment)
            scorer = None if period is None else models.scorers[period.model.id]
            done[moment] = (
                None
                if scorer is None
                else predict_frames(
                    scorer, contacts, history.frames.events, history.created_us, instant(moment)
                )
            )
        return done[moment]

    return predict


def _start(
    start: datetime | None, created_us: npt.NDArray[np.int64], stop: datetime, *, given: bool
) -> int:
    """The first checkpoint; a --from after --to (now, when none was given) is refused
    naming the moments, in the report's words (services/reports.py)."""
    if start is not None:
        first = micros(ensure_utc(start))
    elif created_us.size and (created_us != NEVER).any():
        first = int(created_us[created_us != NEVER].min())
    else:
        first = micros(stop)
    if first > micros(stop):
        began = instant(first).isoformat()
        if not given:
            raise BacktestError(f"--from {began} is in the future")
        raise BacktestError(f"--from {began} is not before --to {stop.isoformat()}")
    return first
