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
    "keys_at",
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
def _schema() -> dict[str, Any]:
    return generate_schema()


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


def keys_at(parent: tuple[str | int, ...]) -> frozenset[str]:
    """The keys accepted in the mapping at ``parent`` (a document key path); every key the
    file accepts when the path leads nowhere the schema knows."""
    schema = _schema()
    nodes: list[Mapping[str, Any]] = [schema]
    for part in parent:
        nodes = [child for node in nodes for child in _children(schema, node, part)]
    found = frozenset(key for node in nodes for key in _properties(schema, node))
    return found or known_keys()


def _resolved(root: Mapping[str, Any], node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``node`` with its ``$ref`` followed and its alternatives (anyOf, oneOf) spread."""
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        return _resolved(root, root["$defs"][name])
    alternatives = [*node.get("anyOf", []), *node.get("oneOf", [])]
    if alternatives:
        return [found for item in alternatives for found in _resolved(root, item)]
    return [node]


def _children(
    root: Mapping[str, Any], node: Mapping[str, Any], part: str | int
) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for schema in _resolved(root, node):
        if isinstance(part, int) and isinstance(schema.get("items"), Mapping):
            found.append(schema["items"])
        elif isinstance(part, str) and part in schema.get("properties", {}):
            found.append(schema["properties"][part])
        elif isinstance(part, str) and isinstance(schema.get("additionalProperties"), Mapping):
            found.append(schema["additionalProperties"])
    return found


def _properties(root: Mapping[str, Any], node: Mapping[str, Any]) -> Iterator[str]:
    for schema in _resolved(root, node):
        yield from schema.get("properties", {})
