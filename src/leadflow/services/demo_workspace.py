"""Build the demo workspace that ``make run`` serves: a generated world, imported and replayed.

The world ends on the clock's date, so its recent sales actions are recent *now* and the
queue has sales-ready leads. Its events and its sales team's work are replayed together
in time order (services/demo_sales.py) with a clock that follows them, up to now: stage
transitions, hand-offs, answers, attempts and deals carry the moment they happened, so
the funnel, channel and alignment reports can be rebuilt at any past date, as they
would have been live.

A finished build leaves a marker file; building again is a no-op (``make run`` twice
serves the same workspace).
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.demo.world import generate_world
from leadflow.domain.clock import Clock, parse_instant
from leadflow.ingest.formats.generic import GENERIC
from leadflow.services import reps
from leadflow.services.demo_sales import replay_world
from leadflow.services.demo_users import demo_users_text, ensure_demo_users
from leadflow.services.form_config import FORMS_FILE
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.rescore import rescore
from leadflow.services.workspace import DEFINITION_FILE, init_workspace
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade
from leadflow.store.models import Contact, Handoff, Opportunity

__all__ = [
    "DEMO_DEFINITION",
    "DEMO_FORMS",
    "DEMO_TEAM_ZONES",
    "DemoWorkspace",
    "build_demo_workspace",
    "demo_marker",
    "load_demo_world",
    "own_demo_accounts",
    "staff_demo_team",
    "team_key",
]

WORLD_FOLDER = "world"
_MARKER = ".demo-workspace.json"

# The demo company's own definition: the waterfall preset, with the sales actions its
# sales team answers. In the demo world a contact-us form is a general enquiry, as common
# as a download; its sales team takes only requests for a demo, a trial, a quote, a call
# or a meeting (and their forms). With the preset's contact-us rule, most leads handed
# off would be ones that team never gets: the replay rejects those as not ready
# (services/demo_sales.py), and they would swamp the team's own answers.
DEMO_DEFINITION = """\
# The demo company's funnel: the waterfall preset, with its sales team's sales actions.
schema_version: 1
name: kestrel
version: "1"
extends: waterfall
description: >-
  Kestrel Analytics (the demo world): the waterfall preset; a contact-us form is a
  general enquiry, not a request to talk to sales.
sales_actions:
  within_days: 30
  actions:
    - event: [demo_request, trial_start, quote_request, call_request, meeting_booked]
    - {event: form_submit, where: {form: "*demo*"}}
    - {event: form_submit, where: {form: "*trial*"}}
    - {event: form_submit, where: {form: "*quote*"}}
    - {event: form_submit, where: {form: "*callback*"}}
"""

# The demo company's website: its demo-request form, and page views from the example
# site in examples/website/ (served on port 8080, docs/demo.md says how).
DEMO_SITE = "http://localhost:8080"
DEMO_FORMS = f"""\
# Kestrel Analytics' website (docs/api.md, "The website snippet"). Try it with the
# example site: python -m http.server 8080 --directory examples/website
forms:
  demo-request:
    event: demo_request
    thank_you_url: {DEMO_SITE}/thanks.html
    fields:
      email: email
      first_name: first_name
      last_name: last_name
      company: company
tracking:
  origins: [{DEMO_SITE}]
  require_consent: true
