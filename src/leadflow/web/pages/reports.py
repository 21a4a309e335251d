"""Reports: the analytics reports (funnel, channels, alignment, scoring) as tables with
their chart, for a period and a grouping, each downloadable as CSV.

The CSV is ``leadflow report --format csv``'s: every section (a ``section`` column
first), then ``about`` (the period, grouping, currency and the report's notes), and its
cells are text a spreadsheet will not run: a value that starts
like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets an apostrophe.
The chart is the analytics' own (matplotlib), served as an SVG image: drawn in an
``<img>``, an SVG runs no script whatever its labels say.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from leadflow.analytics.charts import ChartError, draw_chart
from leadflow.analytics.report import Report, render_csv
from leadflow.services.definitions import active_definition
from leadflow.services.refusals import InvalidInputError, NotFoundError
from leadflow.services.reports import GROUPS, REPORTS, ReportError, ReportRequest
from leadflow.services.spreadsheet import spreadsheet_cell
from leadflow.web.deps import ReadsDep, WebDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import stage_names
from leadflow.web.rendering import render
from leadflow.web.reporting import report_for
from leadflow.web.state import WebState

__all__ = ["csv_text", "report_csv", "router"]

router = APIRouter()

Name = Annotated[str, Query(max_length=20)]
Day = Annotated[str, Query(max_length=10)]


@router.get("/reports", dependencies=[page(*EVERY_ROLE)])
def reports(
    request: Request,
    web: WebDep,
    session: ReadsDep,
    name: Name = "funnel",
    by: Name = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    stop: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    asked = _request(name, by, start, stop, web.api.clock.now())
    report = _report(web, session, asked)
    language: str = request.state.language
    context = {
        "section": "reports",
        "report": report,
        "names": stage_names(active_definition(session).definition, language),
        "report_names": REPORTS,
        "groups": GROUPS,
        "asked": {"name": name, "by": by, "from": start, "to": stop},
        "query": request.url.query,
    }
    return render(request, "reports.html", context)


@router.get("/reports/{name}.csv", dependencies=[page(*EVERY_ROLE)])
def report_download(
    web: WebDep,
    session: ReadsDep,
    name: str,
    by: Name = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    stop: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    report = _report(web, session, _request(name, by, start, stop, web.api.clock.now()))
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leadflow-{report.name}.csv"'},
    )


@router.get("/reports/{name}.svg", dependencies=[page(*EVERY_ROLE)])
def report_chart(
    web: WebDep,
    session: ReadsDep,
    name: str,
    by: Name = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    stop: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    report = _report(web, session, _request(name, by, start, stop, web.api.clock.now()))
    with tempfile.TemporaryDirectory(prefix="leadflow-chart-") as folder:
        try:
            path = draw_chart(report, Path(folder) / "chart.svg")
        except ChartError as error:
            raise NotFoundError(str(error)) from None
        return Response(path.read_bytes(), media_type="image/svg+xml")


def report_csv(report: Report) -> str:
    """The command line's ``--format csv``, byte for byte (``analytics.report``)."""
    return render_csv(report)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _request(name: str, by: str, start: str, stop: str, now: datetime) -> ReportRequest:
    if name not in REPORTS:
        raise NotFoundError(f"no report {name!r}; reports: {', '.join(REPORTS)}")
    end = _day(stop, 1)
    begin = _day(start, 0)
    if begin is not None and end is not None and begin >= end:  # in the days as chosen
        raise InvalidInputError(f"the period starts on {start}, after the day it ends ({stop})")
    # "As of" today means as of now: the end of today is still to come.
    return ReportRequest(name, begin, None if end is None or end > now else end, by or None)


def _report(web: WebState, session: Session, asked: ReportRequest) -> Report:
    try:
        return report_for(web, session, asked)
    except ReportError as error:
        raise InvalidInputError(str(error)) from None


def _day(text: str, plus_days: int) -> datetime | None:
    """A date from a form: the start of that day (``to``: of the day after, inclusive)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=UTC)
