"""``leadflow rescore``: qualify every contact of the workspace at once, and record it.

In one write transaction: the store is read into frames as of ``at`` (batch/store.py),
every contact is qualified with the active definition by the batch engine (the same
verdicts as the real-time engine), leads move forward by the lifecycle's rules, and
qualifications and stage transitions are written back (batch/writeback.py).

The transaction keeps concurrent writers out of the qualifications while it runs:
SQLite's ``BEGIN IMMEDIATE`` holds the database's write lock, PostgreSQL takes a
``SHARE ROW EXCLUSIVE`` lock on ``qualifications`` (readers go on; the real-time path
waits, then folds its event into the state as usual). A rescore is the tool for a
changed definition or for scores that decayed since the last event: the real-time
path qualifies a contact only when an event arrives.

Parquet exports are rescored without a store: ``rescore_parquet`` writes the verdicts
to a Parquet file instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.batch.frames import micros
from leadflow.batch.lifecycle import advance_all, stage_codes
from leadflow.batch.parquet import ParquetWorld
from leadflow.batch.qualify import properties_read, qualify_frames, qualify_partitions
from leadflow.batch.store import read_store
from leadflow.batch.writeback import write_back
from leadflow.definition.model import Definition
from leadflow.domain.clock import Clock, ensure_utc
from leadflow.services.definitions import active_definition
from leadflow.services.prediction import frame_predictions
from leadflow.store.database import serialise_writers, writer
from leadflow.store.models import Contact, Qualification

__all__ = ["RescoreError", "Rescored", "rescore", "rescore_parquet"]


class RescoreError(ValueError):
    """A rescore that cannot run as asked; the message is one line."""


@dataclass(frozen=True, slots=True)
class Rescored:
    at: datetime
    contacts: int
    events: int
    sales_ready: int
    moved_to: Mapping[str, int] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)  # read, score, write
    # The active model's scored contacts differ from its training leads (learn/drift.py).
    drift: str | None = None


def rescore(engine: Engine, *, clock: Clock, at: datetime | None = None) -> Rescored:
    """Qualify every contact at ``at`` (default: now) and write the result back."""
    now = clock.now()
    moment = _moment(at, now)
    timings: dict[str, float] = {}
    drift: list[str] = []
    with writer(engine).connect() as connection, connection.begin():
        serialise_writers(connection, "qualifications")
        with Session(bind=connection) as session:
            active = active_definition(session)
            if at is not None:
                _refuse_going_back(session, moment)
        started = time.perf_counter()
        frames = read_store(connection, as_of=moment)
        timings["read"] = time.perf_counter() - started
        if active.model is not None:  # the active learned model fills ``prediction``
            started = time.perf_counter()
            frames = frame_predictions(
                connection, active.model, frames, moment, on_drift=drift.append
            )
            timings["predict"] = time.perf_counter() - started
        started = time.perf_counter()
        result = qualify_frames(active.definition, frames.contacts, frames.events, moment)
        current = stage_codes(frames.stage, active.definition.stage_ids)
        # A rescore is the explicit step after a definition change: leads standing in a
        # stage the active definition no longer has move to where it places them.
        moves = advance_all(current, frames.recycled_us, result, leave_retired=True)
        timings["score"] = time.perf_counter() - started
        started = time.perf_counter()
        written = write_back(
            connection,
            result,
            moves,
            frames.stage,
            frames.events,
            version_id=active.version_id,
            updated_at=now,
        )
        timings["write"] = time.perf_counter() - started
    return Rescored(
        moment,
        result.size,
        frames.events.size,
        int(result.sales_ready.sum()),
        written.moved_to,
        timings,
        drift[0] if drift else None,
    )


def rescore_parquet(folder: Path, definition: Definition, out: Path, *, at: datetime) -> Rescored:
    """Qualify a Parquet export (the demo world's layout) and write the verdicts to ``out``."""
    moment = ensure_utc(at)
    try:
        world = ParquetWorld(folder)
        started = time.perf_counter()
        contacts = world.contacts()
        blocks = world.blocks(properties_read(definition))
        result = qualify_partitions(definition, contacts, blocks, moment)
    except (FileNotFoundError, KeyError) as error:
        raise RescoreError(f"{folder} is not a Parquet export leadflow can read: {error}") from None
    scored = time.perf_counter() - started
    pq.write_table(result.to_arrow(), out)
    return Rescored(moment, result.size, -1, int(result.sales_ready.sum()), {}, {"score": scored})


def _refuse_going_back(session: Session, moment: datetime) -> None:
    """A moment before a stored verdict would overwrite it with an older one: the scores,
    grade and sales-ready flag every page and report reads as current would go back in
    time (the real-time path never moves a contact's clock back either)."""
    newest = session.scalar(
        select(func.max(Qualification.qualified_at))
        .join(Contact, Contact.id == Qualification.contact_id)
        .where(Contact.merged_into_id.is_(None))
    )
    if newest is not None and micros(ensure_utc(newest)) > micros(moment):
        raise RescoreError(
            f"--at {moment.isoformat()} is before the latest qualification "
            f"({ensure_utc(newest).isoformat()}): the contacts' current verdicts would be "
            "replaced by older ones; give that moment or a later one"
        )


def _moment(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    moment = ensure_utc(at)
    if micros(moment) > micros(now):
        raise RescoreError(f"--at {moment.isoformat()} is in the future; give a past moment")
    return moment
