"""The reports of ``leadflow report`` (and, later, of the API and the web UI).

``build_report`` reads the store as it stood at the end of the period (``--to``, default
now), rebuilds each lead's journey from the ledger under the active definition, and
computes one report (analytics/): ``funnel``, ``channels``, ``alignment`` or
``scoring``. ``--to`` is the moment described (default now), the end of the period and
not part of it: nothing dated at or after it is seen. The leads are those that entered
the funnel from ``--from`` (included) up to ``--to`` (not included);
``--by`` splits them by cohort month, channel, campaign or owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.analytics.alignment import alignment_report
from leadflow.analytics.channels import channel_report
from leadflow.analytics.costs import Costs
from leadflow.analytics.funnel import funnel_report
from leadflow.analytics.journeys import Journeys
from leadflow.analytics.money import most_common_currency
from leadflow.analytics.report import Report
from leadflow.analytics.scoring import scoring_report
from leadflow.analytics.tables import Tables, deal_currencies, read_tables
from leadflow.batch.frames import micros
from leadflow.definition.model import Definition
from leadflow.domain.clock import Clock, ensure_utc, parse_instant
from leadflow.services.definitions import active_definition

__all__ = [
    "GROUPS",
    "REPORTS",
    "ReportError",
    "ReportRequest",
    "build_report",
    "build_reports",
    "report_moment",
    "time_zone",
]

REPORTS: tuple[str, ...] = ("funnel", "channels", "alignment", "scoring")
GROUPS: tuple[str, ...] = ("month", "channel", "campaign", "owner")
_MOMENT = timedelta(microseconds=1)  # the store's resolution
_DEFAULT_BY: dict[str, str | None] = {
    "funnel": "month",
    "channels": "channel",
    "alignment": None,
    "scoring": None,
}


class ReportError(ValueError):
    """A report that cannot be made as asked; the message is one line."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    name: str
    start: datetime | None = None
    stop: datetime | None = None
    by: str | None = None  # None: the report's default grouping
    zone: str | None = None  # IANA time zone of the cohort months; None: UTC


def build_report(engine: Engine, request: ReportRequest, *, clock: Clock, costs: Costs) -> Report:
    """The report ``request`` names; its parameters say the period (``from``, and the
    moment described is ``as_of``), so an exported report states what it covers."""
    return build_reports(engine, [request], clock=clock, costs=costs)[0]


def build_reports(
    engine: Engine, requests: Sequence[ReportRequest], *, clock: Clock, costs: Costs
) -> list[Report]:
    """The reports ``requests`` name, in their order. Requests that describe the same
    moment in the same time zone share one read of the store and one rebuild of the
    journeys (the dashboard's three reports cost one read, not three). Every request is
    checked before anything is read: ReportError for the first bad one."""
    now = clock.now()
    plans = [_plan(request, now) for request in requests]
    built: dict[int, Report] = {}
    for (end, zone), members in _shared_reads(plans).items():
        with engine.connect() as connection:
            with Session(bind=connection) as session:
                definition = active_definition(session).definition
            tables = read_tables(connection, end)
            currency = costs.currency or most_common_currency(deal_currencies(connection))
        journeys = Journeys.build(
            tables, definition, currency=currency, rates=costs.exchange_rates, zone=zone
        )
        for index in members:
            report = _computed(plans[index], tables, journeys, definition, costs)
            built[index] = _with_period(report, requests[index])
    return [built[index] for index in range(len(requests))]


def report_moment(text: str, zone: str | None = None) -> datetime:
    """``--from``/``--to`` as typed: an ISO 8601 moment with its offset, or a date alone,
    which is midnight UTC, or midnight in ``zone`` when one is given (ValueError naming
    the text when it is neither; ReportError for a zone that does not exist)."""
    moment = parse_instant(text)
    if zone is None or len(text.strip()) != len("2026-04-01"):
        return moment
    local = datetime.combine(moment.date(), time.min, tzinfo=time_zone(zone))
    return ensure_utc(local)


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ReportError when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportError(
            f"unknown time zone {name!r}; give an IANA name such as Europe/Berlin"
        ) from None


def _check_period(start: datetime | None, stop: datetime | None, now: datetime) -> None:
    """A period that cannot hold a lead is refused, naming the ends given."""
    if stop is not None and micros(ensure_utc(stop)) > micros(now):
        raise ReportError(f"--to {ensure_utc(stop).isoformat()} is in the future")
    if start is None:
        return
    began = ensure_utc(start)
    if stop is not None and micros(began) >= micros(ensure_utc(stop)):
        raise ReportError(
            f"--from {began.isoformat()} is not before --to {ensure_utc(stop).isoformat()}"
        )
    if micros(began) >= micros(now):
        raise ReportError(f"--from {began.isoformat()} is in the future")


@dataclass(frozen=True, slots=True)
class _Plan:
    """A checked request: the report, its grouping and its period in the store's time."""

    name: str
    by: str | None
    as_of: datetime
    start_us: int | None
    end: datetime  # the first moment not seen
    zone: str | None


def _plan(request: ReportRequest, now: datetime) -> _Plan:
    name = request.name
    if name not in REPORTS:
        raise ReportError(f"unknown report {name!r}; reports: {', '.join(REPORTS)}")
    by = request.by or _DEFAULT_BY[name]
    if request.zone is not None:
        time_zone(request.zone)
    if by is not None and by not in GROUPS:
        raise ReportError(f"--by must be one of {', '.join(GROUPS)}, got {by!r}")
    as_of = ensure_utc(request.stop) if request.stop is not None else now
    _check_period(request.start, request.stop, now)
    start = None if request.start is None else micros(ensure_utc(request.start))
    # The period is [from, to): a given --to is its end, not part of it. Without one it
    # ends now, and what was recorded at this very moment is part of it.
    end = as_of if request.stop is not None else as_of + _MOMENT
    return _Plan(name, by, as_of, start, end, request.zone)


def _shared_reads(plans: Sequence[_Plan]) -> dict[tuple[datetime, str | None], list[int]]:
    """The indexes of ``plans`` grouped by what they read: the same end, the same zone."""
    reads: dict[tuple[datetime, str | None], list[int]] = {}
    for index, plan in enumerate(plans):
        reads.setdefault((plan.end, plan.zone), []).append(index)
    return reads


def _with_period(report: Report, request: ReportRequest) -> Report:
    start = None if request.start is None else ensure_utc(request.start).isoformat()
    zone = {} if request.zone is None else {"time_zone": request.zone}
    return replace(report, parameters={**report.parameters, "from": start, **zone})


def _computed(
    plan: _Plan, tables: Tables, journeys: Journeys, definition: Definition, costs: Costs
) -> Report:
    as_of, start, stop, by = plan.as_of, plan.start_us, micros(plan.end), plan.by
    if plan.name == "funnel":
        return funnel_report(journeys, definition, as_of=as_of, start_us=start, stop_us=stop, by=by)
    if plan.name == "channels":
        return channel_report(
            tables, journeys, definition, costs, as_of=as_of, start_us=start, stop_us=stop,
            by=by or "channel",
        )  # fmt: skip
    if plan.name == "alignment":
        return alignment_report(
            tables, journeys, as_of=as_of, start_us=start, stop_us=stop, by=by,
            min_attempts=definition.handoff.cadence.min_attempts,
        )  # fmt: skip
    return scoring_report(tables, journeys, definition, as_of=as_of, start_us=start, stop_us=stop)
