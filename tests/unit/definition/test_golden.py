"""The golden files under tests/definitions: valid ones load, invalid ones fail exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.definition.loader import DefinitionError, load_definition
from tests.unit.definition.conftest import DEFINITIONS

VALID = sorted((DEFINITIONS / "valid").glob("*.yaml"))
INVALID = sorted(
    path for path in (DEFINITIONS / "invalid").glob("*.yaml") if not path.stem.endswith("-part")
)


def _lines(error: DefinitionError) -> list[str]:
    # Files are named by their base name so the expectations do not depend on the cwd.
    return [f"{Path(e.source).name}:{e.line}: {e.path}: {e.message}" for e in error.errors]


def _comparable(line: str) -> str:
    # The wording of a YAML syntax error is the parser's (libyaml or pure Python).
    return line.split(" (yaml): ")[0] + " (yaml):" if " (yaml): " in line else line


def test_there_are_golden_files() -> None:
    assert len(VALID) >= 3
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_definition_loads(path: Path) -> None:
    definition = load_definition(path)
    assert definition.stages
    assert definition.name == path.stem


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_definition_reports_every_expected_line(path: Path) -> None:
    expected = path.with_suffix(".errors").read_text(encoding="utf-8").splitlines()
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert [_comparable(line) for line in _lines(caught.value)] == [
        _comparable(line) for line in expected
    ]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_every_error_names_an_existing_line(path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    for error in caught.value.errors:
        lines = Path(error.source).read_text(encoding="utf-8").splitlines()
        assert 1 <= error.line <= len(lines)
        assert str(error).startswith(f"{error.source}:{error.line}: ")
