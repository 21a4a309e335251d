"""`leadflow gdpr export|erase PERSON`: a request named by e-mail or contact id reaches
every record of the person, merged ones included; erasure asks first."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app
from tests.integration.commands.events_file import import_events

runner = CliRunner()


def _workspace(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    lines = [
        {"id": "a1", "type": "newsletter_signup", "email": "Ana.Gil@Acme.example",
         "at": "2026-11-20T10:00:00Z"},
        {"id": "a2", "type": "webinar_attended", "email": "ana@gil-consulting.example",
         "at": "2026-11-21T10:00:00Z"},
        {"id": "b1", "type": "newsletter_signup", "email": "bo@other.example",
         "at": "2026-11-21T11:00:00Z"},
    ]  # fmt: skip
    import_events(tmp_path, lines)
    merged = runner.invoke(app, ["merge", "1", "2", "-w", str(tmp_path)])  # one person
    assert merged.exit_code == 0, merged.output
    return tmp_path


def _gdpr(workspace: Path, *args: str, answer: str | None = None) -> object:
    return runner.invoke(app, ["gdpr", *args, "-w", str(workspace)], input=answer)


def test_export_by_a_merged_records_address_holds_the_whole_person(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    by_old_address = _gdpr(workspace, "export", "ANA@gil-consulting.example")
    by_id = _gdpr(workspace, "export", "1", "--out", str(tmp_path / "ana.json"))

    assert by_old_address.exit_code == 0, by_old_address.output
    held = json.loads(by_old_address.stdout)
    assert held["contact_ids"] == [1, 2]
    assert sorted(e["idempotency_key"] for e in held["data"]["events"]) == ["a1", "a2"]
    assert held["data"]["merges"][0]["merged_id"] == 2
    assert by_id.exit_code == 0
    assert json.loads((tmp_path / "ana.json").read_text(encoding="utf-8")) == held


def test_erase_asks_then_removes_every_record_and_leaves_others(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    declined = _gdpr(workspace, "erase", "ana.gil@acme.example", answer="n\n")
    still_there = _gdpr(workspace, "export", "2")
    erased = _gdpr(workspace, "erase", "2", "--yes")  # the merged record: the whole person

    assert declined.exit_code == 1
    assert "nothing erased" in declined.output
    assert still_there.exit_code == 0
    assert erased.exit_code == 0, erased.output
    assert "erased contact 1, 2:" in erased.stdout
    assert "events 2" in erased.stdout
    for gone in ("1", "2", "ana.gil@acme.example"):
        missing = _gdpr(workspace, "export", gone)
        assert missing.exit_code == 1
        assert "no contact with" in missing.output
    assert _gdpr(workspace, "export", "bo@other.example").exit_code == 0


def test_a_request_that_is_neither_an_id_nor_an_address_is_refused(
    store_url: str | None, tmp_path: Path
) -> None:
    result = _gdpr(_workspace(tmp_path), "erase", "Ana Gil", "--yes")

    assert result.exit_code == 1
    assert "neither a contact id nor an e-mail address" in result.output
