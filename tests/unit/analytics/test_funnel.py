"""The funnel's four waterfall metrics on a ledger small enough to check by hand."""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
import pytest

from leadflow.analytics.alignment import alignment_report
from leadflow.analytics.channels import channel_report
from leadflow.analytics.costs import Costs
from leadflow.analytics.funnel import funnel_report
from leadflow.analytics.journeys import Journeys
from leadflow.analytics.scoring import scoring_report
from leadflow.definition.loader import load_definition
from tests.unit.analytics.ledger import T0, tables, us

WATERFALL = load_definition("waterfall")


def _rows(by: str | None = None) -> dict[tuple[str, str], dict[str, object]]:
    journeys = Journeys.build(tables(), WATERFALL)
    report = funnel_report(journeys, WATERFALL, as_of=T0, by=by)
    return {(str(r["group"]), str(r["stage"])): r for r in report.section("stages").records()}


def test_volume_conversion_velocity_value_and_standing_per_stage() -> None:
    rows = _rows()
    lead, mql, sql = rows[("all", "lead")], rows[("all", "mql")], rows[("all", "sql")]
    assert [lead["leads"], mql["leads"], sql["leads"]] == [4, 3, 2]  # jumps pass stages
    assert lead["conversion_rate"] is None
    assert mql["conversion_rate"] == pytest.approx(3 / 4)
    assert sql["conversion_rate"] == pytest.approx(2 / 3)
    # lead -> next: contact 1 in 2 days, 2 in 2 (lead d1, past mql at d3); 4 never stood
    # at lead (it entered at mql), so it spent no time there to count
    assert lead["median_days"] == pytest.approx(2.0)
    # mql -> sql: contact 1 in 4 days, 2 in none (it passed mql on its way to sql); 4 never
    assert mql["median_days"] == pytest.approx(4.0)
    assert sql["pipeline_value"] == 1500.0
    assert sql["won_value"] == 1000.0
    assert rows[("all", "customer")]["leads"] == 0  # the ledger never moved anyone there
    assert rows[("all", "nurture")]["standing"] == 1
    assert (sql["standing"], mql["standing"], lead["standing"]) == (2, 1, 0)


def test_a_stage_every_lead_jumped_past_has_no_velocity() -> None:
    """Leads that passed a stage on their way further never stood in it: counting them
    at 0 days made a stage nobody waited in read as instant (0.0 days to next)."""
    data = tables()
    moves = pa.table(
        {
            "contact_id": [1, 1, 2, 2], "from_stage": [None] * 4,
            "to_stage": ["lead", "sql", "lead", "opportunity"],
            "at_us": [us(0), us(5), us(1), us(9)], "actor": [None] * 4,
        }
    )  # fmt: skip
    journeys = Journeys.build(replace(data, transitions=moves), WATERFALL)
    report = funnel_report(journeys, WATERFALL, as_of=T0, by=None)
    rows = {str(r["stage"]): r for r in report.section("stages").records()}
    assert rows["mql"]["leads"] == 2  # both passed it
    assert rows["mql"]["median_days"] is None  # neither stood in it
    assert rows["lead"]["median_days"] == pytest.approx(6.5)  # 5 and 8 days at lead
    assert rows["sql"]["median_days"] is None  # contact 2 passed sql; 1 never moved on


def test_a_funnel_by_cohort_month_and_before_anyone_arrived() -> None:
    rows = _rows(by="month")
    assert rows[("2026-01", "lead")]["leads"] == 4
    journeys = Journeys.build(tables(), WATERFALL)
    early = funnel_report(journeys, WATERFALL, as_of=T0, start_us=us(1.5), stop_us=us(3), by=None)
    # Only contact 3 entered the funnel between day 1.5 and day 3.
    assert early.section("stages").rows[0][2] == 1


def test_channels_and_scoring_on_the_same_ledger() -> None:
    data = tables()
    journeys = Journeys.build(data, WATERFALL)
    channels = channel_report(data, journeys, WATERFALL, Costs(), as_of=T0)
    linkedin = next(r for r in channels.section("channels").records() if r["group"] == "linkedin")
    assert linkedin["leads"] == 2
    assert linkedin["persona_match_rate"] == 1.0  # grades A and B
    assert (linkedin["mql"], linkedin["sql"], linkedin["won"]) == (2, 2, 1)
    assert linkedin["sql_to_won_rate"] == 0.5
    assert linkedin["revenue"] == 1000.0
    scoring = scoring_report(data, journeys, WATERFALL, as_of=T0)
    deciles = scoring.section("by fit decile").records()
    assert sum(int(r["leads"] or 0) for r in deciles) == 4
    assert deciles[-1]["won_rate"] == 1.0  # the best fit is the customer
    grid = {
        (r["grade"], r["engagement"]): r for r in scoring.section("grade x engagement").records()
    }
    assert grid[("A", "high")]["leads"] == 1
    assert grid[("D", "low")]["won_rate"] == 0.0


