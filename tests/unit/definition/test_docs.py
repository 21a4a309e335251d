"""docs/definition.md documents every key of the schema, and its examples are true."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.commands import definition as definition_commands
from leadflow.definition.json_schema import generate_schema, property_keys
from leadflow.definition.loader import load_definition_text
from leadflow.definition.raw import RawDefinition

DOCS = Path(__file__).resolve().parents[3] / "docs" / "definition.md"
BLOCK = re.compile(
    r"(?:<!-- file: (?P<file>[\w.-]+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S
)


def _app() -> typer.Typer:
    # The definition group alone: the full CLI also loads other groups' heavy imports.
    root = typer.Typer()
    definition_commands.register(root)
    return root


def _docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def _blocks(lang: str) -> list[re.Match[str]]:
    return [match for match in BLOCK.finditer(_docs()) if match["lang"] == lang]


def test_every_schema_key_is_documented() -> None:
    documented = set(re.findall(r"`([A-Za-z_]+)`", _docs()))
    keys = set(property_keys(generate_schema()))
    assert keys, "the schema declares no keys"
    missing = sorted(keys - documented)
    assert not missing, f"keys of the definition schema missing from {DOCS.name}: {missing}"


def test_every_top_level_section_has_its_own_heading() -> None:
    headings = set(re.findall(r"^#+ `(\w+)`$", _docs(), re.M))
    sections = {
        name
        for name, info in RawDefinition.model_fields.items()
        if "Section" in str(info.annotation) or name in {"stages", "free_mail_domains"}
    }
    assert sections <= headings, sorted(sections - headings)


def test_complete_yaml_examples_load() -> None:
    complete = [b["body"] for b in _blocks("yaml") if b["body"].startswith("schema_version:")]
    assert len(complete) >= 3
    for body in complete:
        if "version: 1.10" in body:  # the example of what errors look like
            continue
        assert load_definition_text(body, "example.yaml").stages


def test_command_examples_print_what_the_docs_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for block in _blocks("yaml"):
        if block["file"]:
            (tmp_path / block["file"]).write_text(block["body"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runs = [b["body"] for b in _blocks("text") if b["body"].startswith("$ leadflow ")]
    assert len(runs) >= 3
    for body in runs:
        command, *expected = body.rstrip("\n").split("\n")
        result = CliRunner().invoke(_app(), shlex.split(command)[2:])
        assert result.output.rstrip("\n").split("\n") == expected, command
