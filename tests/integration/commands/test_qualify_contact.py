"""`leadflow qualify --contact ID|EMAIL`: a stored contact explained from its whole
history, under the active definition or a candidate; nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app
from tests.integration.commands.events_file import import_events

runner = CliRunner()
NOW = "2026-11-23T12:00:00Z"


def _workspace(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["init", "--preset", "waterfall", str(tmp_path)]).exit_code == 0
    lines = [
        {"id": "a1", "type": "newsletter_signup", "email": "ana.gil@acme.example",
         "at": "2026-11-20T10:00:00Z"},
        {"id": "a2", "type": "demo_request", "email": "ana.gil@acme.example",
         "at": "2026-11-21T10:00:00Z"},
    ]  # fmt: skip
    import_events(tmp_path, lines)
    return tmp_path


def _qualify(workspace: Path, *args: str) -> object:
    return runner.invoke(app, ["qualify", *args, "--now", NOW, "-w", str(workspace)])


def test_a_stored_contact_is_explained_from_its_history(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    shown = _qualify(workspace, "--contact", "Ana.Gil@ACME.example")
    as_json = _qualify(workspace, "--contact", "1", "--json")

    assert shown.exit_code == 0, shown.output
    assert "sales action: demo_request, 2.1 days ago" in shown.stdout
    assert "newsletter signup: newsletter_signup, 3.1 days ago" in shown.stdout
    assert "lifecycle stage" in shown.stdout
    document = json.loads(as_json.stdout)
    assert document["contact_id"] == 1
    assert document["definition"]["name"] == "waterfall"
    assert document["lead_type"] == "srl"  # the demo request outranks the newsletter


def test_a_candidate_is_tried_on_the_contact_without_activating_it(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    candidate = (workspace / "definition.yaml").read_text(encoding="utf-8")
    candidate = candidate.replace("points: 30", "points: 45", 1)  # the demo request's weight
    assert "points: 45" in candidate
    (tmp_path / "candidate.yaml").write_text(candidate, encoding="utf-8")

    before = json.loads(_qualify(workspace, "--contact", "1", "--json").stdout)
    tried = _qualify(workspace, "--contact", "1", "--definition", str(tmp_path / "candidate.yaml"),
                     "--json")  # fmt: skip
    after = json.loads(_qualify(workspace, "--contact", "1", "--json").stdout)

    assert tried.exit_code == 0, tried.output
    assert json.loads(tried.stdout)["engagement"]["score"] > before["engagement"]["score"]
    assert after == before  # the workspace still answers with its active definition


def test_a_person_is_named_once_and_must_exist(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)

    both = _qualify(workspace, "--contact", "1", "--facts", "person.json")
    neither = _qualify(workspace)
    nobody = _qualify(workspace, "--contact", "nobody@acme.example")

    assert both.exit_code == neither.exit_code == nobody.exit_code == 1
    assert "either --facts FILE" in both.output
    assert "either --facts FILE" in neither.output
    assert "no contact with e-mail nobody@acme.example" in nobody.output
