"""The README's tour runs as written: its example facts give the answer it describes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_the_tour_command_is_in_the_readme_and_qualifies_a_sales_ready_lead() -> None:
    args = [
        "qualify",
        "--definition",
        "waterfall",
        "--facts",
        "examples/facts/demo-request.json",
        "--now",
        "2026-06-01T12:00:00Z",
    ]
    assert "leadflow " + " ".join(args) in (ROOT / "README.md").read_text(encoding="utf-8")
    args[4] = str(ROOT / args[4])
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["stage"] == "sql"
    assert answer["sales_ready"] is True
    assert answer["fit"]["grade"] == "A"
    assert answer["lead_type"] == "srl"
