"""``leadflow rescore``, ``report`` and ``backtest`` on a workspace: output, files, errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.commands.analytics import register
from tests.integration.analytics.world import load_world
from tests.integration.services.conftest import activate

runner = CliRunner()
STRICT = """\
schema_version: 1
name: strict
version: "9"
extends: waterfall
sales_ready: {min_fit_grade: A}
"""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """The commands of this module, as the root CLI registers them."""

    register(app)
    return app


@pytest.fixture
def bare(
    backend: str, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Path:  # fmt: skip
    """An empty workspace with an active definition; PostgreSQL via LEADFLOW_DATABASE_URL."""
    if backend == "postgresql":
        monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
        folder = tmp_path / "ws"
        folder.mkdir()
    else:
        monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
        folder = Path(database_url.removeprefix("sqlite:///")).parent
    with Session(engine) as session:
        activate(session)
    return folder


@pytest.fixture
def workspace(bare: Path, engine: Engine, small_world: Path) -> Path:
    """The workspace holding the small demo world."""
    load_world(engine, small_world)
    return bare


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rescore_then_reports_in_every_format_with_charts(workspace: Path, tmp_path: Path) -> None:
    code, out, _ = _run("rescore", "--at", "2026-07-01", "-w", str(workspace))
    assert code == 0, out
    assert "qualified 150 contacts" in out
    # The rescore's moves are dated 1 July 00:00, the end of a period --to 2026-07-01 and
    # not part of it: the day after sees them.
    code, out, _ = _run("report", "funnel", "--to", "2026-07-02", "--format", "json",
                        "-w", str(workspace))  # fmt: skip
    assert code == 0
    funnel = json.loads(out)
    assert funnel["report"] == "funnel"
    assert funnel["sections"][0]["rows"][0]["leads"] == 150
    code, out, _ = _run("report", "channels", "--format", "csv", "-w", str(workspace))
    assert code == 0
    assert out.splitlines()[0].startswith("section,group,leads,persona_match_rate")
    png, svg = tmp_path / "funnel.png", tmp_path / "channels.svg"
    assert _run("report", "funnel", "--chart", str(png), "-w", str(workspace))[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _run("report", "channels", "--by", "campaign", "--chart", str(svg),
                "-w", str(workspace))[0] == 0  # fmt: skip
    assert ET.parse(svg).getroot().tag.endswith("svg")
    for name in ("alignment", "scoring"):
        code, out, _ = _run("report", name, "-w", str(workspace))
        assert code == 0, (name, out)


def test_backtest_prints_a_table_or_json(workspace: Path, tmp_path: Path) -> None:
    candidate = tmp_path / "strict.yaml"
    candidate.write_text(STRICT)
    code, out, _ = _run("backtest", str(candidate), "--step", "30", "--json", "-w", str(workspace))
    assert code == 0, out
    rows = {r["metric"]: r for r in json.loads(out)["sections"][0]["rows"]}
    assert rows["contacts"]["active"] == 150
    code, out, _ = _run("backtest", str(candidate), "--step", "30", "-w", str(workspace))
    assert code == 0
    assert "precision" in out


def test_backtest_takes_a_preset_by_name(workspace: Path) -> None:
    code, out, err = _run("backtest", "fit-first", "--step", "30", "--json", "-w", str(workspace))
    assert code == 0, err
    assert json.loads(out)["sections"][0]["rows"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "pipeline"), "unknown report 'pipeline'"),
        (("report", "funnel", "--by", "colour"), "--by must be one of"),
        (("report", "scoring", "--by", "owner"), "the scoring report is not split"),
        (("report", "funnel", "--format", "xml"), "--format must be one of"),
        (("report", "funnel", "--to", "yesterday"), "--to:"),
        (("report", "funnel", "--chart", "out.jpg"), "--chart must name a .png or .svg"),
        (
            ("report", "funnel", "--from", "2026-07-01", "--to", "2026-01-01"),
            "--from 2026-07-01T00:00:00+00:00 is not before --to 2026-01-01",
        ),
        (("rescore", "--at", "2999-01-01"), "in the future"),
        (
            ("report", "funnel", "--time-zone", "Mars/Olympus"),
            "--time-zone: unknown time zone 'Mars/Olympus'",
        ),
        (("rescore", "--at", "2026-01-01T10:00:00"), "no time zone"),
        (("report", "funnel", "--chart", "nowhere/out.png"), "--chart: no folder nowhere"),
        (("backtest", "missing.yaml"), "is not a file, nor a preset"),
        (("backtest", "bad.yaml"), "bad.yaml"),
    ],
)
def test_bad_input_is_one_line_and_status_1(
    bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...], message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("schema_version: 1\nname: x\nstages: nope\n")
    code, out, err = _run(*args, "-w", str(bare))
    assert code == 1
    assert message in err
    assert "Traceback" not in err + out


def test_report_values_are_in_one_currency_from_costs_yaml(workspace: Path, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE opportunities SET currency = 'GBP' WHERE id % 3 = 0 AND contact_id > 0")
        )
        euros, pounds = (
            connection.execute(
                text(
                    "SELECT coalesce(sum(amount), 0) FROM opportunities WHERE contact_id IS NOT"
                    " NULL AND currency " + which
                )
            ).scalar_one()
            for which in ("<> 'GBP'", "= 'GBP'")
        )
    assert euros > 0
    assert pounds > 0
    assert _run("rescore", "-w", str(workspace))[0] == 0

    def lead_row() -> tuple[dict[str, object], list[str], str]:
        code, out, err = _run("report", "funnel", "--format", "json", "-w", str(workspace))
        assert code == 0, err
        document = json.loads(out)
        row = document["sections"][0]["rows"][0]
        return row, document["notes"], document["parameters"]["currency"]

    (workspace / "costs.yaml").write_text("currency: EUR\n")
    row, notes, currency = lead_row()
    assert currency == "EUR"
    assert row["pipeline_value"] == pytest.approx(float(euros))  # pounds not taken as euros
    assert any("left out of them (no exchange rate in costs.yaml): GBP: " in n for n in notes)

    (workspace / "costs.yaml").write_text("currency: EUR\nexchange_rates: {GBP: 1.15}\n")
    row, notes, _ = lead_row()
    assert row["pipeline_value"] == pytest.approx(float(euros) + 1.15 * float(pounds))
    assert not any("left out" in n for n in notes)

    (workspace / "costs.yaml").write_text("currency: GBP\nexchange_rates: {EUR: 0.87}\n")
    row, _, currency = lead_row()
    assert currency == "GBP"
    assert row["pipeline_value"] == pytest.approx(float(pounds) + 0.87 * float(euros))
