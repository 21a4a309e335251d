"""Closed leads read from a demo world: outcomes, decision points and as-of features."""

import csv
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from leadflow.demo import generate_world
from leadflow.domain.facts import Event, Facts, Source
from leadflow.learn.errors import LearnInputError
from leadflow.learn.fact_paths import predict_facts
from leadflow.learn.predictive import train_model
from leadflow.learn.table import LeadTable
from leadflow.learn.world_source import read_world_history

pytestmark = pytest.mark.slow  # generates demo worlds

ENGAGED = (
    "email_click",
    "content_download",
    "webinar_attendance",
    "event_attendance",
    "chat_started",
    "call_inbound",
    "form_submit",
)
BANDS = ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000"), (5000, "1001-5000"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    generate_world(folder, contacts=1200, seed=5)
    return folder


def _truth(world: Path) -> dict[str, dict[str, str]]:
    with (world / "truth_contacts.csv").open() as handle:
        return {row["contact_id"]: row for row in csv.DictReader(handle)}


def test_closed_leads_and_outcomes_match_the_truth(world: Path) -> None:
    table = read_world_history(world, mature_only=False)
    truth = _truth(world)
    closed = {c for c, row in truth.items() if row["outcome"] in ("won", "lost")}
    assert set(table.ids.tolist()) == closed
    for contact, won in zip(table.ids, table.outcome, strict=True):
        assert truth[contact]["outcome"] == ("won" if won else "lost")
    assert table.decided_at is not None
    handed = [truth[c]["handed_off_at"].replace("Z", "+00:00") for c in table.ids]
    seconds = [int(datetime.fromisoformat(h).timestamp()) for h in handed]
    assert table.decided_at.tolist() == seconds
    assert table.notes[0].endswith("handed-off leads still open left out")


def test_recent_leads_are_left_out_until_mature(world: Path) -> None:
    every = read_world_history(world, mature_only=False)
    table = read_world_history(world)
    assert every.decided_at is not None
    assert table.decided_at is not None
    left_out = set(every.ids.tolist()) - set(table.ids.tolist())
    assert left_out
    assert set(table.ids.tolist()) < set(every.ids.tolist())
    # What is left out is exactly the tail of the history, and it is mostly losses.
    assert table.decided_at.max() < min(
        t for i, t in zip(every.ids, every.decided_at, strict=True) if i in left_out
    )
    late = np.isin(every.ids, sorted(left_out))
    assert every.outcome[late].mean() < table.outcome.mean()
    assert "left out: 90% of leads close within" in table.notes[-1]


def test_features_as_of_the_hand_off_recompute_the_hidden_logit(world: Path) -> None:
    # The hidden p_close depends on engagement and product downloads *before* the
    # hand-off. Rebuilt from our as-of features, it matches the truth: nothing from
    # after the decision point got in, and nothing before it was missed.
    table = read_world_history(world, mature_only=False)
    document = json.loads((world / "truth.json").read_text())
    coefficients = document["win_model"]["coefficients"]
    kinds = _email_kinds(world, set(document["generator"]["competitor_domains"]))
    truth = _truth(world)
    for row, contact in enumerate(table.ids):
        logit = _logit(table, row, coefficients) + coefficients["email_kind"][kinds[contact]]
        expected = float(truth[contact]["p_close"])
        assert 1 / (1 + math.exp(-logit)) == pytest.approx(expected, abs=2e-6)


def test_parquet_world_gives_the_same_table(world: Path, tmp_path: Path) -> None:
    generate_world(tmp_path, contacts=1200, seed=5, fmt="parquet")
    a, b = read_world_history(world), read_world_history(tmp_path)
    assert a.notes == b.notes
    assert a.ids.tolist() == b.ids.tolist()
    assert a.names == b.names
    for left, right in zip(a.attributes, b.attributes, strict=True):
        assert left.values.tolist() == right.values.tolist() or np.allclose(
            left.values.astype(float), right.values.astype(float), equal_nan=True
        )


def test_not_a_world_folder(tmp_path: Path) -> None:
    with pytest.raises(LearnInputError, match=r"no activities\.jsonl"):
        read_world_history(tmp_path)


