"""`leadflow import events`: a summary, FILE:LINE for bad lines, --strict writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.store.database import make_engine
from leadflow.store.models import Event

runner = CliRunner()

LINES = [
    json.dumps(
        {
            "id": f"e{n}",
            "type": "page_view",
            "at": "2026-03-01T09:00:00Z",
            "email": f"p{n}@acme.example",
            "properties": {"url": "/pricing"},
        }
    )
    for n in range(5)
]


def _stored(url: str | None, workspace: Path) -> int:
    engine = make_engine(url or f"sqlite:///{workspace / 'leadflow.db'}")
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Event)) or 0
    engine.dispose()
    return count


def test_import_prints_bad_lines_and_a_summary(store_url: str | None, tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join([*LINES[:2], "oops", *LINES[2:]]) + "\n")

    result = runner.invoke(app, ["import", "events", str(events), "-w", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert f"{events}:3: not valid JSON" in result.output
    assert "5 events recorded, 0 already stored, 1 skipped" in result.output
    assert _stored(store_url, tmp_path) == 5


def test_strict_import_of_a_bad_file_writes_nothing(store_url: str | None, tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join([*LINES, '{"id": "x"}']) + "\n")

    result = runner.invoke(app, ["import", "events", "--strict", str(events), "-w", str(tmp_path)])

    assert result.exit_code == 1
    assert f"{events}:6: type: Field required" in result.output
    assert "nothing written" in result.output
    assert _stored(store_url, tmp_path) == 0


def test_a_missing_file_or_workspace_is_one_clear_line(tmp_path: Path) -> None:
    missing_file = runner.invoke(app, ["import", "events", str(tmp_path / "no.jsonl")])
    (tmp_path / "e.jsonl").write_text(LINES[0] + "\n")
    no_definition = runner.invoke(
        app, ["import", "events", str(tmp_path / "e.jsonl"), "-w", str(tmp_path)]
    )

    assert missing_file.exit_code == no_definition.exit_code == 1
    assert "no such file" in missing_file.output
    assert "Traceback" not in missing_file.output + no_definition.output
    assert no_definition.output.count("\n") == 1


def test_a_locked_database_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    runner.invoke(app, ["init", str(tmp_path)])
    (tmp_path / "e.jsonl").write_text(LINES[0] + "\n")
    holder = make_engine(f"sqlite:///{tmp_path / 'leadflow.db'}")
    with holder.connect() as connection:
        # Another writer holds the lock, longer than the importer waits for it.
        connection.exec_driver_sql(
            "INSERT INTO accounts (name, attributes, created_at, updated_at)"
            " VALUES ('x', '{}', '2026-01-01', '2026-01-01')"
        )
        monkeypatch.setattr(
            "leadflow.store.database._SQLITE_PRAGMAS",
            ("PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=50"),
        )
        result = runner.invoke(
            app, ["import", "events", str(tmp_path / "e.jsonl"), "-w", str(tmp_path)]
        )
        connection.rollback()
    holder.dispose()

    assert result.exit_code == 1
    assert "cannot use the database: database is locked" in result.output
    assert "Traceback" not in result.output


def test_an_interrupted_import_says_what_is_kept_and_a_rerun_completes_it(
    store_url: str | None, tmp_path: Path, ctrl_c_on_second_batch: Callable[[], None]
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(LINES) + "\n")
    command = ["import", "events", str(events), "--batch-size", "2", "-w", str(tmp_path)]
    result = runner.invoke(app, command)

    assert result.exit_code == 130
    assert "interrupted: every batch committed before it is stored" in result.output
    assert _stored(store_url, tmp_path) == 2  # the first batch of two
    ctrl_c_on_second_batch()  # the rerun is not interrupted
    again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output
    assert "3 events recorded, 2 already stored" in again.output
    assert _stored(store_url, tmp_path) == 5


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_a_file_without_events_says_so_and_fails(
    store_url: str | None, tmp_path: Path, text: str
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    events = tmp_path / "events.jsonl"
    events.write_text(text, encoding="utf-8")

    result = runner.invoke(app, ["import", "events", str(events), "-w", str(tmp_path)])

    assert result.exit_code == 1
    assert f"{events}: no events in the file (empty, or only blank lines): nothing imported" in (
        result.output
    )
