"""Contacts/s importing a HubSpot-format export, with full validation, into SQLite.

    python -m bench import_contacts                              # 200,000 rows
    python -m bench.bench_import_contacts 1000000                # the issue's size
    python -m bench.bench_import_contacts 200000 --url postgresql://postgres@127.0.0.1:5432/test
    python -m bench.bench_import_contacts 200000 --preset none --parallel off   # import only
    python -m bench.bench_import_contacts 100000 --xlsx          # the same rows as a workbook

The store is a workspace with the waterfall preset active, so the import qualifies the
contacts it creates (``--preset none``: a store without a definition, nothing qualified).

The file is generated first (seeded): HubSpot's labels as headers, e-mail addresses at
company domains (one in six at a free-mail provider), 60% with a phone number written
in national or international notation, country names in several languages, HubSpot
lifecycle stages, lead statuses and original sources, "Unsubscribed from all email"
on 5%, and a custom property (``--xlsx``: an .xlsx workbook of the same rows, the record
id, dates and the opt-out typed as Excel types them). Every row goes through the whole
import: CSV (or sheet) parsing,
validation and normalisation (e-mail syntax, phone to E.164, country, dates), account
lookup by domain, multi-row INSERTs, consent records, all in one transaction.

Printed: rows/s for the whole import (wall-clock, and CPU of this process plus the CPU of
the process validating beside it), split into reading + validating + writing and
qualifying; for the read + validate part alone (the same file through the converter, in
one process, no database); the peak memory of this process; and the load average
before and after.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.convert import RowConverter
from leadflow.ingest.countries import fold
from leadflow.ingest.formats import get_format
from leadflow.ingest.table import open_table
from leadflow.services.definitions import activate_definition
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade

HEADER = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
    "Job Title", "Country/Region", "Lifecycle Stage", "Lead Status", "Original Source",
    "Create Date", "Last Modified Date", "Unsubscribed from all email", "Favourite Product",
]  # fmt: skip
FIRST = ["Jan", "Anna", "Lukas", "Ingrid", "Camille", "Pieter", "Sofia", "Noah", "Emma",
         "Lars", "Sanne", "Thomas", "Erik", "Mia", "Bjørn", "Zoë", "Jürgen", "Chloé"]  # fmt: skip
LAST = ["de Vries", "Jansen", "Müller", "Haugen", "Dubois", "Bakker", "Rossi", "Smith",
        "Johansen", "Peeters", "Visser", "Ødegård", "Lefèvre", "Schmidt", "Nilsen"]  # fmt: skip
# (country as written in the file, a phone in that country's notation from 8 digits)
COUNTRIES: list[tuple[str, Callable[[str], str]]] = [
    ("Nederland", lambda d: f"020 {d[:3]} {d[3:7]}"),
    ("Netherlands", lambda d: f"06-{d}"),
    ("Deutschland", lambda d: f"030 {d}"),
    ("Germany", lambda d: f"0151 {d}"),
    ("Norge", lambda d: f"22 {d[:2]} {d[2:6]}"),
    ("France", lambda d: f"01 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}"),
    ("United States", lambda d: f"(415) 555-{d[:4]}"),
    ("UK", lambda d: f"020 7{d[:3]} {d[3:7]}"),
    ("België", lambda d: f"02 {d[:3]} {d[3:5]} {d[5:7]}"),
    ("NL", lambda d: f"+31 20 {d[:3]} {d[3:7]}"),
]
FREE = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.fr", "web.de", "ziggo.nl"]
STAGES = ["Subscriber", "Lead", "Marketing Qualified Lead", "salesqualifiedlead", "Opportunity",
          "Customer"]  # fmt: skip
STATUSES = ["", "New", "Open", "In Progress", "Attempted to contact", "Connected", "Bad Timing"]
SOURCES = ["Organic Search", "Paid Search", "Email Marketing", "Organic Social", "Referrals",
           "Direct Traffic", "Offline Sources", "Paid Social"]  # fmt: skip


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    companies = [f"company{n:05d}" for n in range(max(rows // 20, 1))]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(_row(rng, n, start, companies))


def write_workbook(path: Path, rows: int, seed: int = 7) -> None:
    """The rows ``write_export`` writes, as a workbook with typed cells (streamed)."""
    import openpyxl

    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    companies = [f"company{n:05d}" for n in range(max(rows // 20, 1))]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(_typed(_row(rng, n, start, companies)))
    workbook.save(path)


def _typed(cells: list[str]) -> list[object]:
    """Record ID a number, the two dates date cells (naive: Excel has no zones), the
    opt-out a boolean."""
    typed: list[object] = list(cells)
    typed[0] = int(cells[0])
    for index in (11, 12):
        typed[index] = datetime.strptime(cells[index], "%Y-%m-%d %H:%M")  # noqa: DTZ007
    typed[13] = cells[13] == "true"
    return typed


def _row(rng: random.Random, n: int, start: datetime, companies: list[str]) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(companies)
    domain = rng.choice(FREE) if rng.random() < 1 / 6 else f"{company}.example.com"
    local = f"{fold(first)}.{fold(last)}".replace(" ", "")  # addresses are ASCII in practice
    email = f"{local}{n}@{domain}"
    if rng.random() < 0.1:
        email = f"  {email.upper()} "
    written, notation = rng.choice(COUNTRIES)
    phone = notation(f"{rng.randrange(10**8):08d}") if rng.random() < 0.6 else ""
    created = start + timedelta(minutes=rng.randrange(900_000))
    modified = created + timedelta(days=rng.randrange(120))
    return [
        str(100000 + n), first, last, email, phone, company.title(), "Head of Operations",
        written, rng.choice(STAGES), rng.choice(STATUSES), rng.choice(SOURCES),
        created.strftime("%Y-%m-%d %H:%M"), modified.strftime("%Y-%m-%d %H:%M"),
        "true" if rng.random() < 0.05 else "false", rng.choice(["", "Spec sheet", "Webinar"]),
    ]  # fmt: skip


class Timer:
    """Wall-clock and CPU seconds, of this process and of the processes it waited for (the
    validating one): on a busy machine the CPU time is the steadier figure (SQLite runs
    in-process, so it includes the database's work)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu, self.child = time.perf_counter(), time.process_time(), _children()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.child = _children() - self.child

    def rate(self, rows: int) -> str:
        text = (
            f"{rows / self.wall:8,.0f} rows/s wall ({self.wall:5.1f}s), "
            f"{rows / self.cpu:8,.0f} rows/s CPU ({self.cpu:5.1f}s"
        )
        if self.child > 0.05:
            text += f" + {self.child:.1f}s in the validating process"
        return text + ")"


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def validate_only(path: Path) -> None:
    """Read and validate every row, without a database (one process)."""
    with open_table(path) as table:
        converter = RowConverter(get_format("hubspot"), table.header, default_region="NL")
        for line, cells in table.rows():
            converter.convert(line, cells)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_import_contacts")
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    parser.add_argument("--batch", type=int, default=1000, help="rows per batch")
    parser.add_argument(
        "--preset", default="waterfall",
        help="definition to qualify with ('none': a store without one, nothing qualified)",
    )  # fmt: skip
    parser.add_argument(
        "--parallel", choices=("auto", "on", "off"), default="auto",
        help="validate in a second process (auto: for large files on two cores or more)",
    )  # fmt: skip
    parser.add_argument("--xlsx", action="store_true", help="import an .xlsx workbook")
    args = parser.parse_args(argv)
    print(f"load average before: {_load()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("hubspot-contacts.xlsx" if args.xlsx else "hubspot-contacts.csv")
        began = time.perf_counter()
        (write_workbook if args.xlsx else write_export)(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - began:.1f}s")
        engine = _store(args.url or f"sqlite:///{Path(folder) / 'leadflow.db'}", args.preset)
        with Timer() as timer:
            validate_only(path)
        print(f"read + validate only:  {timer.rate(args.rows)}")
        parallel = {"auto": None, "on": True, "off": False}[args.parallel]
        options = ImportOptions(
            get_format("hubspot"), default_region="NL", batch_size=args.batch, parallel=parallel
        )
        clock = FixedClock(datetime(2025, 6, 1, tzinfo=UTC))
        with Timer() as timer:
            summary = import_contacts(engine, path, options, clock=clock)
        print(f"full import ({engine.dialect.name}): {timer.rate(args.rows)}")
        print(f"  {_split(summary)}")
        print(
            f"  {summary.created:,} created, {summary.rejected} rejected, "
            f"{summary.accounts_created:,} accounts, {summary.consents_changed:,} consents, "
            f"{summary.qualified if summary.qualified is not None else 'none'} qualified"
        )
        with Timer() as timer:
            again = import_contacts(engine, path, options, clock=clock)
        print(f"same file again:       {timer.rate(args.rows)}")
        print(f"  {again.unchanged:,} unchanged, {again.updated} updated, {again.created} created")
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB")
    print(f"load average after: {_load()}")


def _store(url: str, preset: str) -> Engine:
    """A migrated store with the preset active (a workspace), or none ('none')."""
    engine = make_engine(url)
    upgrade(engine)
    if preset != "none":
        with Session(engine) as session:
            text = preset_text(preset)
            activate_definition(session, text, source_name=f"{preset}.yaml", now=datetime.now(UTC))
            session.commit()
    return engine


def _split(summary: ContactImport) -> str:
    """Where the wall-clock time went: rows read, validated and written; qualification."""
    seconds = summary.seconds
    write, qualify = seconds.get("write", 0.0), seconds.get("qualify", 0.0)
    return (
        f"read, validate, write: {summary.rows / write:,.0f} rows/s ({write:.1f}s); "
        f"qualify {summary.qualified or 0:,} contacts: {qualify:.1f}s"
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
