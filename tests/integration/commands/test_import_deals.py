"""`leadflow import deals` (and its alias `import opportunities`) on the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app

runner = CliRunner()


def test_the_command_reports_bad_rows_with_their_line_and_exits_1(
    store_url: str | None, tmp_path: Path
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    path = tmp_path / "deals.csv"
    path.write_text(
        "deal_id,account_name,status,closed_at\nx1,Nobody Inc,won,2025-01-01\n", encoding="utf-8"
    )
    command = ["import", "deals", str(path), "--format", "generic", "-w", str(tmp_path)]
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert f"{path}:2: no account has the name 'Nobody Inc'" in result.output
    assert "nothing written: 1 of 1 rows rejected" in result.output
    alias = ["import", "opportunities", str(path), "-f", "generic", "--skip-bad-rows"]
    skipped = runner.invoke(app, [*alias, "-w", str(tmp_path)])
    assert skipped.exit_code == 0, skipped.output
    assert "1 rows (deals, generic, utf-8, ','): 0 created" in skipped.output


def test_without_a_format_or_mapping_it_says_which(store_url: str | None, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "deals", str(path), "-w", str(tmp_path)])
    assert result.exit_code == 1
    formats = "hubspot, salesforce, pipedrive, odoo, dynamics, zoho, generic"
    assert f"give --format ({formats}) or --mapping" in result.output


def test_a_header_without_an_outcome_is_refused_in_one_line(
    store_url: str | None, tmp_path: Path
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    path = tmp_path / "deals.csv"
    path.write_text("deal_id,account_name\nx1,Acme\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", "deals", str(path), "-f", "generic", "-w", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "no column says whether a deal is open, won or lost" in result.output
