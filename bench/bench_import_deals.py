"""Deals/s importing a CRM's deals (``leadflow import deals``) into SQLite.

    python -m bench import_deals                            # 100,000 generated deals
    python -m bench.bench_import_deals 20000                # another size
    python -m bench.bench_import_deals --maven              # maven_crm's 8,800 (shared data)
    python -m bench.bench_import_deals 100000 --url postgresql://postgres@127.0.0.1:5432/test

The generated file (seeded) is in the ``generic`` deal layout: 2,000 companies (found by
domain) and a person for one deal in five (found by e-mail; 20,000 people at 100,000
deals), 55% won, 30% lost (with a reason), 15% open in one of four stages, amounts
with a decimal point or a decimal comma, creation and close dates over three years.
The accounts and people are written into the store first, straight, and the waterfall
preset is active, so the import links every deal, makes the companies of won deals
customers and qualifies the people whose deals it wrote, as a real import does.

Printed: rows/s of the whole import (wall-clock and CPU of this process), then of the
same file again (every deal unchanged), and the load average before and after.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.accounts_mapping import load_account_mapping
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.deal_formats.mapping import load_deal_mapping
from leadflow.ingest.formats.layout import Layout
from leadflow.services.definitions import activate_definition
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_deals import DealImport, DealImportOptions, import_deals
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade
from leadflow.store.models import Account, Contact

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
START = NOW - timedelta(days=3 * 365)
HEADER = ["deal_id", "name", "stage", "status", "amount", "currency", "created_at",
          "closed_at", "owner", "lost_reason", "contact_email", "account_domain"]  # fmt: skip
OPEN_STAGES = ["Qualified", "Demo", "Proposal", "Negotiation"]
REASONS = ["Budget", "Timing", "Went with a competitor", "No decision"]
OWNERS = [f"Rep {n}" for n in range(25)]
_ACCOUNTS = 2_000
_ROOT = Path(__file__).resolve().parents[1]
_MAVEN = Path("/work/shared/data/maven_crm")


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A generic-layout deal export of ``rows`` deals (see the module doc)."""
    rng = random.Random(seed)
    people = max(rows // 5, 1)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(_deal(rng, n, people))


def _deal(rng: random.Random, n: int, people: int) -> list[str]:
    created = START + timedelta(seconds=rng.randrange(int((NOW - START).total_seconds()) - 86_400))
    draw = rng.random()
    status = "won" if draw < 0.55 else "lost" if draw < 0.85 else "open"
    closed = min(created + timedelta(days=rng.randrange(1, 180)), NOW - timedelta(hours=1))
    amount = rng.randrange(500, 200_000)
    written = f"{amount}.00" if rng.random() < 0.7 else f"{amount:,}".replace(",", ".") + ",00"
    person = _email(n // 5) if n % 5 == 0 and n // 5 < people else ""
    return [
        f"d{n}",
        f"Deal {n}",
        rng.choice(OPEN_STAGES) if status == "open" else f"Closed {status.title()}",
        status,
        written,
        "EUR",
        created.isoformat(),
        "" if status == "open" else closed.date().isoformat(),
        rng.choice(OWNERS),
        rng.choice(REASONS) if status == "lost" else "",
        person,
        "" if person else _domain(n),
    ]


def _email(person: int) -> str:
    """The address of generated person ``person``, at one of the companies."""
    return f"p{person}@{_domain(person * 5)}"


def _domain(number: int) -> str:
    return f"c{number % _ACCOUNTS}.example"


def _store(url: str | None, folder: Path) -> Engine:
    engine = make_engine(url or f"sqlite:///{folder / 'leadflow.db'}")
    upgrade(engine)
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        session.commit()
    return engine


def _people(engine: Engine, rows: int) -> None:
    """The companies and people the generated deals name, written straight."""
    accounts = [
        {"name": f"Company {n}", "domain": _domain(n), "attributes": {},
         "created_at": START, "updated_at": START}
        for n in range(_ACCOUNTS)
    ]  # fmt: skip
    with Session(engine) as session:
        session.execute(insert(Account), accounts)
        ids = {domain: i for i, domain in enumerate((a["domain"] for a in accounts), start=1)}
        people = [
            {"email": _email(n), "account_id": ids[_domain(n * 5)], "attributes": {},
             "created_at": START, "updated_at": START}
            for n in range(max(rows // 5, 1))
        ]  # fmt: skip
        session.execute(insert(Contact), people)
        session.commit()


def _timed(
    engine: Engine, path: Path, layout: Layout, skip: bool
) -> tuple[DealImport, float, float]:
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    options = DealImportOptions(layout, skip_bad_rows=skip)
    done = import_deals(engine, path, options, clock=FixedClock(NOW))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return done, wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def _report(label: str, done: DealImport, wall: float, cpu: float) -> None:
    print(
        f"{label}: {done.rows:,} rows in {wall:.1f} s = {done.rows / wall:,.0f} rows/s wall, "
        f"{done.rows / cpu:,.0f} rows/s CPU; {done.created:,} created, {done.updated:,} updated, "
        f"{done.unchanged:,} unchanged, {done.rejected:,} rejected; {done.customers:,} customers, "
        f"{done.qualified or 0:,} contacts qualified",
        flush=True,
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_import_deals")
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--maven", action="store_true", help="import maven_crm's pipeline")
    parser.add_argument("--url", default=None, help="a database URL instead of a new SQLite")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = _store(args.url, folder)
        if args.maven:
            if not _MAVEN.is_dir():
                print(f"no {_MAVEN}: nothing to measure")
                return
            examples = _ROOT / "examples" / "maven_crm"
            mapping = load_account_mapping(examples / "accounts-mapping.yaml")
            import_accounts(engine, _MAVEN / "accounts.csv", clock=FixedClock(NOW), mapping=mapping)
            path, layout = (
                _MAVEN / "sales_pipeline.csv",
                load_deal_mapping(examples / "deals-mapping.yaml"),
            )
        else:
            path, layout = folder / "deals.csv", get_deal_format("generic")
            generate(path, args.rows)
            _people(engine, args.rows)
        _report("import", *_timed(engine, path, layout, args.maven))
        _report("the same file again", *_timed(engine, path, layout, args.maven))
        engine.dispose()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
