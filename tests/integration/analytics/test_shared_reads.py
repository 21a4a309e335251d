"""Reports of the same moment share one read of the store (the dashboard asks three).

Each report rebuilds every lead's journey from the ledger; at 200,000 contacts one read
costs seconds, so ``build_reports`` reads once per (moment, time zone) and gives every
report the same tables. The reports must be the ones ``build_report`` makes alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event

from leadflow.analytics.costs import Costs
from leadflow.domain.clock import FixedClock
from leadflow.services.reports import ReportError, ReportRequest, build_report, build_reports
from tests.integration.analytics.test_periods import APRIL, MARCH, NOW, _load

CLOCK = FixedClock(NOW)


@contextmanager
def _ledger_reads(engine: Engine) -> Iterator[list[str]]:
    """The SELECTs of the stage ledger run meanwhile (one per read of the store)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "stage_transitions" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _requests(**period: Any) -> list[ReportRequest]:
    return [
        ReportRequest("funnel", by="month", **period),
        ReportRequest("channels", by="channel", **period),
        ReportRequest("alignment", **period),
    ]


def test_three_reports_of_one_moment_read_the_ledger_once_and_equal_the_single_reports(
    engine: Engine,
) -> None:
    _load(engine)
    with _ledger_reads(engine) as alone:
        singles = [build_report(engine, r, clock=CLOCK, costs=Costs()) for r in _requests()]
    with _ledger_reads(engine) as together:
        shared = build_reports(engine, _requests(), clock=CLOCK, costs=Costs())
    assert len(together) * 3 == len(alone) > 0
    assert shared == singles


def test_reports_of_different_moments_or_zones_each_read_their_own(engine: Engine) -> None:
    _load(engine)
    asked = [
        ReportRequest("funnel", MARCH, APRIL),
        ReportRequest("channels", MARCH, APRIL),
        ReportRequest("funnel", MARCH, APRIL, zone="Europe/Berlin"),
        ReportRequest("funnel"),
    ]
    with _ledger_reads(engine) as one:
        build_report(engine, asked[0], clock=CLOCK, costs=Costs())
    with _ledger_reads(engine) as reads:
        reports = build_reports(engine, asked, clock=CLOCK, costs=Costs())
    assert len(reads) == 3 * len(one)  # (April, UTC), (April, Berlin), now
    assert [r.parameters.get("time_zone") for r in reports] == [None, None, "Europe/Berlin", None]
    assert reports[3].as_of == NOW


def test_a_bad_request_among_good_ones_is_refused_before_anything_is_read(
    engine: Engine,
) -> None:
    _load(engine)
    future = datetime(2030, 1, 1, tzinfo=UTC)
    with _ledger_reads(engine) as reads, pytest.raises(ReportError, match="in the future"):
        build_reports(
            engine, [ReportRequest("funnel"), ReportRequest("funnel", stop=future)],
            clock=CLOCK, costs=Costs(),
        )  # fmt: skip
    assert reads == []
