"""`leadflow gdpr export|erase PERSON`: a request named by e-mail or contact id reaches
every record of the person, merged ones included; erasure asks first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.commands.api_keys import workspace_session
from leadflow.store.models import FormConfirmation
from tests.integration.commands.events_file import import_events

runner = CliRunner()
NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


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


def _contacts_file(tmp_path: Path, *emails: str) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("email\n" + "".join(f"{email}\n" for email in emails), encoding="utf-8")
    return path


def test_an_erased_person_stays_out_until_an_admin_lifts_the_suppression(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    erased = _gdpr(workspace, "erase", "ana.gil@acme.example", "--yes", "--reason", "objection")
    again = _gdpr(workspace, "erase", "ana.gil@acme.example")  # nothing to ask about
    crm_export = _contacts_file(tmp_path, "bo@other.example", "ana.gil@acme.example")
    importing = ["import", "contacts", str(crm_export), "--format", "generic", "-w", str(workspace)]

    refused = runner.invoke(app, importing)
    listed = _gdpr(workspace, "suppressions")
    checked = _gdpr(workspace, "suppressed", "ANA.GIL@acme.example")
    stranger = _gdpr(workspace, "suppressed", "bo@other.example")
    nothing = _gdpr(workspace, "lift", "nobody@other.example", "--why", "typo", "--yes")
    lifted = _gdpr(workspace, "lift", "ana.gil@acme.example", "--why", "ticket 7", "--yes")
    imported = runner.invoke(app, importing)
    after = _gdpr(workspace, "suppressions")

    assert erased.exit_code == 0, erased.output
    assert "suppressed 2 address(es)" in erased.stdout  # the person's two addresses
    assert again.exit_code == 0, again.output
    assert "already erased" in again.stdout
    assert refused.exit_code != 0
    assert "contacts.csv:3: this e-mail address belongs to a person erased on" in refused.output
    assert "erased on" in refused.output
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0] == "2 in force, 0 lifted"
    assert "objection" in listed.stdout
    assert "acme.example" not in listed.stdout
    assert checked.exit_code == 0
    assert checked.stdout.startswith("suppressed: email since ")
    assert "(objection)" in checked.stdout
    assert (stranger.exit_code, stranger.stdout.strip()) == (1, "not suppressed")
    assert nothing.exit_code == 1
    assert "no suppression in force" in nothing.output
    assert lifted.exit_code == 0, lifted.output
    assert imported.exit_code == 0, imported.output
    assert after.stdout.splitlines()[0] == "1 in force, 1 lifted"
    assert "by cli: ticket 7" in after.stdout


def test_a_person_only_pending_is_reached_by_address(store_url: str | None, tmp_path: Path) -> None:
    """A double opt-in confirmation pending for an erased person's address holds it with
    no contact: the request by address finds it rather than "no contact"."""
    workspace = _workspace(tmp_path)
    assert _gdpr(workspace, "erase", "bo@other.example", "--yes").exit_code == 0
    with workspace_session(workspace) as session:
        pending = FormConfirmation(token_hash="t" * 64, contact_id=None, form_id="news",
                                   pending_email="bo@other.example", created_at=NOW,
                                   expires_at=NOW, confirmed_at=None)  # fmt: skip
        session.add(pending)
        session.commit()

    held = _gdpr(workspace, "export", "BO@other.example")
    erased = _gdpr(workspace, "erase", "bo@other.example", "--yes")
    gone = _gdpr(workspace, "export", "bo@other.example")

    assert held.exit_code == 0, held.output
    [row] = json.loads(held.stdout)["data"]["form_confirmations"]
    assert (row["pending_email"], row["contact_id"]) == ("bo@other.example", None)
    assert erased.exit_code == 0, erased.output
    assert "form_confirmations 1" in erased.stdout
    assert gone.exit_code == 1
    assert "nothing pending" in gone.output
