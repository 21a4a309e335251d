"""The reports' figures on a small workspace, against figures counted by hand.

Fifteen contacts over March-May 2026, built through the services (real-time events,
sales' answers, attempts, deals, a merge, an erasure) with a clock that moves with them.
Every handed-off lead asks for a demo, so it jumps from ``lead`` to ``sql`` at once
(no time in ``lead``, none in ``mql``). Deals: 10,000 EUR, 5,000 GBP and 8,000 GBP, GBP
at 1.2 EUR; per lead paid_search 40, linkedin 55, organic search unpriced.

    1  a  paid_search  2 Mar   handed off, accepted after 4 h, connected, deal 7 Mar, won 22 Mar
    2  b  paid_search  4 Mar   handed off, rejected bad_fit (disqualified)
    3  c  linkedin     5 Mar   accepted after 5 h, one attempt, closed: under-worked, nurture
    4  d  linkedin    12 Mar   accepted after 2 h, connected, 5,000 GBP 17 Mar, lost 1 Apr
    5  e  organic     14 Mar   a page view: lead only
    6  f  paid_search  2 Apr   accepted after 6 h, connected, 8,000 GBP 6 Apr, won 16 Apr
    7  g  linkedin     4 Apr   rejected not_ready (nurture); handed off again 21 Apr,
                               accepted after 3 h, three attempts, closed 25 Apr
    8  h  organic      7 Apr   accepted after 24 h, never tried (SLA missed)
    9  i  paid_search 11 Apr   accepted after 26 h, never tried; j (linkedin, 12 Apr,
                               handed off, unanswered) merged into it: one lead, and the
                               survivor keeps the newer record's channel (linkedin)
   11  k  organic     14 Apr   handed off, then erased: counted nowhere
   12  l  paid_search  2 May   a page view: lead only
   13  m  linkedin     3 May   handed off, unanswered
   14  n  organic     31 Mar 23:30 UTC (1 Apr 01:30 in Berlin), a page view
   15  o  paid_search 30 Apr 22:30 UTC (1 May 00:30 in Berlin), accepted 1 May 08:00
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs
from leadflow.analytics.report import Report, Value
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.cadence import close_lead, log_attempt
from leadflow.services.contacts import create_contact
from leadflow.services.feedback import accept, reject
from leadflow.services.gdpr import erase_person
from leadflow.services.identity import merge_contacts
from leadflow.services.opportunities import create_opportunity, lose_opportunity, win_opportunity
from leadflow.services.reports import ReportRequest, build_report, report_moment
from tests.integration.handoff.conftest import Desk

NOW = datetime(2026, 6, 15, tzinfo=UTC)
MARCH, APRIL, MAY, JUNE = (datetime(2026, month, 1, tzinfo=UTC) for month in (3, 4, 5, 6))
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
COSTS = Costs.model_validate(
    {
        "currency": "EUR",
        "exchange_rates": {"GBP": 1.2},
        "per_lead": {"channel": {"paid_search": 40, "linkedin": 55}},
    }
)


class _World:
    def __init__(self, session: Session) -> None:
        self.desk = Desk(session)
        self.session = session
        self.count = 0

    def at(self, day: float, hour: int = 10) -> datetime:
        self.desk.clock.current = T0 + timedelta(days=day, hours=hour - 9)
        return self.desk.clock.current

    def contact(self, channel: str, moment: datetime, kind: str | None = "demo_request") -> int:
        self.desk.clock.current = moment
        self.count += 1
        n = self.count
        values = {
            "email": f"lead{n}@company{n}.example", "first_name": "Lead", "last_name": f"N{n}",
            "seniority": "director", "department": "marketing", "country": "NL",
            "account_id": self.desk.account(f"company{n}.example"), "company": f"Company {n}",
            "source_channel": channel,
        }  # fmt: skip
        contact_id = create_contact(self.session, values, moment).contact.id
        if kind == "demo_request":
            self.desk.event(contact_id)
        elif kind is not None:
            self.desk.event(contact_id, kind, url="https://x.example/blog")
        return contact_id

    def attempt(self, contact_id: int, day: float, outcome: str, channel: str = "call") -> None:
        self.at(day)
        clock = self.desk.clock
        log_attempt(self.session, contact_id, channel=channel, outcome=outcome, rep=None,
                    clock=clock)  # fmt: skip

    def deal(self, contact_id: int, day: float, amount: float, currency: str) -> int:
        self.at(day)
        deal = create_opportunity(
            self.session, contact_id, amount=amount, currency=currency,
            expected_close=date(2026, 6, 30), rep=None, clock=self.desk.clock,
        )  # fmt: skip
        return deal.opportunity.id

    def accept(self, contact_id: int, day: float, hour: int) -> None:
        self.at(day, hour)
        accept(self.session, contact_id, rep=None, clock=self.desk.clock)

    def reject(self, contact_id: int, day: float, code: str) -> None:
        self.at(day)
        reject(self.session, contact_id, code=code, note=None, rep=None, clock=self.desk.clock)

    def close(self, contact_id: int, day: float) -> None:
        self.at(day)
        close_lead(self.session, contact_id, reason="unresponsive", rep=None, clock=self.desk.clock)


def _build(session: Session) -> None:
    w = _World(session)
    w.desk.activate(preset_text("waterfall"), "waterfall.yaml")
    w.desk.team("nl")
    w.desk.rep("eva", "nl", capacity=50)
    clock = w.desk.clock
    a = w.contact("paid_search", w.at(0))
    w.accept(a, 0, 14)
    w.attempt(a, 1, "connected")
    won = w.deal(a, 5, 10_000, "EUR")
    w.at(20)
    win_opportunity(session, won, reason=None, actor="eva", clock=clock)
    b = w.contact("paid_search", w.at(2))
    w.reject(b, 3, "bad_fit")
    c = w.contact("linkedin", w.at(3))
    w.accept(c, 3, 15)
    w.attempt(c, 4, "no_answer")
    w.close(c, 6)
    d = w.contact("linkedin", w.at(10))
    w.accept(d, 10, 12)
    w.attempt(d, 11, "connected")
    lost = w.deal(d, 15, 5_000, "GBP")
    w.at(30)
    lose_opportunity(session, lost, reason="price", actor="eva", clock=clock)
    w.contact("organic_search", w.at(12), kind="page_view")
    f = w.contact("paid_search", w.at(31))
    w.accept(f, 31, 16)
    w.attempt(f, 32, "connected")
    won = w.deal(f, 35, 8_000, "GBP")
    w.at(45)
    win_opportunity(session, won, reason=None, actor="eva", clock=clock)
    g = w.contact("linkedin", w.at(33))
    w.reject(g, 34, "not_ready")
    w.at(50)
    w.desk.event(g)  # sales-ready again: handed off a second time
    w.accept(g, 50, 13)
    for day, channel in ((51, "call"), (52, "email"), (53, "call")):
        w.attempt(g, day, "no_answer", channel)
    w.close(g, 54)
    h = w.contact("organic_search", w.at(36))
    w.accept(h, 37, 10)
    i = w.contact("paid_search", w.at(40))
    j = w.contact("linkedin", w.at(41))
    w.accept(i, 41, 12)
    w.at(42)
    merge_contacts(session.connection(), i, j, now=clock.now())
    session.commit()
    k = w.contact("organic_search", w.at(44))
    w.at(45, 11)
    erase_person(session, k, now=clock.now())
    w.contact("paid_search", w.at(61), kind="page_view")
    w.contact("linkedin", w.at(62))
    w.contact("organic_search", datetime(2026, 3, 31, 23, 30, tzinfo=UTC), kind="page_view")
    o = w.contact("paid_search", datetime(2026, 4, 30, 22, 30, tzinfo=UTC))
    clock.current = datetime(2026, 5, 1, 8, tzinfo=UTC)
    accept(session, o, rep=None, clock=clock)


@pytest.fixture
def world(engine: Engine) -> Engine:
    with Session(engine) as session:
        _build(session)
    return engine


def _report(
    engine: Engine,
    name: str,
    start: datetime | None = None,
    stop: datetime | None = None,
    *,
    by: str | None = None,
    zone: str | None = None,
    costs: Costs = COSTS,
) -> Report:
    request = ReportRequest(name, start, stop, by, zone)
    return build_report(engine, request, clock=FixedClock(NOW), costs=costs)


def _rows(report: Report, group: str = "all") -> list[dict[str, Value]]:
    return [row for row in report.sections[0].records() if row["group"] == group]


def _column(rows: list[dict[str, Value]], name: str) -> list[Value]:
    return [row[name] for row in rows]


def test_funnel_figures_are_the_ones_counted_by_hand(world: Engine) -> None:
    report = _report(world, "funnel", MARCH, JUNE)
    rows = _rows(report)
    assert _column(rows, "stage") == [
        "lead", "mql", "sql", "opportunity", "customer", "nurture", "disqualified"
    ]  # fmt: skip
    # a-i, l, m, n, o: j is merged into i, k erased.
    assert _column(rows, "leads")[:5] == [13, 10, 10, 3, 2]
    assert _column(rows, "conversion_rate")[:5] == [None, 10 / 13, 1.0, 3 / 10, 2 / 3]
    # lead: moved on at the moment it arrived; mql: every lead jumped past it;
    # sql -> opportunity: a 5, d 5, f 4 days; opportunity -> customer: a 15, f 10.
    assert _column(rows, "median_days")[:5] == [0.0, None, 5.0, 12.5, None]
    pipeline = 10_000 + 5_000 * 1.2 + 8_000 * 1.2
    assert _column(rows, "pipeline_value")[:5] == [pipeline] * 4 + [10_000 + 9_600]
    assert _column(rows, "won_value")[:5] == [19_600.0] * 5
    # lead: e, l, n; sql: h, i, m, o; customer: a, f; nurture: c, d, g; disqualified: b.
    assert _column(rows, "standing") == [3, 0, 4, 0, 2, 3, 1]
    assert (
        report.notes[-1]
        == "values in EUR; deals in GBP converted at the exchange rates of costs.yaml"
    )

    march = _rows(report, "2026-03")  # a, b, c, d, e, n (31 March 23:30 UTC)
    assert _column(march, "leads")[:5] == [6, 4, 4, 2, 1]
    assert _column(march, "median_days")[:5] == [0.0, None, 5.0, 15.0, None]
    assert _column(march, "standing") == [2, 0, 0, 0, 1, 2, 1]
    may = _rows(report, "2026-05")  # l, m
    assert _column(may, "leads")[:5] == [2, 1, 1, 0, 0]


def test_a_month_in_berlin_takes_the_leads_that_arrived_there_that_month(world: Engine) -> None:
    zone = "Europe/Berlin"
    start, stop = report_moment("2026-04-01", zone), report_moment("2026-05-01", zone)
    berlin = _rows(_report(world, "funnel", start, stop, zone=zone), "2026-04")
    utc = _rows(_report(world, "funnel", APRIL, MAY), "2026-04")
    # Berlin's April: n (1 April 01:30 there), f, g, h, i; o arrived on 1 May there.
    assert _column(berlin, "leads")[:3] == [5, 4, 4]
    assert _column(berlin, "standing")[:3] == [1, 0, 2]  # n; h, i (o not yet handed off)
    # UTC's April: f, g, h, i, o.
    assert _column(utc, "leads")[:3] == [5, 5, 5]
    hand_offs = _rows(_report(world, "alignment", start, stop, zone=zone))[0]
    assert (hand_offs["handed_off"], hand_offs["unanswered"]) == (5, 0)


def test_channel_figures_are_the_ones_counted_by_hand(world: Engine) -> None:
    report = _report(world, "channels", MARCH, JUNE)
    by_channel = {row["group"]: row for row in report.sections[0].records()}
    paid, linkedin, organic = (
        by_channel[name] for name in ("paid_search", "linkedin", "organic_search")
    )
    # paid: a, b, f, l, o; linkedin: c, d, g, i (the merge kept j's channel), m.
    assert (paid["leads"], paid["sql"], paid["won"]) == (5, 4, 2)
    assert (paid["sql_to_won_rate"], paid["lead_to_won_rate"]) == (0.5, 0.4)
    assert paid["revenue"] == 19_600.0
    assert (paid["cost"], paid["cost_per_sql"], paid["cost_per_won"]) == (200.0, 50.0, 100.0)
    assert (linkedin["leads"], linkedin["mql"], linkedin["sql"], linkedin["won"]) == (5, 5, 5, 0)
    assert (linkedin["cost"], linkedin["cost_per_sql"], linkedin["cost_per_won"]) == (
        275.0, 55.0, None
    )  # fmt: skip
    assert (organic["leads"], organic["sql"], organic["cost"]) == (3, 1, None)
    everyone = by_channel["all"]
    assert (everyone["leads"], everyone["persona_match_rate"]) == (13, 1.0)
    assert (everyone["cost"], everyone["cost_per_sql"]) == (475.0, 47.5)


def test_alignment_figures_are_the_ones_counted_by_hand(world: Engine) -> None:
    report = _report(world, "alignment", MARCH, JUNE)
    (row,) = _rows(report)
    # Hand-offs of a, b, c, d, f, g twice, h, i, m, o; j's the merge closed is not one.
    assert (row["handed_off"], row["accepted"], row["rejected"], row["unanswered"]) == (
        11, 8, 2, 1
    )  # fmt: skip
    assert row["acceptance_rate"] == 0.8
    # Hours to accept: a 4, c 5, d 2, f 6, g 3, h 24, i 26, o 9.5.
    assert row["median_hours_to_accept"] == 5.5
    # First attempts by the due time: a, c, d, f, g; h and i never tried, o not tried
    # and its due time passed.
    assert row["sla_met_rate"] == 5 / 8
    assert row["attempts_per_lead"] == 7 / 8
    assert (row["gave_up"], row["under_worked_share"]) == (2, 1 / 8)
    assert row["sales_ready_share"] == 10 / 13
    reasons = report.section("rejection reasons").records()
    assert {r["reason"]: r["rejected"] for r in reasons} == {"bad_fit": 1, "not_ready": 1}
    given_up = report.section("attempts before giving up").records()
    assert [(r["attempts"], r["leads"]) for r in given_up] == [("1", 1), ("3", 1)]


def test_a_past_moment_reads_deals_and_answers_as_they_stood(world: Engine) -> None:
    stop = datetime(2026, 4, 10, tzinfo=UTC)
    rows = _rows(_report(world, "funnel", None, stop))
    # a-e, n, f, g, h; f's deal (won 16 April) is still open.
    assert _column(rows, "leads")[:5] == [9, 7, 7, 3, 1]
    assert _column(rows, "won_value")[0] == 10_000.0
    assert _column(rows, "standing") == [2, 0, 1, 1, 1, 3, 1]
    (row,) = _rows(_report(world, "alignment", None, stop))
    assert (row["handed_off"], row["accepted"], row["rejected"]) == (7, 5, 2)
    assert (row["sla_met_rate"], row["gave_up"]) == (0.8, 1)


def test_scoring_grid_counts_the_period_leads(world: Engine) -> None:
    report = _report(world, "scoring", MARCH, JUNE)
    grid = {
        (r["grade"], r["engagement"]): r for r in report.section("grade x engagement").records()
    }
    assert sum(int(r["leads"] or 0) for r in grid.values()) == 13
    # Engagement: e, l, n a page view (low); g, i over 40 (a second demo request, a merge);
    # the others 10-40; a and f won, both medium.
    assert [(grid["A", band]["leads"], grid["A", band]["won_rate"]) for band in
            ("low", "medium", "high")] == [(3, 0.0), (8, 0.25), (2, 0.0)]  # fmt: skip
    deciles = report.section("by fit decile").records()
    assert sum(int(r["leads"] or 0) for r in deciles) == 13
    assert [r["leads"] for r in deciles] == [2, 2, 2, 1, 1, 1, 1, 1, 1, 1]


def test_without_a_currency_every_period_reports_in_the_same_one(
    world: Engine,
) -> None:
    """The default report currency is the one most of the workspace's deals are in:
    March (one EUR deal known by its end, and a GBP one) and April must not be in two
    currencies, or back-to-back periods would not add up."""
    costs = Costs.model_validate({"exchange_rates": {"GBP": 1.2, "EUR": 0.8}})
    march = _report(world, "channels", MARCH, APRIL, costs=costs)
    april = _report(world, "channels", APRIL, MAY, costs=costs)
    both = _report(world, "channels", MARCH, MAY, costs=costs)
    currencies = {r.parameters["currency"] for r in (march, april, both)}
    assert currencies == {"GBP"}  # two GBP deals, one EUR
    revenue = [_rows(r)[0]["revenue"] for r in (march, april, both)]
    assert revenue == [8_000.0, 8_000.0, 16_000.0]
