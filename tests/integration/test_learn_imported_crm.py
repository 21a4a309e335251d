"""Learning from a workspace that only knows a CRM's exports: contacts and their deals
imported with `leadflow import`, no event of anyone's (SQLite; PostgreSQL too when
LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app

START = datetime(2025, 1, 6, 9, tzinfo=UTC)
INDUSTRIES = ("Computer Software", "Retail", "Construction", "Financial Services")
SENIORITIES = ("director", "manager", "entry")


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _exports(folder: Path, leads: int, *, won: str, lost: str) -> tuple[Path, Path]:
    """A HubSpot contacts export and its deals export: software directors win more."""
    rng = random.Random(5)
    contacts, deals = [], []
    for number in range(leads):
        industry, seniority = rng.choice(INDUSTRIES), rng.choice(SENIORITIES)
        chance = 0.25 + 0.35 * (industry == "Computer Software") + 0.3 * (seniority == "director")
        created = START + timedelta(days=rng.randint(0, 300))
        record = 5000 + number * 3
        contacts.append(
            {
                "Record ID": record,
                "Email": f"p{number}@firm{number}.example",
                "Seniority": seniority,
                "Company Name": f"Firm {number}",
                "Industry": industry,
                "Create Date": created.strftime("%Y-%m-%d %H:%M"),
                "Member Number": 700_000 + number,
            }
        )
        closed = created + timedelta(days=rng.randint(5, 40))
        deals.append(
            {
                "Record ID": 90_000 + number,
                "Deal Name": f"Deal {number}",
                "Deal Stage": won if rng.random() < chance else lost,
                "Create Date": (created + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
                "Close Date": closed.strftime("%Y-%m-%d"),
                "Associated Contact IDs": record,
            }
        )
    return _write(folder / "contacts.csv", contacts), _write(folder / "deals.csv", deals)


def _import(database_url: str, contacts: Path, deals: Path) -> dict[str, str]:
    env = {"LEADFLOW_DATABASE_URL": database_url}
    runner = CliRunner()
    for kind, path in (("contacts", contacts), ("deals", deals)):
        done = runner.invoke(app, ["import", kind, str(path), "--format", "hubspot"], env=env)
        assert done.exit_code == 0, done.output
    return env


@pytest.mark.slow
def test_a_model_learns_from_imported_deals_of_contacts_without_events(
    database_url: str, tmp_path: Path
) -> None:
    env = _import(database_url, *_exports(tmp_path, 160, won="Closed Won", lost="Closed Lost"))
    out = tmp_path / "models"

    result = CliRunner().invoke(app, ["learn", "model", "--out", str(out)], env=env)

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "model v1 saved" in result.stdout
    card = json.loads((out / "v1" / "card.json").read_text())
    features = {feature["path"] for feature in card["features"]}
    assert {"account.industry", "contact.seniority"} <= features
    assert "contact.member_number" not in features  # a record id, never a feature
    assert "identifier-like: member_number" in result.stdout


@pytest.mark.parametrize("command", ["model", "icp", "evaluate"])
def test_a_history_of_won_deals_only_is_refused_in_one_line(
    database_url: str, tmp_path: Path, command: str
) -> None:
    env = _import(database_url, *_exports(tmp_path, 60, won="Closed Won", lost="Closed Won"))

    result = CliRunner().invoke(app, ["learn", command], env=env)

    assert result.exit_code == 1
    assert not isinstance(result.exception, ValueError | RuntimeError), result.exception
    [line] = result.stderr.splitlines()
    assert re.fullmatch(
        r"error: the workspace store: all \d+ closed leads are won and none lost; learning "
        r"what wins needs both won and lost outcomes \(an export of won deals only\? add the "
        r"lost ones\)",
        line,
    ), line
