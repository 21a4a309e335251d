"""The JSON Schema of the definition file, generated from the raw models.

The generated schema is checked in at ``schema/definition-v1.schema.json`` so editors and
reviewers can use it without leadflow installed; a test fails when the checked-in file
and the models disagree. Regenerate it with:

    leadflow definition schema > src/leadflow/definition/schema/definition-v1.schema.json
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from leadflow.definition.raw import SCHEMA_VERSION, RawDefinition

__all__ = [
    "SCHEMA_FILE",
    "checked_in_schema_text",
    "generate_schema",
    "known_keys",
    "property_keys",
    "schema_text",
]

SCHEMA_FILE = f"schema/definition-v{SCHEMA_VERSION}.schema.json"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def generate_schema() -> dict[str, Any]:
    schema = RawDefinition.model_json_schema()
    return {"$schema": _DIALECT, **schema}


def schema_text() -> str:
    """The schema as the checked-in file holds it (stable key order, final newline)."""
    return json.dumps(generate_schema(), indent=2, ensure_ascii=False) + "\n"


def checked_in_schema_text() -> str:
    return (files("leadflow.definition") / SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def known_keys() -> frozenset[str]:
    """Every key the definition file accepts anywhere, by its YAML name."""
    return frozenset(property_keys(generate_schema()))


def property_keys(schema: Mapping[str, Any]) -> Iterator[str]:
    """Every property name declared anywhere in ``schema`` (nested and in ``$defs``)."""
    for key, value in schema.items():
        if key == "properties" and isinstance(value, Mapping):
            yield from value
        if isinstance(value, Mapping):
            yield from property_keys(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    yield from property_keys(item)
