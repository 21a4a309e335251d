"""`leadflow definition activate|versions`, and versions that load away from their folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.services.definitions import UnusableDefinitionError, active_definition
from leadflow.store.database import make_engine
from leadflow.store.models import DefinitionVersion

runner = CliRunner()

EVENT = {"id": "e1", "type": "page_view", "at": "2026-03-01T09:00:00Z", "email": "p@acme.example"}


@pytest.fixture
def engine(store_url: str | None, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(store_url or f"sqlite:///{tmp_path / 'leadflow.db'}")
    yield engine
    engine.dispose()


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _versions(engine: Engine) -> list[tuple[str, str, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(DefinitionVersion.name, DefinitionVersion.version, DefinitionVersion.active)
        )
        return sorted(tuple(row) for row in rows)


def _import_one_event(workspace: Path) -> tuple[int, str]:
    events = workspace / "events.jsonl"
    events.write_text(json.dumps(EVENT) + "\n")
    return _invoke("import", "events", str(events), "-w", str(workspace))


def test_a_definition_extending_a_local_file_keeps_working_after_init(
    engine: Engine, tmp_path: Path
) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(preset_text("waterfall").replace("name: waterfall", "name: acme-base"))
    (tmp_path / "definition.yaml").write_text('extends: base.yaml\nname: acme\nversion: "1"\n')

    code, output = _invoke("init", str(tmp_path))
    assert code == 0, output
    base.unlink()  # the stored version must not need it any more

    code, output = _import_one_event(tmp_path)
    assert code == 0, output
    assert "1 events recorded" in output
    with Session(engine) as session:
        assert active_definition(session).definition.name == "acme"


def test_a_stored_version_naming_a_file_is_refused_clearly_never_read_from_disk(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _invoke("init", str(tmp_path))
    # As a version recorded before extended files were merged in: it names a file, and
    # one of that name sits in the folder the process runs in.
    (tmp_path / "base.yaml").write_text(preset_text("waterfall"))
    monkeypatch.chdir(tmp_path)
    with Session(engine) as session:
        session.execute(update(DefinitionVersion).values(yaml="extends: base.yaml\nname: old\n"))
        session.commit()
        with pytest.raises(UnusableDefinitionError, match="waterfall version 1 cannot be used"):
            active_definition(session)

    code, output = _import_one_event(tmp_path)

    assert code == 1
    assert "leadflow definition activate" in output
    assert "Traceback" not in output


def test_activate_records_the_edited_file_and_versions_lists_them(
    engine: Engine, tmp_path: Path
) -> None:
    _invoke("init", str(tmp_path))
    definition = tmp_path / "definition.yaml"
    definition.write_text(definition.read_text().replace('version: "1"', 'version: "2"'))

    code, output = _invoke("definition", "activate", "-w", str(tmp_path))

    assert code == 0, output
    assert "active definition: waterfall version 1 -> waterfall version 2" in output
    assert _versions(engine) == [("waterfall", "1", False), ("waterfall", "2", True)]
    code, output = _invoke("definition", "activate", "-w", str(tmp_path))
    assert (code, output.strip()) == (0, "waterfall version 2 is already the active definition")
    code, output = _invoke("definition", "versions", "-w", str(tmp_path))
    assert code == 0, output
    rows = [line for line in output.splitlines() if "waterfall" in line]
    assert len(rows) == 2
    assert "active" in rows[0]
    assert " 2 " in rows[0]
    assert "active" not in rows[1]


def test_activate_another_file_and_rescore(engine: Engine, tmp_path: Path) -> None:
    _invoke("init", str(tmp_path))
    _import_one_event(tmp_path)
    other = tmp_path / "fit-first.yaml"
    other.write_text(preset_text("fit-first"))

    code, output = _invoke("definition", "activate", str(other), "--rescore", "-w", str(tmp_path))

    assert code == 0, output
    assert "waterfall version 1 -> fit-first version 1" in output
    assert "qualified 1 contacts" in output
    assert _versions(engine) == [("fit-first", "1", True), ("waterfall", "1", False)]


def test_activate_refuses_a_changed_file_under_a_recorded_version(
    engine: Engine, tmp_path: Path
) -> None:
    _invoke("init", str(tmp_path))
    definition = tmp_path / "definition.yaml"
    definition.write_text(definition.read_text().replace("within_days: 30", "within_days: 20"))

    code, output = _invoke("definition", "activate", "-w", str(tmp_path))

    assert code == 1
    assert "waterfall version 1 is already recorded with other content" in output
    assert _versions(engine) == [("waterfall", "1", True)]


def test_activate_reports_an_invalid_file_by_line_and_keeps_the_active_version(
    engine: Engine, tmp_path: Path
) -> None:
    _invoke("init", str(tmp_path))
    broken = tmp_path / "broken.yaml"
    broken.write_text('extends: waterfall\nname: broken\nversion: "2"\nstages: 3\n')

    code, output = _invoke("definition", "activate", str(broken), "-w", str(tmp_path))

    assert code == 1
    assert f"{broken}:4: stages" in output
    assert _versions(engine) == [("waterfall", "1", True)]


def test_versions_without_a_workspace_is_one_clear_line(tmp_path: Path) -> None:
    code, output = _invoke("definition", "versions", "-w", str(tmp_path / "none"))

    assert code == 1
    assert (
        output.strip()
        == f"error: no workspace at {tmp_path / 'none'}: name one with --workspace or "
        f"LEADFLOW_WORKSPACE, or create it with `leadflow init {tmp_path / 'none'}`"
    )


RENAMED = """\
schema_version: 1
name: renamed
version: "1"
stages:
  - id: contact
    when: {field: identity, at_least: known}
