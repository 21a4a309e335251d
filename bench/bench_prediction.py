"""What an active learned model costs: per contact in a rescore, per event in real time.

    python -m bench prediction                               # 20,000-contact world
    python -m bench.bench_prediction --contacts 100000 --people 2000 --measure 3000

A demo world (seed 1, Parquet, kept under the system's temporary folder for the next
run) gives a model: trained on its closed leads as ``leadflow learn model --world``
does (auto learner, calibrated, one thread, ``rep`` dropped as docs/learning.md
advises for a model that gates hand-offs). Then:

    batch       ``batch.prediction.predict_frames`` on every contact of the world at its
                end, frames from Parquet: CPU and wall seconds, and per contact
    real time   a fresh SQLite workspace (waterfall), ``--people`` contacts with personas
                drawn from the model's own categories and ``--history`` events each,
                then ``--measure`` events recorded through an EventRecorder (a commit
                per event) without and with the model, in alternating rounds; CPU and
                wall microseconds per event, median of the rounds

CPU time is the process's (time.process_time); on a shared machine wall time also
measures the neighbours.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bench.bench_rescore import _timed, _world
from leadflow.batch.parquet import ParquetWorld
from leadflow.batch.prediction import predict_frames
from leadflow.demo import WorldConfig
from leadflow.domain.clock import FixedClock
from leadflow.learn.artifact import save_model
from leadflow.learn.predictive import ScoringModel, compute_threads, train_model
from leadflow.learn.scoring import ModelScorer, activity_card, card_assets
from leadflow.learn.sources import LeadSource, read_leads
from leadflow.services.definitions import active_definition
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.services.prediction import activate_model
from leadflow.services.workspace import init_workspace
from leadflow.store.database import make_engine
from leadflow.store.models import Contact

KINDS = ("page_view", "page_view", "email_click", "content_download", "demo_request")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench prediction", description=__doc__)
    parser.add_argument("--contacts", type=int, default=20_000, help="contacts in the world")
    parser.add_argument("--world", type=Path, help="folder of the Parquet world (made if empty)")
    parser.add_argument("--people", type=int, default=1_000, help="real-time contacts")
    parser.add_argument("--history", type=int, default=10, help="events per real-time contact")
    parser.add_argument("--measure", type=int, default=2_000, help="events per measured round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    folder = _world(args.contacts, args.world)
    model, seconds = _model(folder)
    scorer = ModelScorer(model, 1, card_assets({"activity": activity_card(None)}))
    print(f"model: {model.learner.value}, {len(model.encoder.features)} features, {seconds:.1f} s")
    with compute_threads(1):
        _batch(folder, args.contacts, scorer)
        _real_time(model, args)


def _model(folder: Path) -> tuple[ScoringModel, float]:
    table = read_leads(LeadSource(world=folder, drop=("rep",)))
    with compute_threads(1):
        model, _, cpu = _timed(lambda: train_model(table, seed=0))
    return model, cpu


def _batch(folder: Path, size: int, scorer: ModelScorer) -> None:
    world = ParquetWorld(folder)
    contacts, events = world.contacts(), world.events(("asset",))
    table = pq.read_table(folder / "contacts.parquet", columns=["contact", "created_at"])
    table = table.take(pc.sort_indices(table["contact"]))  # the rows of ``contacts()``
    text = pc.replace_substring(table["created_at"].cast("string"), "Z", "")  # UTC
    created = text.cast("timestamp[us]").cast("int64")
    created_us = np.asarray(created.to_numpy(), dtype=np.int64)
    now = WorldConfig(size, 1).window_end
    predicted, wall, cpu = _timed(lambda: predict_frames(scorer, contacts, events, created_us, now))
    print(
        f"batch      {contacts.size:,} contacts, {events.size:,} events: {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU ({cpu / contacts.size * 1e6:.1f} µs CPU per contact); "
        f"mean prediction {float(predicted.mean()):.3f}"
    )


def _real_time(model: ScoringModel, args: argparse.Namespace) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        url = f"sqlite:///{folder / 'leadflow.db'}"
        start = WorldConfig(args.contacts, 1).window_end - timedelta(days=120)
        init_workspace(folder / "ws", preset="waterfall", database_url=url, now=start)
        engine = make_engine(url)
        saved = save_model(folder / "models", model, {"activity": activity_card(None)}, now=start)
        with Session(engine) as session:
            plain = active_definition(session)
            activate_model(session, saved.path, now=start)
            session.commit()
            predicting = active_definition(session)
        plain = replace(plain, model=None)
        emails = [f"p{n}@{rng.choice(['gmail.com', 'firm.example'])}" for n in range(args.people)]
        clock = FixedClock(start)
        moment = start
        with EventRecorder(engine, plain, clock) as recorder:
            for _ in range(args.history):
                for email in emails:
                    moment += timedelta(seconds=37)
                    recorder.record(_event(rng, email, moment))
        _personas(engine, model, rng)
        print(
            f"real time  {args.people:,} contacts with {args.history} events each; "
            f"{args.measure:,} events per round, {args.rounds} rounds"
        )
        figures: dict[str, list[tuple[float, float]]] = {"no model": [], "model": []}
        for _ in range(args.rounds):
            for name, active in (("no model", plain), ("model", predicting)):
                batch = []
                for _ in range(args.measure):
                    moment += timedelta(seconds=11)
                    batch.append(_event(rng, rng.choice(emails), moment))
                with EventRecorder(engine, active, clock) as recorder:
                    wall, cpu = _record_all(recorder, batch)
                figures[name].append((wall / args.measure * 1e6, cpu / args.measure * 1e6))
        for name, rounds in figures.items():
            wall = statistics.median(w for w, _ in rounds)
            cpu = statistics.median(c for _, c in rounds)
            print(f"  {name:9s} {wall:8.0f} µs wall {cpu:8.0f} µs CPU per event (median)")
        engine.dispose()


def _record_all(recorder: EventRecorder, batch: list[IncomingEvent]) -> tuple[float, float]:
    """Wall and CPU seconds to record ``batch``, one event (and commit) at a time."""
    wall, cpu = time.perf_counter(), time.process_time()
    for event in batch:
        recorder.record(event)
    return time.perf_counter() - wall, time.process_time() - cpu


def _event(rng: random.Random, email: str, moment: datetime) -> IncomingEvent:
    kind = rng.choice(KINDS)
    props = {"asset": "pricing-spec-sheet.pdf"} if kind == "content_download" else {}
    return IncomingEvent(kind, moment, email=email, properties=props)


def _personas(engine: Engine, model: ScoringModel, rng: random.Random) -> None:
    """Seniority, department, country and channel drawn from the model's own categories."""
    columns = {
        "contact.seniority": "seniority",
        "contact.department": "department",
        "contact.country": "country",
        "source.channel": "source_channel",
    }
    labels = {
        columns[spec.path]: spec.labels
        for spec in model.encoder.features
        if spec.path in columns and spec.labels
    }
    with Session(engine) as session:
        for contact_id in session.scalars(select(Contact.id)).all():
            values = {column: rng.choice(choices) for column, choices in labels.items()}
            session.execute(update(Contact).where(Contact.id == contact_id).values(**values))
        session.commit()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
