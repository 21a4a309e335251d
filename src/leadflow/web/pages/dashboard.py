"""The dashboard: the funnel with volumes and conversion, the weekly trend, channel
quality and the alignment figures, for every role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from leadflow.services.definitions import active_definition
from leadflow.services.funnel_overview import FunnelOverview, funnel_overview
from leadflow.web import i18n
from leadflow.web.charts import Chart, columns, horizontal_bars
from leadflow.web.deps import NowDep, ReadsDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import stage_names
from leadflow.web.rendering import render

__all__ = ["router"]

router = APIRouter()


@router.get("/", dependencies=[page(*EVERY_ROLE)])
def dashboard(request: Request, session: ReadsDep, now: NowDep) -> Response:
    language: str = request.state.language
    definition = active_definition(session).definition
    overview = funnel_overview(session, definition, now)
    names = stage_names(definition, language)
    context = {
        "section": "dashboard",
        "overview": overview,
        "names": names,
        "funnel_chart": _funnel_chart(overview, names, language),
        "trend_chart": _trend_chart(overview, definition.stage_ids, language),
        "trend_stages": definition.stage_ids[:2],
        "trend_legend": [names[stage] for stage in definition.stage_ids[:2]],
        "channel_chart": _channel_chart(overview, language),
    }
    return render(request, "dashboard.html", context)


def _funnel_chart(overview: FunnelOverview, names: dict[str, str], language: str) -> Chart:
    items = [
        (names.get(s.stage, s.stage), float(s.reached), i18n.format_number(s.reached, language))
        for s in overview.stages
    ]
    return horizontal_bars(items)


def _trend_chart(overview: FunnelOverview, stages: tuple[str, ...], language: str) -> Chart:
    shown = stages[:2]  # new leads, and the next stage they convert to
    labels = [i18n.format_instant_day(week.week, language) for week in overview.trend]
    series = [[float(week.entered.get(stage, 0)) for week in overview.trend] for stage in shown]
    return columns(labels, series)


def _channel_chart(overview: FunnelOverview, language: str) -> Chart:
    items = [
        (c.channel or "–", c.persona_share, i18n.format_share(c.persona_share, language))
        for c in overview.channels
    ]
    return horizontal_bars(items)
