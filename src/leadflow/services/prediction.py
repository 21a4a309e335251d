"""The workspace's active learned model: activate a saved version, fill ``Facts.prediction``.

``leadflow learn model`` saves model versions as files (learn/artifact.py). Activating
one stores it whole in the workspace (``prediction_models``: its card and its pickle,
identified by the pickle's SHA-256) and makes it the single active model; from then on

* the real-time path (services/requalify.py) gives each contact it qualifies the
  model's calibrated win probability at the qualification moment (``person_prediction``),
* ``leadflow rescore`` gives every contact the same, predicted all at once
  (``frame_predictions``, batch/prediction.py),
* the explanation (services/contact_qualification.py) shows it,

so a definition may gate on it (``prediction >= 0.3``). Deactivating leaves
``prediction`` missing again, and a condition on it false.

Each activation and deactivation also closes the open period of
``prediction_model_activations`` and opens the next, in the same transaction, so the
back-test can replay every moment with the model that was active then
(``activation_periods``). On PostgreSQL an activation first locks ``prediction_models``
against other activations: two at once would otherwise both find the same model active
and the second would break the single-active index (a server error, not an answer).

The active model is read with the active definition (``ActiveDefinition.model``: its id
and digest), so with no model active the real-time path pays nothing. A model is
unpickled once per process and digest and kept (``model_scorer``); never at import time.
A model that cannot be loaded here (say, after a scikit-learn upgrade) is reported once
in the log and leaves predictions missing, so events keep being recorded.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session, defer

from leadflow.domain.facts import Event, Facts
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.store.database import serialise_writers
from leadflow.store.driver import Driver, driver_for
from leadflow.store.models import PredictionModel, PredictionModelActivation
from leadflow.store.realtime import RealtimeStore

if TYPE_CHECKING:  # scikit-learn is imported only when a model is used
    from leadflow.batch.store import StoreFrames
    from leadflow.learn.scoring import ModelScorer

__all__ = [
    "Activated",
    "ModelRef",
    "Period",
    "activate_model",
    "activate_stored_model",
    "activation_history",
    "activation_periods",
    "active_model",
    "deactivate_model",
    "frame_predictions",
    "model_row",
    "model_scorer",
    "person_prediction",
    "stored_models",
]

_log = logging.getLogger(__name__)
_KEEP = 4  # scorers kept per process (a few versions, when several workspaces share one)


@dataclass(frozen=True, slots=True)
class ModelRef:
    """Which stored model is active: its row and the SHA-256 of its pickle."""

    id: int
    digest: str


@dataclass(frozen=True, slots=True)
class Activated:
    row: PredictionModel
    scorer: ModelScorer
    already_active: bool


@dataclass(frozen=True, slots=True)
class Period:
    """A model active from ``start`` until ``stop`` (None: it still is)."""

    model: ModelRef
    version: int
    start: datetime
    stop: datetime | None


def activate_model(
    session: Session, path: Path, *, now: datetime, actor: str | None = None
) -> Activated:
    """Store the model saved at ``path`` (a version folder, or a models root: its latest
    version) if new, and make it the active one. Does not commit.

    The model is unpickled and checked first (LearnInputError when it is not a leadflow
    model); the same pickle stored before is re-activated, not stored twice."""
    from leadflow.learn.artifact import read_model_files
    from leadflow.learn.scoring import scorer_of

    folder, card, pickled = read_model_files(path)
    scorer = scorer_of(pickled, card, where=str(folder))
    digest = hashlib.sha256(pickled).hexdigest()
    serialise_writers(session, "prediction_models")
    stored = session.scalars(
        select(PredictionModel).where(PredictionModel.digest == digest)
    ).one_or_none()
    if stored is not None and stored.active:
        return Activated(stored, scorer, already_active=True)
    if stored is None:
        stored = PredictionModel(
            digest=digest,
            version=scorer.version,
            source=str(folder.resolve())[:1000],
            learner=str(card.get("learner", scorer.model.learner.value))[:50],
            card=card,
            model=pickled,
            created_at=now,
        )
        session.add(stored)
    _make_active(session, stored, now, actor)
    _remember(digest, scorer)
    return Activated(stored, scorer, already_active=False)


def activate_stored_model(
    session: Session, model_id: int, *, now: datetime, actor: str | None = None
) -> Activated:
    """Make the stored model ``model_id`` the active one again. Does not commit.

    NotFoundError when no model has that id; ConflictError when it cannot be loaded
    here (it would leave every prediction missing while it is active)."""
    from leadflow.learn.errors import LearnInputError
    from leadflow.learn.scoring import scorer_of

    serialise_writers(session, "prediction_models")
    stored = session.get(PredictionModel, model_id)
    if stored is None:
        raise NotFoundError(f"no stored model with id {model_id}")
    try:
        scorer = scorer_of(stored.model, stored.card, where=f"stored model {model_id}")
    except LearnInputError as error:
        raise ConflictError(f"stored model {model_id} cannot be loaded here: {error}") from None
    already_active = stored.active
    if not already_active:
        _make_active(session, stored, now, actor)
    _remember(stored.digest, scorer)
    return Activated(stored, scorer, already_active=already_active)


def deactivate_model(
    session: Session, *, now: datetime, actor: str | None = None
) -> PredictionModel | None:
    """No active model any more (the one that was, or None). Does not commit."""
    serialise_writers(session, "prediction_models")
    found = session.scalars(
        select(PredictionModel).options(defer(PredictionModel.model)).where(PredictionModel.active)
    ).one_or_none()
    if found is not None:
        found.active = False
        _close_period(session, now, actor)
        session.flush()
    return found


def model_row(session: Session, model_id: int) -> PredictionModel:
    """The stored model ``model_id``, without its pickle (NotFoundError when unknown)."""
    found = session.scalars(
        select(PredictionModel)
        .options(defer(PredictionModel.model))
        .where(PredictionModel.id == model_id)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"no stored model with id {model_id}")
    return found


def stored_models(session: Session) -> list[PredictionModel]:
    """Every stored model, newest first, without their pickles."""
    query = (
        select(PredictionModel)
        .options(defer(PredictionModel.model))
        .order_by(PredictionModel.id.desc())
    )
    return list(session.scalars(query))


def activation_history(
    session: Session,
) -> list[tuple[PredictionModelActivation, int]]:
    """Every activation period with its model's version, the latest first."""
    query = (
        select(PredictionModelActivation, PredictionModel.version)
        .join(PredictionModel, PredictionModel.id == PredictionModelActivation.model_id)
        .order_by(
            PredictionModelActivation.activated_at.desc(), PredictionModelActivation.id.desc()
        )
    )
    return [(period, int(version)) for period, version in session.execute(query).tuples()]


