"""`leadflow init` and `leadflow db`: a workspace from a preset, migrations from the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.store.database import make_engine
from leadflow.store.migrate import current, head
from leadflow.store.models import DefinitionVersion

runner = CliRunner()


def _engine(store_url: str | None, workspace: Path) -> Engine:
    return make_engine(store_url or f"sqlite:///{workspace / 'leadflow.db'}")


def _versions(engine: Engine) -> list[tuple[str, str, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(DefinitionVersion.name, DefinitionVersion.version, DefinitionVersion.active)
        )
        return sorted(tuple(row) for row in rows)


def test_init_writes_the_preset_migrates_and_activates_it(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = tmp_path / "acme"

    result = runner.invoke(app, ["init", "--preset", "fit-first", str(workspace)])

    assert result.exit_code == 0, result.output
    assert (workspace / "definition.yaml").read_text() == preset_text("fit-first")
    engine = _engine(store_url, workspace)
    assert current(engine) == head()
    assert _versions(engine) == [("fit-first", "1", True)]
    engine.dispose()


def test_init_again_keeps_the_teams_definition_and_activates_its_new_version(
    store_url: str | None, tmp_path: Path
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    edited = preset_text("waterfall").replace('version: "1"', 'version: "2"')
    (tmp_path / "definition.yaml").write_text(edited)

    result = runner.invoke(app, ["init", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "kept" in result.output
    engine = _engine(store_url, tmp_path)
    assert _versions(engine) == [("waterfall", "1", False), ("waterfall", "2", True)]
    engine.dispose()


def test_init_starts_from_the_teams_own_file_with_what_it_extends_merged_in(
    store_url: str | None, tmp_path: Path
) -> None:
    (tmp_path / "base.yaml").write_text(preset_text("waterfall"), encoding="utf-8")
    ours = tmp_path / "ours.yaml"
    ours.write_text('extends: base.yaml\nname: ours\nversion: "3"\n', encoding="utf-8")
    workspace = tmp_path / "ws"

    made = runner.invoke(app, ["init", "--definition", str(ours), str(workspace)])
    again = runner.invoke(app, ["init", "--definition", str(ours), str(workspace)])
    other = runner.invoke(app, ["init", "-d", str(tmp_path / "base.yaml"), str(workspace)])
    both = runner.invoke(app, ["init", "-d", str(ours), "-p", "waterfall", str(tmp_path / "x")])

    assert made.exit_code == 0, made.output
    assert "active definition ours version 3" in made.output
    copied = (workspace / "definition.yaml").read_text(encoding="utf-8")
    assert "extends: base.yaml" not in copied  # it loads from the workspace on its own
    engine = _engine(store_url, workspace)
    assert _versions(engine) == [("ours", "3", True)]
    engine.dispose()
    assert again.exit_code == 0
    assert "kept" in again.output
    assert other.exit_code == 1
    assert "differs from" in other.output
    assert both.exit_code == 1
    assert "not both" in both.output
    assert not (tmp_path / "x").exists()


def test_init_from_an_invalid_file_names_its_problems_and_creates_nothing(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: ours\n", encoding="utf-8")

    result = runner.invoke(app, ["init", "--definition", str(bad), str(tmp_path / "ws")])

    assert result.exit_code == 1
    assert "bad.yaml:1: version: required key missing" in result.output
    assert not (tmp_path / "ws").exists()


def test_init_refuses_a_preset_over_a_different_definition(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])

    result = runner.invoke(app, ["init", "--preset", "hubspot", str(tmp_path)])

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (tmp_path / "definition.yaml").read_text() == preset_text("waterfall")


def test_init_reports_an_invalid_definition_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "definition.yaml").write_text("name: broken\nstages: 3\n")

    result = runner.invoke(app, ["init", str(tmp_path)])

    assert result.exit_code == 1
    assert "definition.yaml:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["init", "--preset", "nope", "{ws}/new"], "unknown preset 'nope'"),
        (["db", "downgrade", "nowhere", "-w", "{ws}"], "Can't locate revision"),
        (["db", "current", "--workspace", "{ws}/missing"], "no workspace at"),
        # It said "[Errno 20] Not a directory: '.../definition.yaml/new'".
        (
            ["init", "{ws}/definition.yaml/new"],
            "cannot create the workspace {ws}/definition.yaml/new: "
            "{ws}/definition.yaml is a file, not a folder",
        ),
    ],
)
def test_mistakes_get_one_clear_line(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    runner.invoke(app, ["init", str(tmp_path)])

    result = runner.invoke(app, [part.format(ws=tmp_path) for part in arguments])

    assert result.exit_code == 1
    assert message.format(ws=tmp_path) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists()


def test_db_downgrade_and_upgrade_from_the_command_line(
    store_url: str | None, tmp_path: Path
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    engine = _engine(store_url, tmp_path)

    down = runner.invoke(app, ["db", "downgrade", "base", "-w", str(tmp_path)])
    assert down.exit_code == 0, down.output
    assert current(engine) is None

    up = runner.invoke(app, ["db", "upgrade", "-w", str(tmp_path)])
    assert up.exit_code == 0, up.output
    assert current(engine) == head()
    status = runner.invoke(app, ["db", "current", "-w", str(tmp_path)])
    assert "up to date" in status.output
    engine.dispose()


def test_db_downgrade_takes_minus_one_as_its_help_says(
    store_url: str | None, tmp_path: Path
) -> None:
    # "-1" looks like an option to the command line parser; it is the revision argument.
    runner.invoke(app, ["init", str(tmp_path)])
    engine = _engine(store_url, tmp_path)

    down = runner.invoke(app, ["db", "downgrade", "-1", "-w", str(tmp_path)])
    assert down.exit_code == 0, down.output
    assert current(engine) not in (None, head())
    assert f"database at revision {current(engine)}" in down.output
    engine.dispose()


STAGES_ONLY = """\
schema_version: 1
name: stages-only
version: "1"
stages:
  - {id: lead, when: {field: identity, at_least: known}}
  - {id: sql, kind: sales, requires: [lead], when: {field: sales_ready, equals: true}}
"""


def test_init_from_a_file_that_cannot_hand_anyone_off_says_so(
    store_url: str | None, tmp_path: Path
) -> None:
    """The file is valid, so the workspace is made; but a team that never ran `validate`
    learns here, not weeks later from an empty queue, that no lead can pass its gate."""
    ours = tmp_path / "funnel.yaml"
    ours.write_text(STAGES_ONLY, encoding="utf-8")

    result = runner.invoke(app, ["init", "--definition", str(ours), str(tmp_path / "ws")])

    assert result.exit_code == 0, result.output
    assert "active definition stages-only version 1" in result.stdout
    assert result.stderr.startswith(
        "warning: sales_ready.min_fit_grade: no lead can ever be sales-ready: grade B needs"
    )
