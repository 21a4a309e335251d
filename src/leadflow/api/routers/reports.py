"""The analytics reports over HTTP: the figures of ``leadflow report`` as JSON.

    GET /reports/{name}?from=&to=&by=&time_zone=     funnel | channels | alignment | scoring

The body is the report's ``to_dict()``, the same document ``leadflow report NAME
--format json`` prints, and the numbers are the reports page's (one function,
``services.reports.build_report``, serves all three). ``from`` and ``to`` read as the
command line reads ``--from`` and ``--to``: ISO 8601 with a zone, a bare date meaning
midnight UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from leadflow.analytics.costs import COSTS_FILE, CostsError, load_costs
from leadflow.analytics.report import Value
from leadflow.api.auth import allow
from leadflow.api.deps import StateDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import QueryMoment
from leadflow.services.api_keys import Role
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.services.reports import (
    GROUPS,
    REPORTS,
    ReportError,
    ReportRequest,
    build_report,
    report_moment,
    time_zone,
)

__all__ = ["router"]

router = APIRouter(tags=["reports"], responses=problem_responses(401, 403, 404, 422, 429))

READERS = allow(Role.MARKETING, Role.SALES)
_FROM = (
    "Leads that entered the funnel from then on, included (ISO 8601; a date alone is midnight UTC)."
)
_TO = (
    "The end of the period, not included: the moment described, default now (ISO 8601; a"
    " date alone is midnight UTC)."
)
_ZONE = (
    "IANA time zone (Europe/Berlin) of the cohort months and of a date alone in from and"
    " to; default UTC."
)


class SectionPublic(BaseModel):
    title: str
    columns: list[str]
    rows: list[dict[str, Value]] = Field(description="One object per row, keyed by column.")


class ReportPublic(BaseModel):
    report: str
    title: str
    as_of: datetime = Field(description="The moment described (`to`, default now).")
    parameters: dict[str, Value]
    sections: list[SectionPublic]
    notes: list[str]


@router.get(
    "/reports/{name}",
    dependencies=[READERS],
    summary="A report's figures: funnel, channels, alignment or scoring (docs/analytics.md).",
)
def report(
    state: StateDep,
    name: Annotated[str, Path(max_length=20, description=", ".join(REPORTS))],
    start: Annotated[
        QueryMoment | None, Query(alias="from", max_length=40, description=_FROM)
    ] = None,
    stop: Annotated[QueryMoment | None, Query(alias="to", max_length=40, description=_TO)] = None,
    by: Annotated[str | None, Query(max_length=20, description=", ".join(GROUPS))] = None,
    zone: Annotated[str | None, Query(alias="time_zone", max_length=64, description=_ZONE)] = None,
) -> ReportPublic:
    if name not in REPORTS:
        raise NotFoundError(f"no report {name!r}; reports: {', '.join(REPORTS)}")
    if name == "scoring" and by:  # it would answer the same report, unsplit
        raise InvalidInputError(
            "the scoring report is not split into groups; leave out by", field="by"
        )
    zone = zone or None
    if zone is not None:
        try:
            time_zone(zone)
        except ReportError as error:
            raise InvalidInputError(f"time_zone: {error}", field="time_zone") from None
    request = ReportRequest(
        name, _moment("from", start, zone), _moment("to", stop, zone), by or None, zone
    )
    try:
        costs = load_costs(state.settings.workspace / COSTS_FILE)
    except CostsError as error:  # the workspace's file, not the request, is at fault
        raise ConflictError(str(error)) from None
    try:
        built = build_report(state.engine, request, clock=state.clock, costs=costs)
    except ReportError as error:
        raise _refusal(str(error)) from None
    return ReportPublic.model_validate(built.to_dict())


def _moment(parameter: str, text: str | None, zone: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return report_moment(text, zone)
    except ValueError as error:
        raise InvalidInputError(f"{parameter}: {error}", field=parameter) from None


def _refusal(message: str) -> InvalidInputError:
    """The command line's words for the API (``--by`` is ``by``), naming the parameter
    the message starts with (``--from ... is not before --to ...`` is about ``from``)."""
    first = message.split(" ", 1)[0].removeprefix("--")
    named = first if message.startswith("--") and first in _PARAMETERS else None
    return InvalidInputError(message.replace("--", ""), field=named)


_PARAMETERS = frozenset({"from", "to", "by", "time_zone"})
