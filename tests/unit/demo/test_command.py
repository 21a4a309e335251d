"""leadflow demo: writes a world and a summary; every bad input is one line and status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app


def test_demo_writes_the_world_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "world"
    result = CliRunner().invoke(
        app, ["demo", "--contacts", "120", "--seed", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Demo world written to" in result.stdout
    assert "Bayes-optimal ROC-AUC" in result.stdout
    assert "events.jsonl" in result.stdout
    assert (out / "truth.json").is_file()
    assert (out / "contacts.csv").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--contacts", "0"], "--contacts must be between 1 and"),
        (["--months", "20"], "--months must be between 12 and 18"),
        (["--end", "30/06/2026"], "--end must be a date like 2026-06-30"),
        (["--format", "csv"], "--format must be jsonl or parquet"),
    ],
)
def test_bad_options_fail_in_one_line(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "w"), *arguments])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {result.output.strip().removeprefix('error: ')}"
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_non_empty_folder_needs_force(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    arguments = ["demo", "--contacts", "30", "--out", str(tmp_path)]
    refused = CliRunner().invoke(app, arguments)
    assert refused.exit_code == 1
    assert "not empty; pass --force" in refused.output
    assert CliRunner().invoke(app, [*arguments, "--force"]).exit_code == 0


def test_large_worlds_show_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from leadflow.commands import demo as command

    monkeypatch.setattr(command, "PROGRESS_FROM", 10)  # what 20,000 contacts would show
    result = CliRunner().invoke(app, ["demo", "--contacts", "40", "--out", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert "anonymous visitors" in result.output  # a stage of the bar, not of the summary
    assert "sorting events" in result.output
