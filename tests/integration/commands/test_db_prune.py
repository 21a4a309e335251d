"""`leadflow db prune`: counts, asks, deletes; windows from settings or options; one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.commands.retention import worker_housekeeping
from leadflow.domain.clock import FixedClock
from leadflow.settings import Settings
from leadflow.store.database import make_engine, session_factory, writer
from leadflow.store.models import IdempotentReply, OutboxMessage
from tests.integration.services import retention_rows as rows

runner = CliRunner()


@pytest.fixture
def workspace(store_url: str | None, tmp_path: Path) -> Path:
    made = runner.invoke(app, ["init", str(tmp_path)])
    assert made.exit_code == 0, made.output
    return tmp_path


@pytest.fixture
def sessions(store_url: str | None, workspace: Path) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(store_url or f"sqlite:///{workspace / 'leadflow.db'}")
    yield session_factory(writer(engine))
    engine.dispose()


@pytest.fixture
def aged(sessions: sessionmaker[Session]) -> datetime:
    """Two replies (2 days and 1 hour old) and two dispatched messages (10 and 40 days)."""
    now = datetime.now(UTC)
    with sessions() as session:
        key = rows.api_key(session, now)
        rows.reply(session, key, "two-days", now - timedelta(days=2))
        rows.reply(session, key, "one-hour", now - timedelta(hours=1))
        hook = rows.subscription(session, now)
        for days in (10, 40):
            at = now - timedelta(days=days)
            rows.message(session, at, dispatched=at, deliveries={hook: "delivered"})
    return now


def _prune(workspace: Path, *args: str, answer: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["db", "prune", *args, "-w", str(workspace)], input=answer)
    return result.exit_code, result.output


def _left(sessions: sessionmaker[Session]) -> tuple[list[str], int]:
    with sessions() as session:
        replies = sorted(session.scalars(select(IdempotentReply.idempotency_key)))
        return replies, rows.count(session, OutboxMessage)


def test_a_dry_run_counts_per_table_and_deletes_nothing(
    workspace: Path, sessions: sessionmaker[Session], aged: datetime
) -> None:
    code, output = _prune(workspace, "--dry-run", "--json")
    text_code, text = _prune(workspace, "--dry-run")

    assert code == text_code == 0, output
    assert "idempotent_replies           1  would delete" in text
    document = json.loads(output)
    assert document["dry_run"] is True
    assert document["windows"] == {"replies": "1d", "messages": "30d", "confirmations": "7d"}
    assert document["rows"] == {
        "idempotent_replies": 1,
        "outbox_messages": 1,
        "webhook_deliveries": 1,
        "delivery_attempts": 1,
        "web_sessions": 0,
        "form_confirmations": 0,
    }
    assert _left(sessions) == (["one-hour", "two-days"], 2)


def test_yes_deletes_and_says_how_many_rows_per_table(
    workspace: Path, sessions: sessionmaker[Session], aged: datetime
) -> None:
    code, output = _prune(workspace, "--yes")

    assert code == 0, output
    assert "windows: replies 1d, messages 30d, confirmations 7d" in output
    assert "idempotent_replies           1  deleted" in output
    assert "outbox_messages              1  deleted" in output
    assert "web_sessions                 0  deleted" in output
    assert _left(sessions) == (["one-hour"], 1)


def test_without_yes_it_asks_and_no_keeps_everything(
    workspace: Path, sessions: sessionmaker[Session], aged: datetime
) -> None:
    refused, said_no = _prune(workspace, answer="n\n")
    kept = _left(sessions)
    agreed, said_yes = _prune(workspace, answer="y\n")

    assert refused == 1
    assert "delete idempotent_replies 1, outbox_messages 1" in said_no
    assert said_no.rstrip().endswith("error: nothing deleted")
    assert kept == (["one-hour", "two-days"], 2)
    assert agreed == 0, said_yes
    assert _left(sessions) == (["one-hour"], 1)


def test_asked_with_json_the_question_stays_out_of_the_json(
    workspace: Path, sessions: sessionmaker[Session], aged: datetime
) -> None:
    # `leadflow db prune --json > counts.json`: the question goes to the terminal, the
    # document alone to the standard output.
    result = runner.invoke(app, ["db", "prune", "--json", "-w", str(workspace)], input="y\n")

    assert result.exit_code == 0, result.output
    assert "delete idempotent_replies 1" in result.stderr
    # The test runner echoes the answer it types to the standard output, as a terminal
    # would on the screen; the rest is the document.
    echoed, document = result.stdout.split("\n", 1)
    assert echoed.strip() == "y"
    assert json.loads(document)["rows"]["idempotent_replies"] == 1
    assert _left(sessions) == (["one-hour"], 1)


def test_options_and_settings_choose_the_windows(
    workspace: Path,
    sessions: sessionmaker[Session],
    aged: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEADFLOW_RETENTION_MESSAGES", "7d")

    code, output = _prune(workspace, "--yes", "--json", "--replies", "30m")

    assert code == 0, output
    document = json.loads(output)
    assert document["windows"]["replies"] == "30m"
    assert document["windows"]["messages"] == "7d"
    assert document["rows"]["idempotent_replies"] == 2
    assert document["rows"]["outbox_messages"] == 2


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--replies", "7x"], None, "error: --replies: '7x' is not a duration like 30m, 24h"),
        (["--messages", "0d"], None, "error: --messages: '0d': a duration must be longer"),
        ([], ("LEADFLOW_RETENTION_REPLIES", "soon"), "error: LEADFLOW_RETENTION_REPLIES: 'soon'"),
    ],
)
def test_a_bad_window_is_one_line_and_exit_1(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: tuple[str, str] | None,
    message: str,
) -> None:
    if env is not None:
        monkeypatch.setenv(*env)

    code, output = _prune(workspace, "--yes", *args)

    assert code == 1
    assert output.count("\n") == 1
    assert output.startswith(message)


def test_the_worker_prunes_on_its_schedule_unless_turned_off(
    sessions: sessionmaker[Session], aged: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    off = worker_housekeeping(Settings(prune_every=None), sessions, FixedClock(aged))
    on = worker_housekeeping(Settings(), sessions, FixedClock(aged))

    off()
    kept = _left(sessions)
    on()

    assert kept == (["one-hour", "two-days"], 2)
    assert _left(sessions) == (["one-hour"], 1)
    # Stamped with the clock's moment, as every line of the worker's is.
    stamp = aged.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{aged.microsecond // 1000:03d}Z"
    assert capsys.readouterr().out.startswith(
        f"{stamp} pruned idempotent_replies 1, outbox_messages 1"
    )
