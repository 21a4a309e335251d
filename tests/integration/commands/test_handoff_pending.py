"""`leadflow handoff pending [--hand-off]`: a rescore makes leads sales-ready without
handing them off; this lists them (nothing written) and, asked to, hands them off by the
real-time path's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner, Result

from leadflow.cli import app
from tests.integration.commands.events_file import import_events

runner = CliRunner()


def _run(workspace: Path, *args: str) -> Result:
    result = runner.invoke(app, [*args, "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    return result


def _workspace(tmp_path: Path) -> Path:
    """A lead that asked for a demo but fits only grade D: not sales-ready under v1."""
    assert runner.invoke(app, ["init", "--preset", "waterfall", str(tmp_path)]).exit_code == 0
    _run(tmp_path, "reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam")
    _run(tmp_path, "reps", "add", "r1", "--team", "benelux", "--capacity", "10")
    asked = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    line = {"id": "d1", "type": "demo_request", "email": "ana.gil@acme.example", "at": asked}
    import_events(tmp_path, [line])
    return tmp_path


def _lower_the_gate(workspace: Path) -> str:
    """Version 2 hands off any fit grade: the lead becomes sales-ready by a rescore."""
    path = workspace / "definition.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('version: "1"', 'version: "2"', 1).replace(
        "min_fit_grade: B", "min_fit_grade: D"
    )
    path.write_text(text, encoding="utf-8")
    return _run(workspace, "definition", "activate", "--rescore").output


def test_a_rescore_makes_a_lead_sales_ready_that_waits_until_handed_off(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    assert "the queue is empty" in _run(workspace, "queue").output  # not sales-ready yet
    rescored = _lower_the_gate(workspace)

    listed = _run(workspace, "handoff", "pending")
    listed_again = _run(workspace, "handoff", "pending")  # listing wrote nothing
    handed = _run(workspace, "handoff", "pending", "--hand-off")
    after = _run(workspace, "handoff", "pending")
    queue = _run(workspace, "queue", "--rep", "r1")

    assert "sales-ready: 1" in rescored
    assert "`leadflow handoff pending` lists" in rescored
    assert "lead 1 ana.gil@acme.example: would go to r1" in listed.output
    assert "1 lead(s) wait" in listed.output
    assert listed_again.output == listed.output
    assert "lead 1 ana.gil@acme.example: handed off to r1" in handed.output
    assert "no sales-ready lead waits" in after.output
    assert "ana.gil@acme.example" in queue.output
    assert "accept or reject, due" in queue.output