def activation_periods(connection: Connection) -> list[Period]:
    """Every activation period, oldest first, as the back-test reads them."""
    query = (
        select(PredictionModelActivation, PredictionModel)
        .options(defer(PredictionModel.model), defer(PredictionModel.card))
        .join(PredictionModel, PredictionModel.id == PredictionModelActivation.model_id)
        .order_by(PredictionModelActivation.activated_at, PredictionModelActivation.id)
    )
    with Session(bind=connection) as session:
        rows = session.execute(query).tuples()
        return [
            Period(
                ModelRef(model.id, model.digest), model.version, at.activated_at, at.deactivated_at
            )
            for at, model in rows
        ]


def active_model(session: Session) -> ModelRef | None:
    row = session.execute(
        select(PredictionModel.id, PredictionModel.digest).where(PredictionModel.active)
    ).one_or_none()
    return None if row is None else ModelRef(int(row[0]), str(row[1]))


def _make_active(
    session: Session, stored: PredictionModel, now: datetime, actor: str | None
) -> None:
    """``stored`` the active model from ``now``: the open period closed, a new one opened."""
    session.execute(update(PredictionModel).where(PredictionModel.active).values(active=False))
    _close_period(session, now, actor)
    stored.active = True
    stored.activated_at = now
    stored.activated_by = actor
    session.flush()  # the new model's id, for its period
    session.add(PredictionModelActivation(model_id=stored.id, activated_at=now, activated_by=actor))
    session.flush()


def _close_period(session: Session, now: datetime, actor: str | None) -> None:
    session.execute(
        update(PredictionModelActivation)
        .where(PredictionModelActivation.deactivated_at.is_(None))
        .values(deactivated_at=now, deactivated_by=actor)
    )


# Scoring -----------------------------------------------------------------------------

_scorers: OrderedDict[str, ModelScorer | None] = OrderedDict()
_lock = threading.Lock()


def model_scorer(driver: Driver, ref: ModelRef) -> ModelScorer | None:
    """The active model, unpickled once per process (None: it cannot be loaded here)."""
    with _lock:
        if ref.digest in _scorers:
            _scorers.move_to_end(ref.digest)
            return _scorers[ref.digest]
    scorer = _load(driver, ref)
    _remember(ref.digest, scorer)
    return scorer