"""


def test_activate_names_the_leads_standing_in_stages_the_new_version_lacks(
    engine: Engine, tmp_path: Path
) -> None:
    _invoke("init", str(tmp_path))
    code, output = _import_one_event(tmp_path)
    assert code == 0, output
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(RENAMED)

    activated = runner.invoke(app, ["definition", "activate", str(renamed), "-w", str(tmp_path)])

    assert activated.exit_code == 0, activated.output
    assert activated.stdout.splitlines()[1:] == [
        "1 lead stands in a stage renamed version 1 does not have (lead: 1); they stay "
        "there until `leadflow rescore` moves them to where this version places them"
    ]
    code, output = _invoke("rescore", "-w", str(tmp_path))
    assert code == 0, output
    assert "moved to contact: 1" in output
    again = runner.invoke(app, ["definition", "activate", str(renamed), "-w", str(tmp_path)])
    assert again.stdout.strip() == "renamed version 1 is already the active definition"


def test_activate_warns_of_a_gate_nobody_passes_and_activates(
    engine: Engine, tmp_path: Path
) -> None:
    _invoke("init", str(tmp_path))
    edited = preset_text("waterfall").replace('version: "1"', 'version: "2"', 1)
    edited = edited.replace("require_sales_action: true", "require_sales_action: false")
    (tmp_path / "definition.yaml").write_text(edited, encoding="utf-8")

    result = runner.invoke(app, ["definition", "activate", "-w", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "waterfall version 1 -> waterfall version 2" in result.stdout
    line = edited.splitlines().index("  require_sales_action: false") + 1
    assert result.stderr.startswith(
        f"warning: {tmp_path / 'definition.yaml'}:{line}: sales_ready.require_sales_action:"
        " every contact of fit grade B or better is sales-ready without having done anything"
    )
    assert _versions(engine) == [("waterfall", "1", False), ("waterfall", "2", True)]


def test_activating_another_file_says_the_workspace_file_still_holds_the_old_version(
    engine: Engine, tmp_path: Path
) -> None:
    """A later `definition activate -w WS` without a file would go back to it."""
    workspace = tmp_path / "ws"
    code, output = _invoke("init", "--preset", "waterfall", str(workspace))
    assert code == 0, output
    candidate = tmp_path / "candidate.yaml"
    candidate.write_text('extends: waterfall\nname: waterfall\nversion: "2"\n')

    code, output = _invoke("definition", "activate", str(candidate), "-w", str(workspace))

    assert code == 0, output
    assert "active definition: waterfall version 1 -> waterfall version 2" in output
    assert (
        f"note: {workspace / 'definition.yaml'} still holds waterfall version 1:"
        " `leadflow definition activate` without a file would go back to it; keep"
        f" activating {candidate}, or bring the workspace's file up to date"
    ) in " ".join(output.split())


def test_activating_the_file_the_workspace_holds_adds_no_note(
    engine: Engine, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    _invoke("init", "--preset", "waterfall", str(workspace))
    path = workspace / "definition.yaml"
    path.write_text(path.read_text().replace('version: "1"', 'version: "2"'))

    code, output = _invoke("definition", "activate", "-w", str(workspace))

    assert code == 0, output
    assert "note:" not in output