"""

OnStage = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoWorkspace:
    directory: Path
    built_now: bool  # False: it was there already
    contacts: int
    events_recorded: int
    events_rejected: int
    sales_ready: int
    # The sales side (zero in a marker written before the sales team was replayed).
    handed_off: int = 0
    accepted: int = 0
    rejected: int = 0
    won: int = 0


def demo_marker(directory: Path) -> Path:
    return directory / _MARKER


def build_demo_workspace(
    directory: Path,
    *,
    database_url: str,
    clock: Clock,
    contacts: int = 1500,
    seed: int = 7,
    preset: str | None = None,
    on_stage: OnStage | None = None,
    address: str = "http://127.0.0.1:8000",
) -> DemoWorkspace:
    """Generate, initialise and replay the demo world into ``directory`` (once).

    ``preset`` None gives the workspace the demo company's definition (DEMO_DEFINITION);
    a preset name gives it that preset as it is. ``address`` is where it will be served,
    for the line that says where to sign in.
    """
    marker = demo_marker(directory)
    say = on_stage or (lambda _: None)
    if marker.exists():
        _migrate(database_url)  # built by an older leadflow: `serve` wants the newest schema
        say(demo_users_text(address))  # web users (issue 6): made with the workspace, below
        return DemoWorkspace(directory, False, **json.loads(marker.read_text("utf-8")))
    now = clock.now()
    say(f"generating a world of {contacts} contacts (seed {seed})")
    world = generate_world(directory / WORLD_FOLDER, contacts, seed, end=now.date(), overwrite=True)
    say("creating the workspace and migrating its database")
    definition = directory / DEFINITION_FILE
    if preset is None and not definition.exists():
        definition.write_text(DEMO_DEFINITION, encoding="utf-8")
    if not (directory / FORMS_FILE).exists():
        (directory / FORMS_FILE).write_text(DEMO_FORMS, encoding="utf-8")
    init_workspace(directory, preset=preset, database_url=database_url, now=now)
    engine = make_engine(database_url)
    try:
        load_demo_world(engine, world.out_dir, clock, say, known_by=now)
        say("replaying events and the sales team's work in time order")
        replayed = replay_world(engine, world.out_dir, until=now)
        # Set-based, as of now: contacts who never acted (outbound lists, purchased
        # leads) get a qualification too, and sales-readiness is as of today.
        say("qualifying every contact as of now")
        ready = rescore(engine, clock=clock).sales_ready
        ensure_demo_users(engine, now)  # web users (issue 6), passwords in docs/web.md
        figures = {
            "contacts": _contact_count(engine),
            "events_recorded": replayed.events_recorded,
            "events_rejected": replayed.events_rejected,
            "sales_ready": ready,
            **_sales_figures(engine),
        }
    finally:
        engine.dispose()
    marker.write_text(json.dumps(figures, sort_keys=True), encoding="utf-8")
    say(demo_users_text(address))
    return DemoWorkspace(directory, True, **figures)


def load_demo_world(
    engine: Engine,
    world: Path,
    clock: Clock,
    say: OnStage | None = None,
    *,
    known_by: datetime | None = None,
) -> None:
    """The world's accounts, contacts, teams, reps and named accounts, as of the clock.

    ``known_by``: import only the contacts created by then. The world runs to midnight
    after its last day, so a build in the afternoon would otherwise hold people who
    become known tonight (in no report until then, and in the funnel before they exist).
    """
    now = clock.now()
    say = say or (lambda _: None)
    # Companies first: contacts then link to them by their e-mail domain.
    say("importing accounts")
    import_accounts(engine, world / "accounts.csv", clock=clock)
    say("importing contacts")
    with tempfile.TemporaryDirectory(prefix="leadflow-demo-") as folder:
        contacts = world / "contacts.csv"
        if known_by is not None:
            contacts = _contacts_known_by(contacts, known_by, Path(folder) / "contacts.csv")
        import_contacts(engine, contacts, ImportOptions(layout=GENERIC), clock=clock)
    say("staffing the sales team")
    staff_demo_team(engine, world / "reps.csv", now)
    own_demo_accounts(engine, world / "accounts.csv", now)


def _migrate(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _contact_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def _contacts_known_by(source: Path, moment: datetime, target: Path) -> Path:
    """A copy of the world's contacts.csv without the contacts created after ``moment``."""
    with source.open(encoding="utf-8", newline="") as reading:
        rows = csv.DictReader(reading)
        with target.open("w", encoding="utf-8", newline="") as writing:
            writer = csv.DictWriter(writing, fieldnames=rows.fieldnames or [])
            writer.writeheader()
            writer.writerows(row for row in rows if parse_instant(row["created_at"]) <= moment)
    return target


def _sales_figures(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        answers = dict(
            session.execute(select(Handoff.status, func.count()).group_by(Handoff.status))
            .tuples()
            .all()
        )
        won = session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.status == "won")
        )
    return {
        "handed_off": sum(answers.values()),
        "accepted": answers.get("accepted", 0),
        "rejected": answers.get("rejected", 0),
        "won": won or 0,
    }


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


def own_demo_accounts(engine: Engine, accounts_file: Path, now: datetime) -> None:
    """Named accounts: the world's ``owner_rep_id`` owns the account (routing's first rule)."""
    with Session(engine) as session, accounts_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["owner_rep_id"]:
                reps.own_account(session, row["owner_rep_id"], row["domain"], now)
