"""The analytics reports the pages show (``services.reports``), through the cache.

Entries are keyed by the report's request and the active definition's version, so
activating a definition shows new figures at once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.analytics.costs import COSTS_FILE, load_costs
from leadflow.analytics.report import Report, Section, Value
from leadflow.services.definitions import active_definition
from leadflow.services.reports import ReportRequest, build_report
from leadflow.web.state import WebState

__all__ = ["all_rows", "group_rows", "report_for"]


def report_for(web: WebState, session: Session, request: ReportRequest) -> Report:
    """The report asked for, from the cache when it is fresh (ReportError when bad)."""
    version = active_definition(session).version_id
    key = (request.name, request.start, request.stop, request.by, request.zone, version)
    cached = web.reports.get(key)
    if cached is not None:
        return cached
    costs = load_costs(web.api.settings.workspace / COSTS_FILE)
    report = build_report(web.api.engine, request, clock=web.api.clock, costs=costs)
    web.reports.put(key, report)
    return report


def all_rows(section: Section) -> list[dict[str, Value]]:
    """The rows of the whole population (``group`` = ``all``)."""
    return [row for row in section.records() if row.get("group") == "all"]


def group_rows(section: Section) -> list[dict[str, Value]]:
    """The rows of each group (cohort month, channel ...), without the ``all`` rows."""
    return [row for row in section.records() if row.get("group") != "all"]
