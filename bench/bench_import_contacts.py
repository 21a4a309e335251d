"""Contacts/s importing a HubSpot-format export, with full validation, into SQLite.

    python -m bench import_contacts                              # 200,000 rows
    python -m bench.bench_import_contacts 1000000                # the issue's size
    python -m bench.bench_import_contacts 200000 --url postgresql://postgres@127.0.0.1:5432/test

The file is generated first (seeded): HubSpot's labels as headers, e-mail addresses at
company domains (one in six at a free-mail provider), 60% with a phone number written
in national or international notation, country names in several languages, HubSpot
lifecycle stages, lead statuses and original sources, "Unsubscribed from all email"
on 5%, and a custom property. Every row goes through the whole import: CSV parsing,
validation and normalisation (e-mail syntax, phone to E.164, country, dates), account
lookup by domain, multi-row INSERTs, consent records, all in one transaction.

Printed: rows/s for the whole import, and for the read + validate part alone (the same
file through the converter with no database), which shows where the time goes.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leadflow.domain.clock import FixedClock
from leadflow.ingest.convert import RowConverter
from leadflow.ingest.countries import fold
from leadflow.ingest.formats import get_format
from leadflow.ingest.table import open_table
from leadflow.services.import_contacts import ImportOptions, import_contacts
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
    """Wall-clock and CPU seconds of this process: on a busy machine the CPU time is the
    steadier figure (SQLite runs in-process, so it includes the database's work)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, rows: int) -> str:
        return (
            f"{rows / self.wall:8,.0f} rows/s wall ({self.wall:5.1f}s), "
            f"{rows / self.cpu:8,.0f} rows/s CPU ({self.cpu:5.1f}s)"
        )


def validate_only(path: Path) -> None:
    """Read and validate every row, without a database."""
    with open_table(path) as table:
        converter = RowConverter(get_format("hubspot"), table.header, default_region="NL")
        for line, cells in table.rows():
            converter.convert(line, cells)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_import_contacts")
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    parser.add_argument("--batch", type=int, default=1000, help="rows per batch")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hubspot-contacts.csv"
        began = time.perf_counter()
        write_export(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - began:.1f}s")
        engine = make_engine(args.url or f"sqlite:///{Path(folder) / 'leadflow.db'}")
        upgrade(engine)
        with Timer() as timer:
            validate_only(path)
        print(f"read + validate only:  {timer.rate(args.rows)}")
        options = ImportOptions(get_format("hubspot"), default_region="NL", batch_size=args.batch)
        clock = FixedClock(datetime(2025, 6, 1, tzinfo=UTC))
        with Timer() as timer:
            summary = import_contacts(engine, path, options, clock=clock)
        print(f"full import ({engine.dialect.name}): {timer.rate(args.rows)}")
        print(
            f"  {summary.created:,} created, {summary.rejected} rejected, "
            f"{summary.accounts_created:,} accounts, {summary.consents_changed:,} consents"
        )
        with Timer() as timer:
            again = import_contacts(engine, path, options, clock=clock)
        print(f"same file again:       {timer.rate(args.rows)}")
        print(f"  {again.unchanged:,} unchanged, {again.updated} updated, {again.created} created")
        engine.dispose()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
