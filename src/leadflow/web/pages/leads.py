"""The leads list: filter by stage, temperature, grade, lead type, owner, source and
last activity; search by e-mail, domain or number; sort by column; page by key.

With htmx the filter form and the pager replace only the results (``#results``) and
push the URL, so a filtered list can be bookmarked and the back button works; without
JavaScript the same links and form load whole pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from leadflow.domain.vocabulary import ACQUISITION_CHANNELS, Grade, LeadType, Temperature
from leadflow.ingest.values import channel
from leadflow.services.definitions import active_definition
from leadflow.services.lead_export import (
    ExportFormat,
    LeadExport,
    check_request,
    streamed_csv,
)
from leadflow.services.lead_list import LeadFilter, LeadSort, list_leads, owner_key, owners
from leadflow.services.refusals import InvalidInputError
from leadflow.web import i18n
from leadflow.web.deps import ReadsDep, WebDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import LABELS, stage_names
from leadflow.web.rendering import render

__all__ = ["router"]

router = APIRouter()

_TEXT_MAX = 200
_FILTERS = ("stage", "temperature", "grade", "lead_type", "owner", "source", "from", "to", "q")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's query string, checked: what the page links keep and change."""

    values: Mapping[str, str]  # filters as given (for the form and the links)
    where: LeadFilter
    sort: LeadSort
    descending: bool
    cursor: str | None

    def link(self, prefix: str, **changes: str | None) -> str:
        """This list's URL with some parameters changed (None removes one)."""
        params = {
            **self.values,
            "sort": self.sort.value,
            "dir": "desc" if self.descending else "asc",
        }
        params.update(changes)  # type: ignore[arg-type]
        kept = {key: value for key, value in params.items() if value}
        return f"{prefix}/leads?{urlencode(kept)}"


@router.get("/leads", dependencies=[page(*EVERY_ROLE)])
def leads(request: Request, session: ReadsDep) -> Response:
    language: str = request.state.language
    definition = active_definition(session).definition
    names = stage_names(definition, language)
    query = _checked(dict(request.query_params), names, language, request.state.zone)
    query = replace(query, where=replace(query.where, owner=owner_key(session, query.where.owner)))
    found = list_leads(
        session, query.where, sort=query.sort, descending=query.descending, cursor=query.cursor
    )
    prefix = request.app.state.web.prefix
    context = {
        "section": "leads",
        "query": query,
        "found": found,
        "names": names,
        "link": _linker(query, prefix),
        "temperatures": [t.value for t in Temperature],
        "grades": [g.value for g in Grade],
        "lead_types": [t.value for t in LeadType],
        "channels": ACQUISITION_CHANNELS,
        "owners": owners(session),
        "downloads": {
            fmt.value: f"{prefix}/leads.csv?{urlencode({**query.values, 'format': fmt.value})}"
            for fmt in ExportFormat
        },
    }
    partial = request.headers.get("HX-Target") == "results"
    return render(request, "leads_results.html" if partial else "leads.html", context)


@router.get("/leads.csv", dependencies=[page(*EVERY_ROLE)])
def leads_download(request: Request, web: WebDep, session: ReadsDep) -> Response:
    """The listed leads (every page of them) as CSV: leadflow's columns, or a file for
    HubSpot's or Salesforce's import (``format``); services/lead_export.py."""
    language: str = request.state.language
    names = stage_names(active_definition(session).definition, language)
    params = dict(request.query_params)
    query = _checked(params, names, language, request.state.zone)
    try:
        fmt = ExportFormat(params.get("format", ExportFormat.GENERIC.value))
    except ValueError:
        raise InvalidInputError(f"unknown format {params.get('format')!r}") from None
    where = replace(query.where, owner=owner_key(session, query.where.owner))
    export = LeadExport(where)
    check_request(session, export)
    return StreamingResponse(
        streamed_csv(web.api.reads, fmt, export),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leadflow-leads-{fmt.value}.csv"'},
    )


def _linker(query: ListQuery, prefix: str) -> Callable[..., str]:
    def link(**changes: str | None) -> str:
        return query.link(prefix, **changes)

    return link


def _checked(
    params: Mapping[str, str], names: Mapping[str, str], language: str, zone: tzinfo
) -> ListQuery:
    values = {key: params[key].strip()[:_TEXT_MAX] for key in _FILTERS if params.get(key)}
    _one_of(values, "stage", names)
    _one_of(values, "temperature", [t.value for t in Temperature])
    _one_of(values, "grade", [g.value for g in Grade])
    _one_of(values, "lead_type", [t.value for t in LeadType])
    where = LeadFilter(
        stage=values.get("stage"),
        temperature=values.get("temperature"),
        grade=values.get("grade"),
        lead_type=values.get("lead_type"),
        owner=values.get("owner"),
        source=_channel(values.get("source"), language),
        active_from=_day(values.get("from"), 0, zone),
        active_to=_day(values.get("to"), 1, zone),  # "to" includes that whole day
        search=values.get("q"),
    )
    try:
        sort = LeadSort(params.get("sort", LeadSort.ACTIVITY.value))
    except ValueError:
        raise InvalidInputError(f"unknown sort {params.get('sort')!r}") from None
    descending = params.get("dir", "desc") != "asc"
    return ListQuery(values, where, sort, descending, params.get("cursor") or None)


def _channel(text: str | None, language: str) -> str | None:
    """The channel code for what the reader typed: the list shows a channel by its label
    (``paid search``, ``bezahlte Suche``), so the label finds it as the code does; any
    other word is read as imports read it (``SEO`` is ``organic_search``, a team's own
    ``Partner Portal`` is stored ``partner_portal``)."""
    if not text:
        return None
    catalog = i18n.translations(language)
    wanted = text.casefold()
    for code, message in LABELS["source"].items():
        if wanted in {code.casefold(), message.casefold(), catalog.gettext(message).casefold()}:
            return code
    return channel(text) or text


def _one_of(values: dict[str, str], key: str, allowed: object) -> None:
    if key in values and values[key] not in allowed:  # type: ignore[operator]
        raise InvalidInputError(f"unknown {key} {values[key]!r}")


def _day(text: str | None, plus_days: int, zone: tzinfo) -> datetime | None:
    """The start of that day where the reader is (the list shows times in their zone)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    start = datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=zone)
    return start.astimezone(UTC)
