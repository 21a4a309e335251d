"""Events imported into a workspace through the command line, as a team would do it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from typer.testing import CliRunner

from leadflow.cli import app


def import_events(workspace: Path, lines: Iterable[Mapping[str, object]]) -> None:
    """Write ``lines`` as a JSON-lines file in the workspace and `leadflow import events` it."""
    events = workspace / "events.jsonl"
    events.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    imported = CliRunner().invoke(app, ["import", "events", str(events), "-w", str(workspace)])
    assert imported.exit_code == 0, imported.output
