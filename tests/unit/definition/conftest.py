"""Fixtures of the definition tests: the golden files and a way to write a definition."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"

# The smallest valid definition; tests append sections to it.
MINIMAL = """\
schema_version: 1
name: minimal
version: "1"
stages:
  - id: lead
    when: {field: identity, at_least: known}
"""


@pytest.fixture
def write_definition(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "definition.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
