"""``leadflow backtest``: two definitions replayed over the same history, side by side."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from leadflow.analytics.report import Report
from leadflow.definition.builtin import preset_text
from leadflow.definition.loader import load_definition_text
from leadflow.demo import WorldConfig
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import create_account
from leadflow.services.backtest import BacktestError, BacktestRequest, backtest
from leadflow.services.contacts import create_contact
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.store.database import writer
from leadflow.store.models import Contact, Opportunity
from tests.integration.analytics.world import load_world
from tests.integration.services.conftest import activate

END = WorldConfig(150, 3).window_end
MOMENT = timedelta(microseconds=1)  # the store's resolution
STRICTER = """\
schema_version: 1
name: waterfall-strict
version: "2"
extends: waterfall
sales_ready: {min_fit_grade: A}
"""


def _summary(report: Report) -> dict[str, tuple[object, object]]:
    return {str(r[0]): (r[1], r[2]) for r in report.section("summary").rows}


@pytest.fixture
def history(engine: Engine, small_world: Path) -> Engine:
    with Session(engine) as session:
        activate(session)
    load_world(engine, small_world)
    return engine


def test_the_same_definition_replays_the_same_history_and_a_stricter_one_hands_fewer(
    history: Engine,
) -> None:
    _same(history)
    _stricter(history)


def _same(history: Engine) -> None:
    same = load_definition_text(preset_text("waterfall"), "same.yaml")
    report = backtest(history, BacktestRequest(same, step_days=14), clock=FixedClock(END))
    summary = _summary(report)
    assert all(active == candidate for active, candidate in summary.values())
    assert report.section("changed leads").rows == ()
    assert int(summary["sales-ready"][0] or 0) > 0
    assert int(summary["won (all contacts)"][0] or 0) > 0


def _stricter(history: Engine) -> None:
    strict = load_definition_text(STRICTER, "strict.yaml")
    report = backtest(history, BacktestRequest(strict, step_days=14), clock=FixedClock(END))
    summary = _summary(report)
    active, candidate = summary["sales-ready"]
    assert isinstance(active, int)
    assert isinstance(candidate, int)
    assert candidate < active
    later_won = summary["sales-ready later won"]
    assert summary["precision"][1] == pytest.approx(int(later_won[1] or 0) / candidate)
    assert summary["recall"][1] == pytest.approx(
        int(later_won[1] or 0) / int(summary["won (all contacts)"][1] or 1)
    )
    changed = report.section("changed leads").records()
    assert changed
    assert all(
        row["active_stage"] != row["candidate_stage"]
        or (row["active_sales_ready"] is None) != (row["candidate_sales_ready"] is None)
        for row in changed
    )
    # Only the gate changed: everyone the candidate finds sales-ready, the active one did.
    assert all(row["active_sales_ready"] is not None for row in changed)


def test_a_backtest_past_now_or_with_a_bad_step_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    strict = load_definition_text(STRICTER, "strict.yaml")
    later = BacktestRequest(strict, stop=END.replace(year=END.year + 1))
    with pytest.raises(BacktestError, match="future"):
        backtest(engine, later, clock=FixedClock(END))
    with pytest.raises(BacktestError, match="--step"):
        backtest(engine, BacktestRequest(strict, step_days=0), clock=FixedClock(END))
    # A --from later than --to, or in the future when no --to is given, names the moment.
    ahead = END + timedelta(days=1)
    with pytest.raises(BacktestError, match=f"--from {re.escape(ahead.isoformat())} is in the"):
        backtest(engine, BacktestRequest(strict, start=ahead), clock=FixedClock(END))
    reversed_period = BacktestRequest(strict, start=END, stop=END - timedelta(days=7))
    with pytest.raises(BacktestError, match=r"--from .* is not before --to"):
        backtest(engine, reversed_period, clock=FixedClock(END))


def test_a_back_test_before_any_contact_existed_reports_zeros(engine: Engine) -> None:
    # No contact at --to (an empty workspace, or a moment before the first one) used to
    # crash the replay; every count is 0 and every rate has nothing to divide by.
    with Session(engine) as session:
        activate(session)
    candidate = load_definition_text(STRICTER, "strict.yaml")

    report = backtest(engine, BacktestRequest(candidate), clock=FixedClock(END))

    summary = _summary(report)
    assert summary["contacts"] == (0, 0)
    assert summary["sales-ready"] == (0, 0)
    assert summary["won (all contacts)"] == (0, 0)
    assert summary["precision"] == summary["recall"] == summary["lift"] == (None, None)
    assert report.section("changed leads").rows == ()


def test_to_is_the_end_of_the_period_not_part_of_it_as_in_the_reports(engine: Engine) -> None:
    # A contact created, and a deal won, exactly at --to (a CRM export's midnight) belong
    # to the next period: `backtest --to 2026-04-01` and `report --to 2026-04-01` both
    # describe the store just before that midnight.
    with Session(engine) as session:
        activate(session)
    april = datetime(2026, 4, 1, tzinfo=UTC)
    march = datetime(2026, 3, 10, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(insert(Contact), [
            {"id": n, "email": f"c{n}@x.example", "identity": "known", "purchased": False,
             "attributes": {}, "created_at": at, "updated_at": at}
            for n, at in ((1, march), (2, april))
        ])  # fmt: skip
        c.execute(insert(Opportunity).values(contact_id=1, status="won", amount=1000,
                                             currency="EUR", created_at=march,
                                             closed_at=april))  # fmt: skip
    same = load_definition_text(preset_text("waterfall"), "same.yaml")
    clock = FixedClock(april + timedelta(days=30))

    before = _summary(backtest(engine, BacktestRequest(same, stop=april), clock=clock))
    after = _summary(backtest(engine, BacktestRequest(same, stop=april + MOMENT), clock=clock))

    assert (before["contacts"], before["won (all contacts)"]) == ((1, 1), (0, 0))
    assert (after["contacts"], after["won (all contacts)"]) == ((2, 2), (1, 1))


def test_a_contact_imported_after_its_history_is_replayed_from_its_first_event(
    engine: Engine,
) -> None:
    # A CRM export without a creation date: the contact is created at the import (May),
    # its events imported afterwards reach back to March. The back-test started at the
    # first contact's creation and left such a contact out of every moment before it,
    # so the demo request it made in March never counted (the funnel report counts it).
    with Session(engine) as session:
        activate(session)
    march, may = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    with Session(writer(engine)) as session:
        account = create_account(session, {"domain": "acme.example", "industry": "software",
                                           "employees": 300, "country": "NL"}, may)  # fmt: skip
        values = {"email": "ann@acme.example", "seniority": "director", "account_id": account.id}
        contact = create_contact(session, values, may).contact
        asked = IncomingEvent("demo_request", march, contact_id=contact.id, key="d1")
        assert isinstance(record_event(session, asked, clock=FixedClock(may)), Recorded)
    same = load_definition_text(preset_text("waterfall"), "same.yaml")

    report = backtest(engine, BacktestRequest(same), clock=FixedClock(may + timedelta(days=1)))

    assert datetime.fromisoformat(str(report.parameters["from"])) <= march
    summary = _summary(report)
    assert summary["contacts"] == (1, 1)
    assert summary["sales-ready"] == (1, 1)  # in March, when it asked
