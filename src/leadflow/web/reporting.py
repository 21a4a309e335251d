"""The analytics reports the pages show (``services.reports``), through the cache.

Entries are keyed by the report's request and the active definition's version, so
activating a definition shows new figures at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from leadflow.analytics.costs import COSTS_FILE, load_costs
from leadflow.analytics.report import Report, Section, Value
from leadflow.services.definitions import active_definition
from leadflow.services.reports import ReportRequest, build_reports
from leadflow.web.state import WebState

__all__ = ["all_rows", "group_rows", "report_for", "reports_for"]


def report_for(web: WebState, session: Session, request: ReportRequest) -> Report:
    """The report asked for, from the cache when it is fresh (ReportError when bad)."""
    return reports_for(web, session, [request])[0]


def reports_for(web: WebState, session: Session, requests: Sequence[ReportRequest]) -> list[Report]:
    """The reports asked for, in order: fresh ones from the cache, the others built
    together, so reports of the same moment share one read of the store."""
    version = active_definition(session).version_id
    keys = [_key(request, version) for request in requests]
    reports: list[Report | None] = [web.reports.get(key) for key in keys]
    missing = [index for index, report in enumerate(reports) if report is None]
    if missing:
        costs = load_costs(web.api.settings.workspace / COSTS_FILE)
        asked = [requests[index] for index in missing]
        built = build_reports(web.api.engine, asked, clock=web.api.clock, costs=costs)
        for index, report in zip(missing, built, strict=True):
            web.reports.put(keys[index], report)
            reports[index] = report
    return [report for report in reports if report is not None]  # all are, by now


def _key(request: ReportRequest, version: int) -> tuple[object, ...]:
    return (request.name, request.start, request.stop, request.by, request.zone, version)


def all_rows(section: Section) -> list[dict[str, Value]]:
    """The rows of the whole population (``group`` = ``all``)."""
    return [row for row in section.records() if row.get("group") == "all"]


def group_rows(section: Section) -> list[dict[str, Value]]:
    """The rows of each group (cohort month, channel ...), without the ``all`` rows."""
    return [row for row in section.records() if row.get("group") != "all"]
