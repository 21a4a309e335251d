"""The checked-in JSON Schema is the generated one, and it accepts what leadflow accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadflow.definition.builtin import PRESET_NAMES, preset_text
from leadflow.definition.document import parse_document
from leadflow.definition.json_schema import (
    SCHEMA_FILE,
    checked_in_schema_text,
    generate_schema,
    schema_text,
)
from tests.unit.definition.conftest import DEFINITIONS

REGENERATE = "leadflow definition schema > src/leadflow/definition/schema/definition-v1.schema.json"


def test_checked_in_schema_is_up_to_date() -> None:
    assert checked_in_schema_text() == schema_text(), (
        f"{SCHEMA_FILE} differs from the models; regenerate it with: {REGENERATE}"
    )


def test_schema_is_draft_2020_12_and_forbids_unknown_keys() -> None:
    schema = generate_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"schema_version", "name", "version", "stages"}
    assert all(
        definition.get("additionalProperties") is False
        for definition in schema["$defs"].values()
        if definition.get("type") == "object"
    )


def _data(text: str) -> object:
    # leadflow's own YAML reading (YAML 1.2 booleans), as the schema describes it.
    return parse_document(text, "x.yaml").data


def _validator() -> object:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    return jsonschema_rs.validator_for(json.loads(checked_in_schema_text()))


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_presets_validate_against_the_schema(name: str) -> None:
    validator = _validator()
    assert validator.is_valid(_data(preset_text(name)))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((DEFINITIONS / "valid").glob("*.yaml")) if "extends" not in p.read_text()],
    ids=lambda p: p.stem,
)
def test_valid_files_validate_against_the_schema(path: Path) -> None:
    validator = _validator()
    assert validator.is_valid(_data(path.read_text()))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name", ["unknown-keys", "wrong-types", "empty-stages", "negative-half-life", "schema-version"]
)
def test_malformed_files_fail_the_schema_too(name: str) -> None:
    validator = _validator()
    text = (DEFINITIONS / "invalid" / f"{name}.yaml").read_text()
    assert not validator.is_valid(_data(text))  # type: ignore[attr-defined]
