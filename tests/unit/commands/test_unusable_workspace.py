"""Commands run where there is no workspace, or with a database server that is down:
one line, exit status 1, and nothing left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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
        # The README's tour runs commands from the project root: the hint to create a
        # workspace there, alone, sent a newcomer who had only forgotten -w to an empty one.
        assert result.output.strip() == (
            "error: no workspace at .: name one with --workspace or LEADFLOW_WORKSPACE, "
            "or create it with `leadflow init .`"
        ), command
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


_MAIN = "from leadflow.cli import main; main()"


def _as_nobody(setpriv: str) -> list[str]:
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def _as_a_user_who_cannot_write(folder: Path, command: list[str]) -> tuple[int, str]:
    """``leadflow COMMAND`` run by a user to whom ``folder`` is read-only: this user
    after a chmod, or (as root, who may write anywhere) the unprivileged ``nobody``."""
    folder.chmod(0o555)
    try:
        if os.geteuid() != 0:
            result = runner.invoke(app, command)
            return result.exit_code, result.output
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop privileges")
        done = subprocess.run(
            [*_as_nobody(setpriv), sys.executable, "-c", _MAIN, *command],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "HOME": str(folder.parent)},
            cwd=folder.parent,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr
    finally:
        folder.chmod(0o755)


@pytest.fixture
def read_only_workspace(elsewhere: Path) -> Iterator[Path]:
    """A workspace whose folder the user running leadflow may read and not write (a
    service account, a folder created by root), in a folder everyone may enter."""
    outer = Path(tempfile.mkdtemp(prefix="leadflow-ro-"))
    outer.chmod(0o755)
    workspace = outer / "ws"
    result = runner.invoke(app, ["init", "--preset", "waterfall", str(workspace)])
    assert result.exit_code == 0, result.output
    for path in workspace.iterdir():
        path.chmod(0o644)
    yield workspace
    shutil.rmtree(outer)


@pytest.mark.parametrize(
    "command", [["db", "current"], ["db", "upgrade"], ["keys", "list"], ["report", "funnel"]]
)
def test_a_workspace_this_user_cannot_write_is_named_in_one_line(
    read_only_workspace: Path, command: list[str]
) -> None:
    # SQLite writes beside the database even to read it (WAL): every command failed with
    # "attempt to write a readonly database", naming neither the file nor the user.
    exit_code, output = _as_a_user_who_cannot_write(
        read_only_workspace, [*command, "-w", str(read_only_workspace)]
    )

    assert exit_code == 1, output
    [line] = output.strip().splitlines()
    assert line.startswith(f"error: the workspace {read_only_workspace} is not writable by "), line
    assert "give that user write access to the folder and its leadflow.db files" in line


def test_serve_refuses_a_workspace_it_cannot_write_rather_than_answering_503(
    read_only_workspace: Path,
) -> None:
    # It started, warned "cannot use the database: attempt to write a readonly database;
    # answering 503 until it does" and answered 503 for ever: nothing was going to change.
    exit_code, output = _as_a_user_who_cannot_write(
        read_only_workspace, ["serve", "-w", str(read_only_workspace), "--port", "1"]
    )

    assert exit_code == 1, output
    [line] = output.strip().splitlines()
    assert line.startswith(f"error: the workspace {read_only_workspace} is not writable by "), line


def test_a_database_url_with_a_misspelt_parameter_is_one_line_for_every_command(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ?sslmod=require: `db current` and `serve` printed psycopg's traceback, 143 lines.
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", "postgresql://app:pw@db/leadflow?sslmod=require")
    for command in [["db", "current"], ["serve"], ["keys", "list"], ["init", "ws"]]:
        result = runner.invoke(app, command)

        assert result.exit_code == 1, (command, result.output)
        [line] = result.output.strip().splitlines()
        assert line == (
            'error: LEADFLOW_DATABASE_URL: invalid connection option "sslmod" '
            "(the query's parameters go to PostgreSQL's client library)"
        ), command


def test_a_sqlite_url_into_a_folder_that_does_not_exist_names_the_folder(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said "cannot use the database: (sqlite3.OperationalError) unable to open
    # database file", naming neither.
    missing = elsewhere / "srv" / "leadflow"
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", f"sqlite:///{missing}/leadflow.db")
    for command in [["db", "upgrade"], ["db", "current"], ["keys", "list"]]:
        result = runner.invoke(app, command)

        assert result.exit_code == 1, (command, result.output)
        assert result.output == (
            f"error: LEADFLOW_DATABASE_URL: no folder {missing} to hold leadflow.db\n"
        ), command
        assert not missing.exists()
