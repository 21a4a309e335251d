"""The web dashboard's reports: three reports built one by one, or from one read.

    python -m bench dashboard                                   # a 1,500-contact demo workspace
    python -m bench.bench_dashboard --contacts 25000
    python -m bench.bench_dashboard --workspace ws              # an existing workspace

The dashboard shows the funnel (by month), channel and alignment reports. Each reads the
store as a whole and rebuilds every lead's journey from the ledger; ``build_reports``
reads once for reports of the same moment and time zone. Both ways are timed over the
same store (wall clock, the median of ``--repeat`` runs, after one untimed warm-up) and
checked to give the same reports. Without ``--workspace`` the demo workspace ``make run``
builds (``services.demo_workspace``, with its hand-offs and deals) is made in a scratch
folder first, which takes a minute or more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs
from leadflow.analytics.report import Report
from leadflow.domain.clock import SystemClock
from leadflow.services.demo_workspace import build_demo_workspace
from leadflow.services.reports import ReportRequest, build_report, build_reports
from leadflow.settings import Settings
from leadflow.store.database import engine_from_settings
from leadflow.store.models import Contact, StageTransition

__all__ = ["main"]

DASHBOARD = (
    ReportRequest("funnel", by="month"),
    ReportRequest("channels", by="channel"),
    ReportRequest("alignment"),
)


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    if options.workspace is not None:
        _measure(options.workspace, options.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="leadflow-dashboard-") as folder:
        workspace = Path(folder)
        started = time.perf_counter()
        build_demo_workspace(
            workspace,
            database_url=f"sqlite:///{workspace / 'leadflow.db'}",
            clock=SystemClock(),
            contacts=options.contacts,
        )
        print(f"demo workspace built in {time.perf_counter() - started:,.0f} s")
        _measure(workspace, options.repeat)


def _measure(workspace: Path, repeat: int) -> None:
    engine = engine_from_settings(Settings(workspace=workspace))
    clock = SystemClock()
    try:
        with Session(engine) as session:
            contacts = session.scalar(select(func.count()).select_from(Contact)) or 0
            moves = session.scalar(select(func.count()).select_from(StageTransition)) or 0
        print(f"store: {engine.url.render_as_string(hide_password=True)}")
        print(f"  {contacts:,} contacts, {moves:,} stage transitions")

        def one_by_one() -> list[Report]:
            return [build_report(engine, r, clock=clock, costs=Costs()) for r in DASHBOARD]

        def together() -> list[Report]:
            return build_reports(engine, DASHBOARD, clock=clock, costs=Costs())

        alone = _timed(one_by_one, repeat)
        shared = _timed(together, repeat)
        same = _without_moment(one_by_one()) == _without_moment(together())
        print(f"  three reports one by one  {alone:8.2f} s (median of {repeat})")
        print(f"  three reports, one read   {shared:8.2f} s (median of {repeat})")
        print(f"  same reports: {'yes' if same else 'NO'}")
    finally:
        engine.dispose()


def _timed(build: Callable[[], list[Report]], repeat: int) -> float:
    build()  # warm-up: the page cache, numba's compiled loops, imports
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        build()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def _without_moment(reports: list[Report]) -> list[object]:
    """The reports' figures; ``as_of`` (the clock's now) differs from run to run."""
    return [(r.name, r.sections, r.notes) for r in reports]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1500, help="size of the demo workspace")
    parser.add_argument("--workspace", type=Path, help="measure this workspace instead")
    parser.add_argument("--repeat", type=int, default=3)
    return parser


if __name__ == "__main__":
    main(sys.argv[1:])
