"""Leads/s written by ``leadflow export leads`` (services/lead_export.py), per format.

    python -m bench export_leads                                  # 100,000 contacts
    python -m bench.bench_export_leads --contacts 1000000 --store /tmp/1m.db

The store is the one ``bench_record_event`` builds (contacts with their qualification
rows; ``--store`` keeps it between runs). Each format is written in full to a scratch
file, as the command does; the figure is leads per second by the wall clock and by this
process's CPU time, and the growth of the peak resident memory over the whole run (the
export reads a chunk of leads at a time, so it should not grow with the store).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from bench.bench_record_event import Sizes, opened_store
from leadflow.services.lead_export import ExportFormat, LeadExport, write_leads


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    contacts = options.contacts
    sizes = Sizes(contacts, contacts * 2, 0, 0, 0, 500)
    with opened_store(sizes, store=options.store) as (engine, label, _active):
        print(f"store: {label}; {contacts:,} contacts")
        before = _peak_mib()
        with tempfile.TemporaryDirectory(prefix="leadflow-export-") as folder:
            for fmt in ExportFormat:
                with Session(engine) as session:
                    _measure(session, fmt, Path(folder) / f"{fmt.value}.csv")
        print(f"  peak resident memory grew by {_peak_mib() - before:,.0f} MiB during the exports")


def _measure(session: Session, fmt: ExportFormat, path: Path) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    with path.open("w", encoding="utf-8", newline="") as handle:
        count = write_leads(session, fmt, LeadExport(), handle)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = path.stat().st_size / 2**20
    print(
        f"  {fmt.value:<11} {count:>9,} leads  {count / wall:>9,.0f} leads/s wall"
        f"  {count / cpu:>9,.0f} leads/s CPU  {size:,.1f} MiB"
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_export_leads", description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--store", help="a kept SQLite store (see bench_record_event --store)")
    return parser


if __name__ == "__main__":
    main(sys.argv[1:])
