"""`leadflow keys create|list|revoke` and `leadflow webhooks add|list|deliver --once`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app

runner = CliRunner()


def _init(workspace: Path) -> None:
    result = runner.invoke(app, ["init", str(workspace)])
    assert result.exit_code == 0, result.output


def test_a_key_is_printed_once_listed_without_secret_and_revoked(
    store_url: str | None, tmp_path: Path
) -> None:
    _init(tmp_path)
    made = runner.invoke(
        app, ["keys", "create", "--name", "site", "--role", "ingest", "-w", str(tmp_path)]
    )
    secret = made.stdout.strip()

    listed = runner.invoke(app, ["keys", "list", "-w", str(tmp_path)])
    revoked = runner.invoke(app, ["keys", "revoke", "1", "-w", str(tmp_path)])
    after = runner.invoke(app, ["keys", "list", "-w", str(tmp_path)])

    assert made.exit_code == 0, made.output
    assert secret.startswith("lf_")
    assert len(secret) > 40
    assert "site" in listed.stdout
    assert "ingest" in listed.stdout
    assert secret not in listed.stdout
    assert secret[:11] in listed.stdout
    assert revoked.exit_code == 0
    assert "revoked" in after.stdout


def test_bad_input_is_one_line_and_exit_1(store_url: str | None, tmp_path: Path) -> None:
    _init(tmp_path)

    role = runner.invoke(app, ["keys", "create", "-n", "x", "-r", "boss", "-w", str(tmp_path)])
    missing = runner.invoke(app, ["keys", "revoke", "42", "-w", str(tmp_path)])
    results = [role, missing]
    if store_url is None:  # with LEADFLOW_DATABASE_URL set, the folder does not matter
        results.append(runner.invoke(app, ["keys", "list", "-w", str(tmp_path / "none")]))

    for result in results:
        assert result.exit_code == 1
        assert result.output.count("\n") == 1
        assert result.output.startswith("error: ")
    assert "unknown role 'boss'" in role.output


def test_webhooks_add_list_and_a_delivery_pass(store_url: str | None, tmp_path: Path) -> None:
    _init(tmp_path)
    url = "http://127.0.0.1:9/hook"  # nothing listens there: the pass finds nothing to send

    added = runner.invoke(app, ["webhooks", "add", url, "-k", "stage.changed", "-w", str(tmp_path)])
    listed = runner.invoke(app, ["webhooks", "list", "-w", str(tmp_path)])
    passed = runner.invoke(app, ["webhooks", "deliver", "--once", "-w", str(tmp_path)])
    wrong = runner.invoke(app, ["webhooks", "add", url, "-k", "nope", "-w", str(tmp_path)])
    removed = runner.invoke(app, ["webhooks", "remove", "1", "-w", str(tmp_path)])
    unknown = runner.invoke(app, ["webhooks", "remove", "99", "-w", str(tmp_path)])

    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("whsec_")
    assert url in listed.stdout
    assert passed.exit_code == 0, passed.output
    assert wrong.exit_code == 1
    assert removed.stdout == "subscription 1 stopped; its pending deliveries are cancelled\n"
    assert unknown.exit_code == 1
    assert "no webhook subscription with id 99" in unknown.output


def test_a_delivery_pass_says_what_it_did_on_a_line_starting_with_its_moment(
    store_url: str | None, tmp_path: Path
) -> None:
    # A worker's lines end up in a log that may add no time of its own (docker logs).
    _init(tmp_path)
    url = "http://127.0.0.1:9/hook"  # nothing listens: the message is retried later
    added = runner.invoke(app, ["webhooks", "add", url, "-k", "stage.changed", "-w", str(tmp_path)])
    assert added.exit_code == 0, added.output
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps(
            {
                "type": "demo_request",
                "at": "2026-05-04T10:00:00Z",
                "email": "ann@acme.example",
                "id": "e-1",
            }
        )
        + "\n"
    )
    imported = runner.invoke(app, ["import", "events", str(events), "-w", str(tmp_path)])
    assert imported.exit_code == 0, imported.output
    assert "1 events recorded" in imported.output, imported.output
    before = datetime.now(UTC)

    passed = runner.invoke(app, ["webhooks", "deliver", "--once", "-w", str(tmp_path)])

    assert passed.exit_code == 0, passed.output
    moment, _, said = passed.stdout.rstrip("\n").partition(" ")
    assert said.startswith("dispatched 1, delivered 0, retrying 1, failed 0"), passed.stdout
    stamped = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= stamped <= datetime.now(UTC)


def test_serve_refuses_a_missing_workspace_or_a_bad_forms_file(
    store_url: str | None, tmp_path: Path
) -> None:
    _init(tmp_path)
    (tmp_path / "forms.yaml").write_text("forms:\n  demo:\n    fields: {name: first_name}\n")

    bad_forms = runner.invoke(app, ["serve", "-w", str(tmp_path)])

    assert bad_forms.exit_code == 1
    assert "one field must map to email" in bad_forms.output
    if store_url is None:
        nowhere = runner.invoke(app, ["serve", "-w", str(tmp_path / "none")])
        assert nowhere.exit_code == 1
        assert nowhere.output.startswith("error: no workspace")


def test_the_command_line_binds_a_key_to_a_rep(store_url: str | None, tmp_path: Path) -> None:
    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "-w", str(tmp_path)])
        assert result.exit_code == 0, result.output
        return result.output

    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam")
    run("reps", "add", "eva", "--team", "benelux", "--capacity", "10")
    made = run("keys", "create", "--name", "eva-phone", "--role", "sales", "--rep", "eva")
    listed = run("keys", "list")
    wrong = runner.invoke(app, ["keys", "create", "-n", "x", "-r", "ingest", "--rep", "eva",
                                "-w", str(tmp_path)])  # fmt: skip

    assert "acting as rep 'eva'" in made
    assert "rep eva" in listed
    assert wrong.exit_code == 1
    assert wrong.output == "error: only a sales key is bound to a rep (--rep)\n"
