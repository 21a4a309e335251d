"""Build a whole demo world on disk: the one public entry point of ``leadflow.demo``.

Order of work: the sales team and the accounts (small, kept in memory), then contacts in
fixed-size chunks (people -> behaviour -> sales), each chunk streamed to its files, then
visitors who never identify, then the time-sorted JSON-lines files, the ground truth
and the manifest. Every random draw comes from a stream keyed by (seed, purpose, chunk).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from leadflow.demo.accounts import draw_accounts, draw_reps
from leadflow.demo.behaviour import draw_behaviour
from leadflow.demo.calendar import build_calendar
from leadflow.demo.config import (
    CHUNK_CONTACTS,
    DEFAULT_END,
    DemoInputError,
    WorldConfig,
    WorldFormat,
)
from leadflow.demo.events import Events
from leadflow.demo.groundtruth import Tally, manifest, truth_document
from leadflow.demo.people import draw_people
from leadflow.demo.properties import PropertyTable
from leadflow.demo.sales import work_leads
from leadflow.demo.sessions import VISITORS_PER_CONTACT, draw_visitors
from leadflow.demo.spool import ActivitySpool, EventSpool
from leadflow.demo.tables import (
    account_columns,
    account_schema,
    contact_columns,
    contact_schema,
    csv_rows,
    rep_rows,
    truth_rows,
)
from leadflow.demo.writers import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    OPPORTUNITY_COLUMNS,
    REP_COLUMNS,
    TRUTH_CONTACT_COLUMNS,
    CsvTable,
    ParquetEvents,
    ParquetTable,
)

__all__ = ["OUTPUT_FILES", "Progress", "WorldSummary", "generate_world"]

# (stage, done, total): called after every chunk, so a caller can show a progress bar.
Progress = Callable[[str, int, int], None]

OUTPUT_FILES = (
    "accounts.csv",
    "accounts.parquet",
    "contacts.csv",
    "contacts.parquet",
    "reps.csv",
    "events.jsonl",
    "events.parquet",
    "activities.jsonl",
    "opportunities.csv",
    "truth.json",
    "truth_contacts.csv",
    "manifest.json",
)
_REPS, _ACCOUNTS, _PEOPLE, _BEHAVIOUR, _SALES, _VISITORS = range(1, 7)


@dataclass(frozen=True, slots=True)
class WorldSummary:
    out_dir: Path
    config: WorldConfig
    files: dict[str, int]  # file name -> rows or records written
    handed_off: int
    won: int
    lost: int
    open: int
    bayes_optimal_auc: float | None  # None when the closed leads hold one class only


def generate_world(
    out_dir: Path | str,
    contacts: int,
    seed: int,
    months: int = 15,
    end: date = DEFAULT_END,
    fmt: WorldFormat = "jsonl",
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> WorldSummary:
    """Write a deterministic demo world to ``out_dir``; raises DemoInputError on bad input."""
    config = WorldConfig(contacts=contacts, seed=seed, months=months, end=end, fmt=fmt)
    folder = _prepare(Path(out_dir), overwrite)
    return _World(config, folder, progress or _quiet).build()


def _quiet(stage: str, done: int, total: int) -> None:
    del stage, done, total


def _prepare(folder: Path, overwrite: bool) -> Path:
    """Refuse a file, an unwritable folder, or someone's non-empty folder without --force."""
    if folder.exists() and not folder.is_dir():
        raise DemoInputError(f"--out {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DemoInputError(f"cannot create --out {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DemoInputError(f"--out {folder} is not writable")
    if any(folder.iterdir()):
        if not overwrite:
            raise DemoInputError(f"--out {folder} is not empty; pass --force to overwrite it")
        for name in OUTPUT_FILES:  # only what a world writes: other files are left alone
            (folder / name).unlink(missing_ok=True)
        for stale in folder.glob(".spool-*"):
            shutil.rmtree(stale, ignore_errors=True)
    return folder


@dataclass
class _Sinks:
    """Where one world's rows go while contacts stream through."""

    contacts: CsvTable | ParquetTable
    events: EventSpool | ParquetEvents
    activities: ActivitySpool
    opportunities: CsvTable
    truth: CsvTable
    emails: list[pa.Array] = field(default_factory=lambda: [pa.array(['Z", "email": null'])])


class _World:
    def __init__(self, config: WorldConfig, folder: Path, progress: Progress) -> None:
        self.config, self.folder, self.progress = config, folder, progress
        self.calendar = build_calendar(config)
        self.table = PropertyTable(self.calendar)
        self.reps = draw_reps(config, config.rng(_REPS))
        self.accounts = draw_accounts(config, self.reps, config.rng(_ACCOUNTS))
        self.taken: set[str] = set()
        self.tally = Tally()
        self.next_seq = self.next_activity = 0
        self.next_visitor = 1

    def build(self) -> WorldSummary:
        files: dict[str, int] = {}
        with tempfile.TemporaryDirectory(dir=self.folder, prefix=".spool-") as scratch:
            sinks = self._open(Path(scratch))
            files |= self._write_firm()
            chunks = range(0, self.config.contacts, CHUNK_CONTACTS)
            for index, first in enumerate(chunks):
                count = min(CHUNK_CONTACTS, self.config.contacts - first)
                self._contacts(index, first + 1, count, sinks)
                self.progress("contacts", first + count, self.config.contacts)
            visitors = round(self.config.contacts * VISITORS_PER_CONTACT)
            for index, first in enumerate(range(0, visitors, CHUNK_CONTACTS)):
                count = min(CHUNK_CONTACTS, visitors - first)
                self._visitors(index, count, sinks)
                self.progress("visitors", first + count, visitors)
            files |= self._close(sinks)
        self.tally.visitors = self.next_visitor - 1
        truth = truth_document(self.config, self.reps, self.tally)
        _write_json(self.folder / "truth.json", truth)
        files["truth.json"] = 1
        _write_json(
            self.folder / "manifest.json", manifest(self.config, self.folder, files, self.tally)
        )
        return WorldSummary(
            out_dir=self.folder,
            config=self.config,
            files=files,
            handed_off=self.tally.handed_off,
            won=self.tally.won,
            lost=self.tally.lost,
            open=self.tally.open,
            bayes_optimal_auc=self.tally.bayes_optimal_auc(),
        )

    def _open(self, scratch: Path) -> _Sinks:
        folder, parquet = self.folder, self.config.fmt == "parquet"
        contacts: CsvTable | ParquetTable
        events: EventSpool | ParquetEvents
        if parquet:
            contacts = ParquetTable(folder / "contacts.parquet", contact_schema())
            events = ParquetEvents(folder / "events.parquet", self.table)
        else:
            contacts = CsvTable(folder / "contacts.csv", CONTACT_COLUMNS)
            events = EventSpool(scratch, self.config.start_s)
        return _Sinks(
            contacts=contacts,
            events=events,
            activities=ActivitySpool(scratch, self.config.start_s),
            opportunities=CsvTable(folder / "opportunities.csv", OPPORTUNITY_COLUMNS),
            truth=CsvTable(folder / "truth_contacts.csv", TRUTH_CONTACT_COLUMNS),
        )

    def _write_firm(self) -> dict[str, int]:
        """The sales team and the accounts, which every chunk refers to."""
        with CsvTable(self.folder / "reps.csv", REP_COLUMNS) as reps:
            reps.write(rep_rows(self.reps))
        columns = account_columns(self.accounts)
        if self.config.fmt == "parquet":
            accounts = ParquetTable(self.folder / "accounts.parquet", account_schema())
            accounts.write(dict(columns))
            accounts.close()
            return {"reps.csv": reps.rows, "accounts.parquet": accounts.rows}
        with CsvTable(self.folder / "accounts.csv", ACCOUNT_COLUMNS) as table:
            table.write(csv_rows(columns, ACCOUNT_COLUMNS))
        return {"reps.csv": reps.rows, "accounts.csv": table.rows}

    def _contacts(self, index: int, first: int, count: int, sinks: _Sinks) -> None:
        config = self.config
        people = draw_people(
            config,
            self.calendar,
            self.accounts,
            first,
            count,
            config.rng(_PEOPLE, index),
            self.taken,
        )
        behaviour = draw_behaviour(
            config,
            self.calendar,
            self.table,
            people,
            self.next_visitor,
            config.rng(_BEHAVIOUR, index),
        )
        self.next_visitor += int(people.has_visitor.sum())
        sales = work_leads(
            config,
            people,
            behaviour,
            self.accounts,
            self.reps,
            self.next_seq,
            self.next_activity,
            config.rng(_SALES, index),
        )
        columns = contact_columns(people, behaviour, self.accounts)
        if isinstance(sinks.contacts, ParquetTable):
            sinks.contacts.write(dict(columns))
        else:
            sinks.contacts.write(csv_rows(columns, CONTACT_COLUMNS))
            pieces = [f'Z", "email": {json.dumps(email)}' for email in people.email]
            sinks.emails.append(pa.array(pieces))
        self._events(behaviour.events, sinks)
        sinks.activities.add(sales.activities)
        self.next_activity += len(sales.activities)
        sinks.opportunities.write(sales.opportunities)
        sinks.truth.write(truth_rows(people, behaviour, sales))
        self.tally.add(people, sales)

    def _visitors(self, index: int, count: int, sinks: _Sinks) -> None:
        rng = self.config.rng(_VISITORS, index)
        events = draw_visitors(self.config, self.table, self.next_visitor, count, rng).by_person()
        self.next_visitor += count
        self._events(events, sinks)

    def _events(self, events: Events, sinks: _Sinks) -> None:
        if isinstance(sinks.events, EventSpool):
            sinks.events.add(events, self.next_seq)
        else:
            sinks.events.write(events, self.next_seq)
        self.next_seq += events.size
        self.tally.events += events.size

    def _close(self, sinks: _Sinks) -> dict[str, int]:
        files: dict[str, int] = {}
        for name, table in (
            ("opportunities.csv", sinks.opportunities),
            ("truth_contacts.csv", sinks.truth),
        ):
            table.close()
            files[name] = table.rows
        sinks.contacts.close()
        files["contacts.parquet" if self.config.fmt == "parquet" else "contacts.csv"] = (
            sinks.contacts.rows
        )
        if isinstance(sinks.events, ParquetEvents):
            sinks.events.close()
            files["events.parquet"] = sinks.events.rows
        else:
            emails = pa.concat_arrays(sinks.emails)
            properties = pa.array([f', "properties": {text}}}\n' for text in self.table.json])
            target = self.folder / "events.jsonl"
            files["events.jsonl"] = sinks.events.write(target, emails, properties, self._sorting)
        files["activities.jsonl"] = sinks.activities.write(self.folder / "activities.jsonl")
        return files

    def _sorting(self, done: int, total: int) -> None:
        self.progress("events", done, total)


def _write_json(path: Path, document: object) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