def _logit(table: LeadTable, row: int, coefficients: dict[str, Any]) -> float:
    def value(name: str) -> Any:
        return table.attribute(name).values[row]

    employees = float(value("employees"))
    band = "(none)" if math.isnan(employees) else _band(employees)
    counts = [f"{kind} (90 days)" for kind in ENGAGED if f"{kind} (90 days)" in table.names]
    engaged = sum(float(value(name)) for name in counts)
    return float(
        coefficients["intercept"]
        + coefficients["industry"][value("industry") or "(none)"]
        + coefficients["size_band"][band]
        + coefficients["country"][value("country")]
        + coefficients["seniority"][value("seniority")]
        + coefficients["channel"][value("channel")]
        + coefficients["first_sales_action"][value("first sales action")]
        + coefficients["iql"] * (float(value("product-specific downloads")) > 0)
        + coefficients["engagement_log1p"] * math.log1p(engaged)
    )


def _band(employees: float) -> str:
    return next((label for high, label in BANDS if employees <= high), "5001+")


def _email_kinds(world: Path, competitors: set[str]) -> dict[str, str]:
    """The truth's e-mail kind, from the address and the employer's domain."""
    with (world / "accounts.csv").open() as handle:
        domains = {row["account_id"]: row["domain"] for row in csv.DictReader(handle)}
    kinds = {}
    with (world / "contacts.csv").open() as handle:
        for row in csv.DictReader(handle):
            domain = row["email"].rpartition("@")[2]
            if domain in competitors:
                kind = "competitor"
            elif domain.startswith("student."):
                kind = "university"
            elif domain == domains.get(row["account_id"]):
                kind = "corporate"
            else:
                kind = "free_mail"
            kinds[row["contact_id"]] = kind
    return kinds


def test_live_facts_score_like_the_training_row(world: Path) -> None:
    # A saved model scores a person from Facts at the hand-off moment exactly as it
    # scored the same lead's row in the training table.
    table = read_world_history(world)
    model = train_model(table)
    facts, context = _facts_at_hand_off(world)
    rows = {contact: row for row, contact in enumerate(table.ids)}
    checked = 0
    for contact in list(table.ids)[:40]:
        now, known_since, rep = context[contact]
        live = predict_facts(
            model, facts[contact], now, known_since=known_since, extra={"sales.rep": rep}
        )
        trained = model.predict_table(table.take(np.array([rows[contact]])))[0]
        assert live == pytest.approx(trained, abs=1e-9), contact
        checked += 1
    assert checked == 40


def _facts_at_hand_off(world: Path) -> tuple[dict[str, Facts], dict[str, tuple[Any, ...]]]:
    with (world / "accounts.csv").open() as handle:
        accounts = {row["account_id"]: row for row in csv.DictReader(handle)}
    events: dict[str, list[Event]] = {}
    visitors: dict[str, str] = {}
    lines = [json.loads(line) for line in (world / "events.jsonl").read_text().splitlines()]
    for line in lines:
        if line["visitor_id"] and line["contact_id"]:
            visitors[line["visitor_id"]] = line["contact_id"]
    for line in lines:
        contact = line["contact_id"] or visitors.get(line["visitor_id"] or "")
        if contact:
            at = datetime.fromisoformat(line["at"].replace("Z", "+00:00"))
            properties = line["properties"] or {}
            events.setdefault(contact, []).append(Event(line["type"], at, properties))
    hand_offs = {}
    for line in (world / "activities.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["kind"] == "hand_off":
            hand_offs[row["contact_id"]] = row
    facts, context = {}, {}
    with (world / "contacts.csv").open() as handle:
        for row in csv.DictReader(handle):
            contact = row["contact_id"]
            if contact not in hand_offs:
                continue
            account = accounts.get(row["account_id"], {})
            facts[contact] = Facts(
                contact={
                    k: row[k] or None for k in ("email", "seniority", "department", "country")
                },
                account={
                    "industry": account.get("industry") or None,
                    "employees": float(account["employees"]) if account else None,
                    "annual_revenue_eur": float(account["annual_revenue_eur"]) if account else None,
                },
                source=Source(channel=row["channel"], purchased=row["purchased"] == "true"),
                events=tuple(events.get(contact, ())),
            )
            hand_off = hand_offs[contact]
            context[contact] = (
                datetime.fromisoformat(hand_off["at"].replace("Z", "+00:00")),
                datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")),
                hand_off["rep_id"],
            )
    return facts, context
