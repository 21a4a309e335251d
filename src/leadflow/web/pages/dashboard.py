"""The dashboard: the funnel with volumes and conversion rates, the monthly trend,
channel quality and the alignment figures, for every role.

The figures are the analytics reports' (``leadflow report funnel|channels|alignment``),
so the dashboard, the reports page and the command line always agree.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from leadflow.analytics.report import Report, Value
from leadflow.services.definitions import active_definition
from leadflow.services.reports import ReportRequest
from leadflow.web import i18n
from leadflow.web.charts import Chart, columns, horizontal_bars
from leadflow.web.deps import ReadsDep, WebDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import LABELS, stage_names
from leadflow.web.rendering import render
from leadflow.web.reporting import all_rows, group_rows, reports_for

__all__ = ["router"]

router = APIRouter()

TREND_MONTHS = 12


@router.get("/", dependencies=[page(*EVERY_ROLE)])
def dashboard(request: Request, web: WebDep, session: ReadsDep) -> Response:
    language: str = request.state.language
    definition = active_definition(session).definition
    names = stage_names(definition, language)
    funnel, channels, alignment = reports_for(
        web,
        session,
        [
            ReportRequest("funnel", by="month"),
            ReportRequest("channels", by="channel"),
            ReportRequest("alignment"),
        ],
    )
    stages = all_rows(funnel.section("stages"))
    trend_stages = definition.stage_ids[:2]  # new leads, and the next stage they reach
    trend = _trend(funnel, trend_stages)
    channel_rows = sorted(
        group_rows(channels.section("channels")), key=lambda row: -_number(row["leads"])
    )
    handoffs = all_rows(alignment.section("hand-offs"))
    context = {
        "section": "dashboard",
        "names": names,
        "stages": [row for row in stages if row["leads"] is not None],
        "off_ramps": [row for row in stages if row["leads"] is None],
        "funnel_chart": _funnel_chart(stages, names, language),
        "trend": trend,
        "trend_stages": trend_stages,
        "trend_legend": [names[stage] for stage in trend_stages],
        "trend_chart": columns(
            [month for month, _ in trend],
            [[float(counts.get(stage, 0)) for _, counts in trend] for stage in trend_stages],
            names=[names[stage] for stage in trend_stages],
            say=lambda value: i18n.format_number(value, language),
        ),
        "channels": channel_rows,
        "channel_chart": _channel_chart(channel_rows, language),
        "alignment": handoffs[0] if handoffs else {},
        "reasons": alignment.section("rejection reasons").records(),
    }
    return render(request, "dashboard.html", context)


def _number(value: Value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _funnel_chart(stages: list[dict[str, Value]], names: dict[str, str], language: str) -> Chart:
    items = [
        (
            names.get(str(row["stage"]), str(row["stage"])),
            _number(row["leads"]),
            i18n.format_number(_number(row["leads"]), language),
        )
        for row in stages
        if row["leads"] is not None
    ]
    return horizontal_bars(items)


def _trend(funnel: Report, stages: tuple[str, ...]) -> list[tuple[str, dict[str, int]]]:
    """Per cohort month (the last ``TREND_MONTHS``): leads that reached each stage."""
    months: dict[str, dict[str, int]] = {}
    for row in group_rows(funnel.section("stages")):
        if row["stage"] in stages and row["leads"] is not None:
            months.setdefault(str(row["group"]), {})[str(row["stage"])] = int(_number(row["leads"]))
    return sorted(months.items())[-TREND_MONTHS:]


def _channel_chart(rows: list[dict[str, Value]], language: str) -> Chart:
    gettext = i18n.translations(language).gettext
    items = [
        (
            _channel_name(row["group"], gettext),
            _number(row["persona_match_rate"]),
            i18n.format_share(_number(row["persona_match_rate"]), language),
        )
        for row in rows
    ]
    return horizontal_bars(items)


def _channel_name(code: Value, gettext: Callable[[str], str]) -> str:
    """A channel by its label (a channel the workspace made up: as it is)."""
    message = LABELS["source"].get(str(code))
    return str(code or "–") if message is None else gettext(message)
