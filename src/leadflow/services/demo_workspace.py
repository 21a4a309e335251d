"""Build the demo workspace that ``make run`` serves: a generated world, imported and replayed.

The world ends on the clock's date, so its recent sales actions are recent *now* and the
queue has sales-ready leads. Events are replayed in time order with a clock that follows
them (one batch per day), so stage transitions carry the moment they happened and the
funnel can be rebuilt at any past date, as it would have been live.

A finished build leaves a marker file; building again is a no-op (``make run`` twice
serves the same workspace).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.demo.world import generate_world
from leadflow.domain.clock import Clock, FixedClock
from leadflow.ingest.formats.generic import GENERIC
from leadflow.services import reps
from leadflow.services.definitions import active_definition
from leadflow.services.demo_users import demo_users_text, ensure_demo_users
from leadflow.services.event_import import parse_line
from leadflow.services.events import EventRecorder, IncomingEvent, Rejected
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.rescore import rescore
from leadflow.services.workspace import init_workspace
from leadflow.store.database import make_engine

__all__ = [
    "DEMO_TEAM_ZONES",
    "DemoWorkspace",
    "build_demo_workspace",
    "demo_marker",
    "staff_demo_team",
    "team_key",
]

WORLD_FOLDER = "world"
_MARKER = ".demo-workspace.json"

OnStage = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoWorkspace:
    directory: Path
    built_now: bool  # False: it was there already
    contacts: int
    events_recorded: int
    events_rejected: int
    sales_ready: int


def demo_marker(directory: Path) -> Path:
    return directory / _MARKER


def build_demo_workspace(
    directory: Path,
    *,
    database_url: str,
    clock: Clock,
    contacts: int = 1500,
    seed: int = 7,
    preset: str = "waterfall",
    on_stage: OnStage | None = None,
) -> DemoWorkspace:
    """Generate, initialise and replay the demo world into ``directory`` (once)."""
    marker = demo_marker(directory)
    say = on_stage or (lambda _: None)
    if marker.exists():
        say(demo_users_text())  # web users (issue 6): made with the workspace, below
        return DemoWorkspace(directory, False, **json.loads(marker.read_text("utf-8")))
    now = clock.now()
    say(f"generating a world of {contacts} contacts (seed {seed})")
    world = generate_world(directory / WORLD_FOLDER, contacts, seed, end=now.date(), overwrite=True)
    say("creating the workspace and migrating its database")
    init_workspace(directory, preset=preset, database_url=database_url, now=now)
    engine = make_engine(database_url)
    try:
        # Companies first: contacts then link to them by their e-mail domain.
        say("importing accounts")
        import_accounts(engine, world.out_dir / "accounts.csv", clock=clock)
        say("importing contacts")
        import_contacts(
            engine, world.out_dir / "contacts.csv", ImportOptions(layout=GENERIC), clock=clock
        )
        say("staffing the sales team")
        staff_demo_team(engine, world.out_dir / "reps.csv", now)
        say("replaying events in time order")
        recorded, rejected = _replay(engine, world.out_dir / "events.jsonl")
        # Set-based, as of now: contacts who never acted (outbound lists, purchased
        # leads) get a qualification too, and sales-readiness is as of today.
        say("qualifying every contact as of now")
        ready = rescore(engine, clock=clock).sales_ready
        ensure_demo_users(engine, now)  # web users (issue 6), passwords in docs/web.md
    finally:
        engine.dispose()
    figures = {
        "contacts": contacts,
        "events_recorded": recorded,
        "events_rejected": rejected,
        "sales_ready": ready,
    }
    marker.write_text(json.dumps(figures, sort_keys=True), encoding="utf-8")
    say(demo_users_text())
    return DemoWorkspace(directory, True, **figures)


# The demo world's teams and the time zones they work in (the presets route to these keys).
DEMO_TEAM_ZONES: dict[str, str] = {
    "benelux": "Europe/Amsterdam",
    "dach": "Europe/Berlin",
    "nordics": "Europe/Oslo",
    "uk_ireland": "Europe/London",
    "france": "Europe/Paris",
    "southern_europe": "Europe/Madrid",
    "cee": "Europe/Warsaw",
    "north_america": "America/New_York",
}


def team_key(name: str) -> str:
    """ "UK & Ireland" -> "uk_ireland", as the presets' routing rules name teams."""
    return "_".join(name.lower().replace("&", " ").split())


def staff_demo_team(engine: Engine, reps_file: Path, now: datetime) -> None:
    """The demo world's teams (office hours in their own zone) and reps from reps.csv."""
    with Session(engine) as session:
        for key, zone in DEMO_TEAM_ZONES.items():
            reps.add_team(
                session, key=key, name=None, zone=zone, working_hours="mon-fri 09:00-17:00", now=now
            )
        with reps_file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                reps.add_rep(
                    session,
                    key=row["rep_id"],
                    name=row["name"],
                    email=row["email"],
                    team_key=team_key(row["team"]),
                    capacity=int(row["capacity"]),
                    now=now,
                )


def _replay(engine: Engine, events_file: Path) -> tuple[int, int]:
    """Record every event with the clock at its day's last event; count the outcomes."""
    with Session(engine) as session:
        active = active_definition(session)
    replay_clock = FixedClock(_first_instant(events_file))
    recorded = rejected = 0
    with EventRecorder(engine, active, replay_clock) as recorder:
        for day in _days(events_file):
            replay_clock.current = day[-1].at
            for outcome in recorder.record_batch(day):
                if isinstance(outcome, Rejected):
                    rejected += 1
                else:
                    recorded += 1
    return recorded, rejected


def _first_instant(events_file: Path) -> datetime:
    for event in _events(events_file):
        return event.at
    raise ValueError(f"{events_file} holds no events")


def _days(events_file: Path) -> Iterator[list[IncomingEvent]]:
    """Events grouped by UTC day, in file order (the generator sorts them by time)."""
    batch: list[IncomingEvent] = []
    for event in _events(events_file):
        if batch and event.at.date() != batch[-1].at.date():
            yield batch
            batch = []
        batch.append(event)
    if batch:
        yield batch


def _events(events_file: Path) -> Iterator[IncomingEvent]:
    with events_file.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield parse_line(line)
