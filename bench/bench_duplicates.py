"""Time and peak memory of ``leadflow duplicates`` (services/identity.py) on a big store.

    python -m bench duplicates                                   # 200,000 contacts, SQLite
    python -m bench.bench_duplicates --contacts 1000000 --store /tmp/dup-1m.db
    python -m bench.bench_duplicates --contacts 200000 --url postgresql://postgres@127.0.0.1:5432/test
    python -m bench.bench_duplicates --contacts 200000 --names few   # 270 names in all

The store is filled with generated contacts (seeded), written straight to the contacts
table: names drawn from the demo world's lists for fourteen countries (about 3,600
distinct full names, so common names repeat as they do in a real CRM: a few hundred
people share one at a million contacts), each at one of ``contacts / 20`` companies
(``"Jansen Delta B.V."`` at ``jansen-delta.example``), one in six at a free-mail address,
60% with a phone. One contact in a hundred is a planted second record of an earlier one,
the kinds the module finds: the same name at a free-mail address, a typo in the family
name at the same company, first and family name swapped without an e-mail, the same name
and phone and nothing else. ``--names few`` draws from the 18 x 15 names of
``bench_import_contacts`` instead (every name hundreds of times: the worst case).

Printed: wall-clock and CPU seconds of the listing (the command's ``--limit 50``), the
growth of this process's peak resident memory during it, the pairs found, what was
capped, and how many planted pairs scoring at least ``--min-score`` were found (recall:
the blocking must not lose them). ``--store`` keeps the SQLite file between runs.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, func, insert, select

from bench.bench_import_contacts import FIRST, LAST
from bench.bench_record_event import _ScratchDatabase
from leadflow.demo.names import COMPANY_ROOTS, FIRST_NAMES, LAST_NAMES, LEGAL_FORMS, ascii_slug
from leadflow.ingest.duplicates import Person, pair_score
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade
from leadflow.store.models import Contact

AT = datetime(2025, 1, 1, tzinfo=UTC)
FREE = ("gmail.com", "outlook.com", "web.de", "orange.fr", "online.no", "ziggo.nl")
PLANTED = ("free mail", "typo", "swapped", "phone")


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    planted = _planted(options.contacts)
    if options.store:
        engine = make_engine(f"sqlite:///{options.store}")
        upgrade(engine)
        _fill_once(engine, options.contacts, options.names)
        _measure(engine, f"SQLite {options.store}", planted, options)
        engine.dispose()
        return
    with _ScratchDatabase(options.url) as (engine, label):
        _fill_once(engine, options.contacts, options.names)
        _measure(engine, label, planted, options)


def _measure(
    engine: Engine, label: str, planted: list[tuple[int, int]], options: argparse.Namespace
) -> None:
    from leadflow.services.identity import scan_duplicates

    print(f"store: {label}; {options.contacts:,} contacts ({options.names} names)")
    before = _peak_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as connection:
        listing = scan_duplicates(connection, min_score=options.min_score, limit=options.limit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  listed {len(listing.pairs)} of {listing.total:,} pairs scoring >= "
        f"{options.min_score:g} in {wall:.1f}s wall, {cpu:.1f}s CPU; "
        f"peak resident memory {before:,.0f} MiB before, {_peak_mib():,.0f} MiB after"
    )
    common = ", ".join(f"{c.name} ({c.people})" for c in listing.common_names[:5])
    print(
        f"  {listing.windowed_blocks:,} blocks compared in windows (largest "
        f"{listing.largest_block:,} people); {len(listing.common_names)} names shared by more "
        f"than half a window{': ' + common if common else ''}"
    )
    if listing.total > options.recall_limit:
        print(f"  recall not checked: more than {options.recall_limit:,} pairs to hold")
        return
    expected = _expected(engine, planted, options.min_score)
    with engine.connect() as connection:
        every = scan_duplicates(connection, min_score=options.min_score, limit=None)
    found = len(expected & {(p.candidate.first, p.candidate.second) for p in every.pairs})
    print(
        f"  planted second records: {len(planted):,}, scoring >= {options.min_score:g}: "
        f"{len(expected):,}, found: {found:,} ({found / max(len(expected), 1):.1%})"
    )


def _expected(
    engine: Engine, planted: list[tuple[int, int]], min_score: float
) -> set[tuple[int, int]]:
    """The planted pairs whose score reaches ``min_score`` (the ones a listing must find)."""
    c = Contact.__table__.c
    ids = sorted({contact for pair in planted for contact in pair})
    people: dict[int, Person] = {}
    columns = (c.id, c.first_name, c.last_name, c.email, c.company, c.domain, c.phone)
    with engine.connect() as connection:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for row in connection.execute(select(*columns).where(c.id.in_(chunk))):
                people[row.id] = Person(*row)
    return {
        pair for pair in planted if pair_score(people[pair[0]], people[pair[1]]).score >= min_score
    }


# --- the store -------------------------------------------------------------------------


def _fill_once(engine: Engine, count: int, names: str) -> None:
    table: Table = Contact.__table__  # type: ignore[assignment]
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(table)).scalar_one()
    if stored:
        return
    began = time.perf_counter()
    with engine.begin() as connection:
        batch: list[dict[str, object]] = []
        for row in _rows(count, names):
            batch.append(row)
            if len(batch) == 5000:
                connection.execute(insert(table), batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
    print(f"stored {count:,} contacts in {time.perf_counter() - began:.1f}s")


def _rows(count: int, names: str) -> Iterator[dict[str, object]]:
    """Contact rows, ids 1..count in order (the planted pairs name them by number)."""
    rng = random.Random(16)
    companies = _companies(max(count // 20, 1), rng)
    originals: dict[int, tuple[str, str, int, str]] = {}  # first, last, company, phone
    for number in range(1, count + 1):
        original = _original_of(number)
        if original:
            first, last, company, phone = originals.pop(original)
            row = _second_record(number, first, last, companies[company], phone)
        else:
            first, last = _name(rng, names)
            company = rng.randrange(len(companies))
            phone = f"+31{rng.randrange(10**9):09d}" if rng.random() < 0.6 else ""
            row = _record(number, first, last, companies[company], phone, rng)
        if number % 50 == 0:  # the original of contact 2 x number, kept until then
            originals[number] = (first, last, company, phone)
        yield row


def _original_of(number: int) -> int:
    """Every hundredth contact (from the 200th on) is a second record of an earlier one."""
    return number // 2 if number % 100 == 0 and number >= 200 else 0


def _planted(count: int) -> list[tuple[int, int]]:
    return [(_original_of(n), n) for n in range(1, count + 1) if _original_of(n)]


def _record(
    number: int, first: str, last: str, company: tuple[str, str], phone: str, rng: random.Random
) -> dict[str, object]:
    domain = rng.choice(FREE) if rng.random() < 1 / 6 else company[1]
    email = f"{ascii_slug(first)}.{ascii_slug(last)}.{number}@{domain}"
    return _contact(number, first, last, email, company[0], domain, phone)


def _second_record(
    number: int, first: str, last: str, company: tuple[str, str], phone: str
) -> dict[str, object]:
    kind = PLANTED[(number // 100) % len(PLANTED)]
    if kind == "free mail":
        email = f"{ascii_slug(first)}{number}@{FREE[number % len(FREE)]}"
        return _contact(number, first, last, email, company[0], email.split("@")[1], "")
    if kind == "typo":
        email = f"{ascii_slug(first)[:1]}.{ascii_slug(last)}.{number}@{company[1]}"
        typo = last[: len(last) // 2] + last[len(last) // 2 - 1 :]  # one letter doubled
        return _contact(number, first, typo, email, company[0], company[1], "")
    if kind == "swapped":
        short = company[0].rsplit(" ", 1)[0]  # without the legal form
        return _contact(number, last, first, None, short, None, "")
    return _contact(number, first, last, None, None, None, phone or f"+4799{number:06d}")


def _contact(
    number: int, first: str, last: str, email: str | None, company: str | None,
    domain: str | None, phone: str,
) -> dict[str, object]:  # fmt: skip
    return {
        "id": number, "email": email, "first_name": first, "last_name": last,
        "company": company, "domain": domain, "phone": phone or None, "attributes": {},
        "created_at": AT, "updated_at": AT,
    }  # fmt: skip


def _name(rng: random.Random, names: str) -> tuple[str, str]:
    if names == "few":
        return rng.choice(FIRST), rng.choice(LAST)
    country = rng.choice(sorted(FIRST_NAMES))
    return rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])


def _companies(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, domain) of ``count`` companies: a family name, a place and a legal form."""
    countries = sorted(COMPANY_ROOTS)
    made: list[tuple[str, str]] = []
    for number in range(count):
        country = rng.choice(countries)
        last, root = rng.choice(LAST_NAMES[country]), rng.choice(COMPANY_ROOTS[country])
        name = f"{last} {root} {rng.choice(LEGAL_FORMS[country])}"
        made.append((name, f"{ascii_slug(last)}-{ascii_slug(root)}-{number}.example"))
    return made


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_duplicates", description=__doc__)
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--url", help="PostgreSQL URL (a scratch schema is made and dropped)")
    parser.add_argument("--store", help="a SQLite file kept between runs (filled the first time)")
    parser.add_argument("--names", choices=("demo", "few"), default="demo")
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--limit", type=int, default=50, help="pairs listed (the command's)")
    parser.add_argument(
        "--recall-limit", type=int, default=1_000_000,
        help="check the planted pairs (a second listing, holding every pair) up to this many",
    )  # fmt: skip
    return parser


if __name__ == "__main__":
    main(sys.argv[1:])
