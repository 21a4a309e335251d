"""Acceptance: the channel report on a demo world recovers its hidden channel quality.

The demo world draws every lead's chance to close from a hidden model in which channels
differ in quality (truth.json: referral > events > linkedin > ... > purchased). Loaded
into the store and rescored, the channel report must rank the channels by lead-to-won
rate in nearly that order (Spearman rank correlation), and its figures must add up.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scipy.stats import spearmanr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs, PerLead
from leadflow.demo import WorldConfig
from leadflow.domain.clock import FixedClock
from leadflow.services.reports import ReportRequest, build_report
from leadflow.services.rescore import rescore
from tests.integration.analytics.world import load_world
from tests.integration.services.conftest import activate


def _end(contacts: int) -> datetime:
    return WorldConfig(contacts, 1).window_end


def test_the_channel_report_recovers_the_hidden_channel_order(
    engine: Engine, demo_world: Path
) -> None:
    with Session(engine) as session:
        activate(session)
    load_world(engine, demo_world, events=False)
    end = _end(2_000)
    rescore(engine, clock=FixedClock(end))
    costs = Costs(per_lead=PerLead(channel={"paid_search": 40.0}, vendor={"ProspectPool": 9.0}))
    report = build_report(engine, ReportRequest("channels"), clock=FixedClock(end), costs=costs)
    rows = report.section("channels").records()
    by_channel = {str(row["group"]): row for row in rows if row["group"] != "all"}
    truth = json.loads((demo_world / "truth.json").read_text())["channel_quality"]["order"]

    observed = [float(by_channel[name]["lead_to_won_rate"] or 0.0) for name in truth]
    correlation = spearmanr(observed, list(range(len(truth), 0, -1))).statistic
    assert correlation >= 0.85, list(zip(truth, observed, strict=True))

    total = next(row for row in rows if row["group"] == "all")
    assert sum(int(r["leads"] or 0) for r in by_channel.values()) == total["leads"]
    assert sum(int(r["won"] or 0) for r in by_channel.values()) == total["won"]
    paid = by_channel["paid_search"]
    assert paid["cost"] == 40.0 * int(paid["leads"] or 0)
    assert paid["cost_per_won"] == (paid["cost"] or 0.0) / int(paid["won"] or 1)
    assert by_channel["referral"]["cost"] is None  # no price for referrals
