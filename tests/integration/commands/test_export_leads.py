"""`leadflow export leads`: a CSV for the CRM, to stdout or a file; bad options end early."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app
from tests.integration.commands.events_file import import_events

runner = CliRunner()


def _workspace(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    lines = [
        {"id": "a1", "type": "demo_request", "email": "ana@acme.example",
         "at": "2026-11-20T10:00:00Z"},
        {"id": "b1", "type": "newsletter_signup", "email": "bo@other.example",
         "at": "2026-11-21T11:00:00Z"},
        {"id": "b2", "type": "page_view", "email": "bo@other.example",
         "at": "2026-11-22T11:00:00Z", "properties": {"url": "https://x.example/blog"}},
    ]  # fmt: skip
    import_events(tmp_path, lines)
    return tmp_path


def _export(workspace: Path, *args: str) -> object:
    return runner.invoke(app, ["export", "leads", *args, "-w", str(workspace)])


def test_leads_go_to_stdout_in_contact_order(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)

    done = _export(workspace)

    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["email"] for row in rows] == ["ana@acme.example", "bo@other.example"]
    assert rows[1]["last_activity_at"] == "2026-11-22T11:00:00Z"
    assert "2 lead(s) exported (generic)" in done.stderr


def test_a_hubspot_file_of_the_leads_that_asked_for_sales(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    out = tmp_path / "hubspot.csv"

    done = _export(workspace, "--format", "hubspot", "--out", str(out), "--lead-type", "SRL")

    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [(row["Email"], row["Lifecycle Stage"]) for row in rows] == [
        ("ana@acme.example", "lead")
    ]
    assert f"1 lead(s) exported to {out} (hubspot)" in done.stderr


def test_changed_since_takes_a_date(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)

    later = _export(workspace, "--changed-since", "2100-01-01")
    wrong = _export(workspace, "--changed-since", "next tuesday")

    assert later.exit_code == 0, later.output
    assert later.stdout.splitlines()[1:] == []
    assert wrong.exit_code == 1
    assert "--changed-since: 'next tuesday' is not a date or time" in wrong.stderr


def test_an_unknown_stage_is_refused_and_no_file_is_made(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    out = tmp_path / "leads.csv"

    done = _export(workspace, "--stage", "sqll", "--out", str(out))
    bad_format = _export(workspace, "--format", "marketo")

    assert done.exit_code == 1
    assert "unknown stage 'sqll'" in done.stderr
    assert not out.exists()
    assert bad_format.exit_code == 2
    assert "marketo" in bad_format.stderr


def test_stage_and_source_are_read_as_typed_and_a_channel_nobody_has_is_refused(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    by_id = _export(workspace, "--stage", "lead")

    by_caps = _export(workspace, "--stage", " LEAD ")  # as the API's filter reads it
    by_channel = _export(workspace, "--source", "Google Ads")  # paid_search: nobody has it
    by_typo = _export(workspace, "--source", "linkedinn")
    by_stranger = _export(workspace, "--owner", "nobody-here")

    assert by_id.exit_code == 0, by_id.output
    assert by_caps.exit_code == 0, by_caps.output
    assert by_caps.stdout == by_id.stdout
    assert len(by_caps.stdout.splitlines()) > 1
    assert by_channel.exit_code == 0, by_channel.output
    assert by_channel.stdout.splitlines()[1:] == []  # leadflow's word: none, not refused
    assert by_typo.exit_code == 1
    assert "'linkedinn' is not an acquisition channel of any contact" in by_typo.stderr
    assert by_stranger.exit_code == 1
    assert "nobody-here" in by_stranger.stderr
