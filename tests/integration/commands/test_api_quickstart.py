"""docs/api.md's opening example runs as written, command after command, on a fresh
workspace (``serve`` and ``curl`` aside: the API's own tests cover what they do)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
runner = CliRunner()


def _quickstart() -> list[list[str]]:
    """The ``leadflow`` command lines of the page's first console block, without the
    prompt, the comments and what they print."""
    text = DOC.read_text("utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    lines = [line.removeprefix("$ ") for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("leadflow ")]


def test_the_quickstart_commands_run_in_order(
    store_url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ran = []
    for words in _quickstart():
        if words[1] == "serve":
            continue
        result = runner.invoke(app, words[1:])
        assert result.exit_code == 0, (words, result.output)
        ran.append(words[1:3])

    assert ["init", "my-workspace"] in ran
    assert sum(words == ["keys", "create"] for words in ran) == 2
