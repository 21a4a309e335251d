"""Reports: the funnel, channel and alignment figures as tables, each downloadable as CSV.

Cells are written as text a spreadsheet will not run: a value that starts like a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from leadflow.services.definitions import active_definition
from leadflow.services.funnel_overview import FunnelOverview, funnel_overview
from leadflow.services.refusals import NotFoundError
from leadflow.web.deps import NowDep, ReadsDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import stage_names
from leadflow.web.rendering import render

__all__ = ["REPORTS", "csv_text", "router"]

router = APIRouter()

REPORTS = ("funnel", "channels", "alignment")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@router.get("/reports", dependencies=[page(*EVERY_ROLE)])
def reports(request: Request, session: ReadsDep, now: NowDep) -> Response:
    language: str = request.state.language
    definition = active_definition(session).definition
    overview = funnel_overview(session, definition, now)
    tables = {name: _table(name, overview) for name in REPORTS}
    context = {
        "section": "reports",
        "tables": tables,
        "names": stage_names(definition, language),
    }
    return render(request, "reports.html", context)


@router.get("/reports/{name}.csv", dependencies=[page(*EVERY_ROLE)])
def report_csv(
    name: Annotated[str, Path(max_length=50)], session: ReadsDep, now: NowDep
) -> Response:
    if name not in REPORTS:
        raise NotFoundError(f"no report {name!r}; reports: {', '.join(REPORTS)}")
    definition = active_definition(session).definition
    header, rows = _table(name, funnel_overview(session, definition, now))
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leadflow-{name}.csv"'},
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _table(name: str, overview: FunnelOverview) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    if name == "funnel":
        return ("stage", "now", "reached", "conversion"), [
            (s.stage, s.current, s.reached, _rounded(s.conversion)) for s in overview.stages
        ]
    if name == "channels":
        header = ("channel", "leads", "persona_share", "sales_ready_share", "sales_stage_share")
        return header, [
            (
                c.channel,
                c.leads,
                _rounded(c.persona_share),
                _rounded(c.sales_ready_share),
                _rounded(c.sales_stage_share),
            )
            for c in overview.channels
        ]
    a = overview.alignment
    figures: list[tuple[object, ...]] = [
        ("handed_off", a.handed_off),
        ("accepted", a.accepted),
        ("rejected", a.rejected),
        ("waiting", a.waiting),
        ("acceptance_rate", _rounded(a.acceptance_rate)),
        ("attempts_per_accepted_lead", _rounded(a.attempts_per_lead)),
        ("under_worked_share", _rounded(a.under_worked_share)),
        ("sales_ready_share", _rounded(a.sales_ready_share)),
        *((f"rejected_{code}", count) for code, count in a.rejection_reasons),
    ]
    return ("figure", "value"), figures


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
