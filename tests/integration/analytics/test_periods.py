"""Report periods are half-open, [--from, --to): back-to-back months add up to the quarter.

A CRM export dates a record by its day, so a contact created "1 April" and a deal closed
"1 April" both stand at midnight UTC, exactly where March ends and April begins. They
belong to April only: the March report (``--to 2026-04-01``) describes the store just
before that midnight, the April report starts at it.

    1  lead 10 Mar, sql 20 Mar (handed off then), customer 1 Apr 00:00 (a deal of 1,000
       created 25 Mar, won 1 Apr 00:00)
    2  lead 1 Apr 00:00, handed off then
    3  lead 15 Apr
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs
from leadflow.analytics.report import Value
from leadflow.domain.clock import FixedClock
from leadflow.services.reports import ReportError, ReportRequest, build_report, report_moment
from leadflow.store.models import Contact, Handoff, Opportunity, StageTransition
from tests.integration.services.conftest import activate

MARCH, APRIL, MAY = (datetime(2026, month, 1, tzinfo=UTC) for month in (3, 4, 5))
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _day(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


def _load(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    created = {1: _day(3, 10), 2: APRIL, 3: _day(4, 15)}
    moves = [(1, "lead", _day(3, 10)), (1, "sql", _day(3, 20)), (1, "customer", APRIL),
             (2, "lead", APRIL), (3, "lead", _day(4, 15))]  # fmt: skip
    with engine.begin() as c:
        c.execute(insert(Contact), [
            {"id": n, "email": f"c{n}@x.example", "identity": "known", "purchased": False,
             "attributes": {}, "source_channel": "linkedin", "created_at": at, "updated_at": at}
            for n, at in created.items()
        ])  # fmt: skip
        c.execute(insert(StageTransition), [
            {"contact_id": n, "to_stage": stage, "at": at, "reason": "test"}
            for n, stage, at in moves
        ])  # fmt: skip
        c.execute(insert(Handoff), [
            {"id": 1, "contact_id": 1, "owner": "r1", "at": _day(3, 20), "status": "accepted",
             "answered_at": _day(3, 20)},
            {"id": 2, "contact_id": 2, "owner": "r1", "at": APRIL, "status": "open",
             "answered_at": None},
        ])  # fmt: skip
        c.execute(insert(Opportunity).values(contact_id=1, status="won", amount=1000,
                                             currency="EUR", created_at=_day(3, 25),
                                             closed_at=APRIL))  # fmt: skip


def _all(name: str, engine: Engine, start: datetime, stop: datetime) -> dict[str, Value]:
    request = ReportRequest(name, start, stop)
    report = build_report(engine, request, clock=FixedClock(NOW), costs=Costs())
    return report.sections[0].records()[0]


def test_a_lead_and_a_deal_at_midnight_belong_to_the_month_that_starts_then(
    engine: Engine,
) -> None:
    _load(engine)
    march = _all("channels", engine, MARCH, APRIL)
    april = _all("channels", engine, APRIL, MAY)
    both = _all("channels", engine, MARCH, MAY)
    assert (march["leads"], april["leads"], both["leads"]) == (1, 2, 3)
    assert (march["won"], march["revenue"]) == (0, 0.0)  # won on 1 April
    assert (both["won"], both["revenue"]) == (1, 1000.0)

    hand_offs = [_all("alignment", engine, *period)["handed_off"] for period in
                 ((MARCH, APRIL), (APRIL, MAY), (MARCH, MAY))]  # fmt: skip
    assert hand_offs == [1, 1, 2]

    funnel = build_report(
        engine, ReportRequest("funnel", MARCH, APRIL), clock=FixedClock(NOW), costs=Costs()
    )
    standing = {r["stage"]: r["standing"] for r in funnel.section("stages").records()}
    assert (standing["sql"], standing["customer"]) == (1, 0)  # a customer from 1 April


@pytest.mark.parametrize(
    ("start", "stop", "said"),
    [
        (APRIL, MARCH, "--from 2026-04-01T00:00:00+00:00 is not before --to 2026-03-01"),
        (APRIL, APRIL, "--from 2026-04-01T00:00:00+00:00 is not before --to 2026-04-01"),
        (datetime(2027, 1, 1, tzinfo=UTC), None, "--from 2027-01-01T00:00:00+00:00 is in the"),
    ],
)
def test_a_reversed_empty_or_future_period_is_refused_naming_its_ends(
    engine: Engine, start: datetime, stop: datetime | None, said: str
) -> None:
    _load(engine)
    with pytest.raises(ReportError) as refused:
        build_report(
            engine, ReportRequest("funnel", start, stop), clock=FixedClock(NOW), costs=Costs()
        )
    assert str(refused.value).startswith(said)


BERLIN_APRIL = datetime(2026, 3, 31, 22, tzinfo=UTC)  # midnight in Berlin (CEST, +02:00)
BERLIN_MAY = datetime(2026, 4, 30, 22, tzinfo=UTC)


def test_cohort_months_and_bare_days_in_the_time_zone_asked_for(engine: Engine) -> None:
    # 00:30 on 1 April in Berlin, the night daylight saving time began two days before:
    # 22:30 UTC on 31 March. A Berlin team's second quarter holds no March cohort.
    _load(engine)
    at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(insert(Contact).values(id=4, email="c4@x.example", identity="known",
                                         purchased=False, attributes={}, created_at=at,
                                         updated_at=at))  # fmt: skip
        c.execute(insert(StageTransition).values(contact_id=4, to_stage="lead", at=at,
                                                 reason="test"))  # fmt: skip
    start = report_moment("2026-04-01", "Europe/Berlin")
    stop = report_moment("2026-05-01", "Europe/Berlin")
    assert (start, stop) == (BERLIN_APRIL, BERLIN_MAY)

    request = ReportRequest("funnel", start, stop, "month", zone="Europe/Berlin")
    berlin = build_report(engine, request, clock=FixedClock(NOW), costs=Costs())
    utc = build_report(engine, replace(request, zone=None), clock=FixedClock(NOW), costs=Costs())

    groups = {r["group"]: r["leads"] for r in berlin.section("stages").records()
              if r["stage"] == "lead"}  # fmt: skip
    assert groups == {"all": 3, "2026-04": 3}  # contacts 2, 3 and 4
    assert berlin.parameters["time_zone"] == "Europe/Berlin"
    assert {r["group"] for r in utc.section("stages").records()} == {"all", "2026-03", "2026-04"}


def test_an_unknown_time_zone_is_refused_in_one_line(engine: Engine) -> None:
    _load(engine)
    with pytest.raises(ReportError, match="unknown time zone 'Europe/Berlinn'"):
        build_report(
            engine, ReportRequest("funnel", zone="Europe/Berlinn"), clock=FixedClock(NOW),
            costs=Costs(),
        )  # fmt: skip
    with pytest.raises(ReportError, match="unknown time zone 'Mars/Olympus'"):
        report_moment("2026-04-01", "Mars/Olympus")
