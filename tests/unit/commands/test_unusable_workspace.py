"""Commands run where there is no workspace, or with a database server that is down:
one line, exit status 1, and nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app

runner = CliRunner()

# A port nothing listens on: the connection is refused at once.
DOWN = "postgresql://postgres@127.0.0.1:9/leadflow"


def _commands(folder: Path) -> list[list[str]]:
    data = folder / "data.csv"
    data.write_text("email,domain,name\nann@acme.example,acme.example,Acme\n")
    events = folder / "events.jsonl"
    events.write_text('{"type": "page_view", "email": "ann@acme.example"}\n')
    return [
        ["queue"],
        ["reps", "list"],
        ["handoff", "report"],
        ["keys", "list"],
        ["report", "funnel"],
        ["rescore"],
        ["duplicates"],
        ["merge", "1", "2"],
        ["learn", "models"],
        ["import", "accounts", str(data)],
        ["import", "contacts", str(data), "--format", "generic"],
        ["import", "events", str(events)],
    ]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ordinary folder, the current one, that nobody made a workspace."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEADFLOW_WORKSPACE", raising=False)
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    return tmp_path


def test_a_folder_that_is_no_workspace_is_named_and_left_as_it_was(elsewhere: Path) -> None:
    for command in _commands(elsewhere):
        result = runner.invoke(app, command)

        assert result.exit_code == 1, (command, result.output)
        assert result.output.strip() == ("error: no workspace at .; run `leadflow init .`"), command
        assert not (elsewhere / "leadflow.db").exists(), command


def test_a_database_server_that_is_down_is_one_line_without_a_hint_to_migrate(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", DOWN)
    for command in _commands(elsewhere):
        result = runner.invoke(app, command)

        assert result.exit_code == 1, (command, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), (command, result.exception)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, (command, result.output)
        assert lines[0].startswith("error: cannot use the database"), (command, lines)
        assert "migrated" not in lines[0], command


def test_a_database_url_for_another_driver_is_one_line_for_every_command(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # postgresql+psycopg2:// is what other tools' documentation writes; leadflow speaks
    # psycopg 3 only, and SQLAlchemy's import of the missing driver was a page of traceback.
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", "postgresql+psycopg2://app:pw@db/leadflow")
    for command in [*_commands(elsewhere), ["init", "ws"], ["serve"], ["db", "current"]]:
        result = runner.invoke(app, command)

        assert result.exit_code == 1, (command, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, (command, result.output)
        assert lines[0].startswith("error: LEADFLOW_DATABASE_URL: "), (command, lines)
        assert "write postgresql://" in lines[0], command
        assert not (elsewhere / "ws").exists(), command


def test_init_names_a_setting_the_environment_gets_wrong(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_PORT", "eighty")

    result = runner.invoke(app, ["init", "ws"])

    assert result.exit_code == 1
    assert result.output.strip().startswith("error: LEADFLOW_PORT: Input should be a valid")
    assert not (elsewhere / "ws").exists()
