"""``leadflow users``: create the first admin, list, disable and enable, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app


@pytest.fixture
def workspace(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    return tmp_path


def _run(workspace: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["users", *args, "-w", str(workspace)], input=stdin)
    return result.exit_code, result.output


def test_create_list_disable_enable(workspace: Path) -> None:
    code, out = _run(
        workspace,
        "create",
        "--email",
        "Ada@Example.com",
        "--name",
        "Ada",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert code == 0, out
    assert "user 1 ada@example.com (admin) created" in out

    code, out = _run(
        workspace,
        "create",
        "-e",
        "sam@example.com",
        "-n",
        "Sam",
        "-r",
        "sales",
        "--rep",
        "r1",
        stdin="another-password\nanother-password\n",
    )
    assert code == 0, out  # asked twice at the prompt, never echoed back
    assert "another-password" not in out

    assert _run(workspace, "disable", "sam@example.com")[0] == 0
    code, out = _run(workspace, "list")
    assert "ada@example.com" in out
    assert "disabled" in out
    assert "rep r1" in out
    assert _run(workspace, "enable", "2") == (0, "user 2 sam@example.com enabled\n")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("--email", "x@example.com", "--name", "X", "--role", "boss"),
            "long-password-1\n",
            "unknown role 'boss'",
        ),
        (
            ("--email", "x@example.com", "--name", "X", "--role", "admin"),
            "short\n",
            "a password must have 10 to 1024 characters",
        ),
        (
            ("--email", "not-an-address", "--name", "X", "--role", "admin"),
            "long-password-1\n",
            "is not valid",
        ),
        (
            ("--email", "x@example.com", "--name", "X", "--role", "admin"),
            "\n",
            "no password on standard input",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_status_1(
    workspace: Path, args: tuple[str, ...], stdin: str, message: str
) -> None:
    code, out = _run(workspace, "create", *args, "--password-stdin", stdin=stdin)

    assert code == 1
    assert message in out
    assert "Traceback" not in out


def test_an_unknown_user_cannot_be_disabled(workspace: Path) -> None:
    code, out = _run(workspace, "disable", "nobody@example.com")

    assert code == 1
    assert out.strip() == "error: no user nobody@example.com"


def test_a_rep_key_no_rep_has_is_a_warning_not_a_refusal(workspace: Path) -> None:
    """The user may be created before the team: created, and told why the queue is empty."""
    args = ("create", "-e", "kim@example.com", "-n", "Kim", "-r", "sales", "--rep", "r9")

    code, out = _run(workspace, *args, "--password-stdin", stdin="a-long-password\n")

    assert code == 0, out
    assert "user 1 kim@example.com (sales) created" in out
    assert "warning: no rep has the key 'r9' yet" in out
    assert "leadflow reps add" in out