def person_prediction(
    store: RealtimeStore, ref: ModelRef, contact_id: int, facts: Facts, at: datetime
) -> Facts:
    """``facts`` with the model's probability for this contact at ``at`` (unchanged when
    the model cannot be loaded). Reads the contact's events and creation time when the
    model's features need them; ``facts.events`` is left as it was."""
    scorer = model_scorer(store.driver, ref)
    if scorer is None:
        return facts
    created_at, events = _history(store.driver, contact_id, scorer)
    probability = scorer.predict_person(replace(facts, events=events), at, created_at=created_at)
    return replace(facts, prediction=probability)


def frame_predictions(
    connection: Connection,
    ref: ModelRef,
    frames: StoreFrames,
    at: datetime,
    *,
    on_drift: Callable[[str], None] | None = None,
) -> StoreFrames:
    """``frames`` with every contact's probability at ``at`` in the prediction column.

    ``on_drift`` hears one line when the contacts scored differ from the leads the model
    learned on (learn/drift.py)."""
    import numpy as np

    from leadflow.batch.frames import MISSING_TIME
    from leadflow.batch.prediction import predict_frames
    from leadflow.batch.store import side_table
    from leadflow.learn.drift import Tally

    scorer = model_scorer(driver_for(connection), ref)
    if scorer is None:
        return frames
    contacts = frames.contacts
    created = np.full(contacts.size, MISSING_TIME, dtype=np.int64)
    if scorer.reads_created_at:
        known = side_table(
            connection,
            at,
            "SELECT id, {created_at} FROM contacts WHERE merged_into_id IS NULL ORDER BY id",
            contacts.ids,
            ("created_at",),
        )
        created[known.rows] = known.times("created_at")
    tally = Tally(scorer.population, scorer.model.encoder) if on_drift else None
    predicted = predict_frames(scorer, contacts, frames.events, created, at, tally=tally)
    line = tally.line() if tally is not None else None
    if on_drift is not None and line is not None:
        on_drift(line)
    return replace(frames, contacts=replace(contacts, prediction=predicted))


def _remember(digest: str, scorer: ModelScorer | None) -> None:
    with _lock:
        _scorers[digest] = scorer
        _scorers.move_to_end(digest)
        while len(_scorers) > _KEEP:
            _scorers.popitem(last=False)


def _load(driver: Driver, ref: ModelRef) -> ModelScorer | None:
    from leadflow.learn.errors import LearnInputError
    from leadflow.learn.scoring import scorer_of

    row = driver.one("SELECT model, card FROM prediction_models WHERE id = :id", {"id": ref.id})
    if row is None:
        _log.warning("prediction model %s is gone; predictions are left missing", ref.id)
        return None
    pickled = bytes(row[0])
    if hashlib.sha256(pickled).hexdigest() != ref.digest:
        _log.warning("prediction model %s does not match its digest; not used", ref.id)
        return None
    try:
        return scorer_of(pickled, driver.read_document(row[1]), where=f"prediction model {ref.id}")
    except LearnInputError as error:
        _log.warning("%s; predictions are left missing", error)
        return None


# The events' ``asset`` only when it is text (what a product-specific download can be):
# the whole properties document need not be decoded for it.
_ASSET = {
    "sqlite": "CASE WHEN json_type(e.properties, '$.asset') = 'text'"
    " THEN json_extract(e.properties, '$.asset') END",
    "postgresql": "CASE WHEN jsonb_typeof(e.properties->'asset') = 'string'"
    " THEN e.properties->>'asset' END",
}
_HISTORY = (
    "SELECT c.created_at, e.type, e.at, {asset} FROM contacts c"
    " LEFT JOIN events e ON e.contact_id = c.id WHERE c.id = :id ORDER BY e.at, e.id"
)


def _history(
    driver: Driver, contact_id: int, scorer: ModelScorer
) -> tuple[datetime | None, tuple[Event, ...]]:
    """When the contact became known and its events, as far as the model reads them."""
    if scorer.reads_events:
        rows = driver.all(_HISTORY.format(asset=_ASSET[driver.dialect]), {"id": contact_id})
        created = driver.read_instant(rows[0][0]) if rows else None
        events = tuple(
            Event(kind, driver.read_instant(at), {} if asset is None else {"asset": asset})
            for _, kind, at, asset in rows
            if kind is not None
        )
        return created, events
    if scorer.reads_created_at:
        value = driver.scalar("SELECT created_at FROM contacts WHERE id = :id", {"id": contact_id})
        return (None if value is None else driver.read_instant(value)), ()
    return None, ()