def test_alignment_on_the_same_ledger() -> None:
    data = tables()
    report = alignment_report(data, Journeys.build(data, WATERFALL), as_of=T0)
    (row,) = report.section("hand-offs").records()
    assert (row["handed_off"], row["accepted"], row["rejected"]) == (3, 2, 1)
    assert row["sales_ready_share"] == 3 / 4  # 1, 2, 3 handed off (1 is sales-ready too)
    assert row["sla_met_rate"] == 1.0  # both accepted were tried within their due time
    assert (row["gave_up"], row["under_worked_share"]) == (1, 0.5)
    assert report.section("attempts before giving up").rows == (("1", 1, 1.0),)


def test_alignment_by_channel_files_each_hand_off_under_its_own_contacts_channel() -> None:
    # A hand-off of contact 5, who is not among the report's contacts (merged away, or
    # created after the period): it was filed under contact 4's channel, referral.
    data = tables()
    stray = pa.table(
        {
            "id": [4], "contact_id": [5], "owner": ["r1"], "at_us": [us(4)], "due_us": [us(5)],
            "status": ["rejected"], "answered_us": [us(4.1)], "reason": ["spam"],
        }
    )  # fmt: skip
    data = replace(data, handoffs=pa.concat_tables([data.handoffs, stray]))
    report = alignment_report(data, Journeys.build(data, WATERFALL), as_of=T0, by="channel")
    rows = {r["group"]: r for r in report.section("hand-offs").records()}
    assert "referral" not in rows  # nobody from referral was handed off
    assert rows["(none)"]["handed_off"] == 1
    assert (rows["linkedin"]["handed_off"], rows["paid_search"]["handed_off"]) == (2, 1)


def test_values_never_add_one_currency_to_another() -> None:
    data = tables()
    deals = data.opportunities.set_column(5, "currency", pa.array(["EUR", "GBP"]))
    data = replace(data, opportunities=deals)

    journeys = Journeys.build(data, WATERFALL, currency="EUR")
    report = funnel_report(journeys, WATERFALL, as_of=T0, by=None)
    sql = next(r for r in report.section("stages").records() if r["stage"] == "sql")
    assert sql["pipeline_value"] == 1000.0  # the open GBP deal is not 500 euros
    assert report.parameters["currency"] == "EUR"
    assert report.notes[-1] == (
        "values in EUR; deals left out of them (no exchange rate in costs.yaml): GBP: 1"
    )

    converted = Journeys.build(data, WATERFALL, currency="EUR", rates={"GBP": 1.2})
    report = channel_report(data, converted, WATERFALL, Costs(), as_of=T0)
    assert report.section("channels").records()[0]["revenue"] == 1000.0
    funnel = funnel_report(converted, WATERFALL, as_of=T0, by=None)
    sql = next(r for r in funnel.section("stages").records() if r["stage"] == "sql")
    assert sql["pipeline_value"] == pytest.approx(1600.0)
    assert "deals in GBP converted at the exchange rates of costs.yaml" in funnel.notes[-1]


def test_a_hand_off_a_merge_closed_unanswered_is_not_counted_as_ignored_by_sales() -> None:
    # Two records of one person were both handed off; merging them closed the one sales
    # had not answered yet (its work item: outcome "merged"). Sales answered the lead
    # in the other hand-off: one lead, nothing left unanswered.
    data = tables()
    duplicate = pa.table(
        {
            "id": [4], "contact_id": [1], "owner": ["r1"], "at_us": [us(5.5)],
            "due_us": [us(6.5)], "status": ["open"], "answered_us": pa.array([None], pa.int64()),
            "reason": pa.array([None], pa.string()),
        }
    )  # fmt: skip
    merged = pa.table(
        {
            "handoff_id": [4], "outcome": ["merged"], "connected": [False],
            "under_worked": [False], "closed_us": [us(7)],
        }
    )  # fmt: skip
    data = replace(data, handoffs=pa.concat_tables([data.handoffs, duplicate]), work=merged)
    report = alignment_report(data, Journeys.build(data, WATERFALL), as_of=T0)
    (row,) = report.section("hand-offs").records()
    assert (row["handed_off"], row["accepted"], row["rejected"], row["unanswered"]) == (3, 2, 1, 0)
