"""docs/importing.md documents every field and header, and its mapping example works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats import FORMATS, hubspot, mautic, salesforce
from leadflow.ingest.formats.mapping_file import RawMapping, compile_mapping

DOC = (Path(__file__).resolve().parents[3] / "docs" / "importing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_is_documented_with_its_kind_and_place(name: str) -> None:
    field = FIELDS[name]
    places = {"contact": "contact column", "attribute": "attribute", "account": "account column"}
    place = places.get(field.target.value, f"({field.target.value})")
    if field.target.value in places:
        place = f"{place} `{field.column}`"
    elif field.target.value == "consent":
        place = "consent"
    assert f"| `{name}` | {field.kind.value} | {place} |" in DOC


@pytest.mark.parametrize("module", [hubspot, salesforce, mautic], ids=lambda m: m.__name__)
def test_every_builtin_header_is_documented(module: object) -> None:
    for field, headers in module.HEADERS.items():  # type: ignore[attr-defined]
        row = f"| `{field}` | " + ", ".join(f"`{header}`" for header in headers) + " |"
        assert row in DOC


def test_every_format_has_a_section() -> None:
    for name in FORMATS:
        assert f"### {name}" in DOC


def test_the_mapping_example_compiles() -> None:
    [example] = re.findall(r"```yaml\n(.*?)```", DOC, flags=re.DOTALL)
    layout = compile_mapping(RawMapping.model_validate(yaml.safe_load(example)), "example")
    assert layout.field_for("E-mailadres") == "email"
    assert layout.field_for("contact_id") == "external_id"  # from `format: generic`
    assert layout.value_for("email_consent", "dubbel") == "confirmed"


def test_every_account_header_alias_is_documented() -> None:
    from leadflow.ingest.accounts import _ALIASES, _header_key

    section = DOC.split("## Accounts: `leadflow import accounts`")[1].split("\n## ")[0]
    for field, aliases in _ALIASES.items():
        [row] = [line for line in section.splitlines() if line.startswith(f"| `{field}` | ")]
        headers = re.findall(r"`([^`]+)`", row.split(" | ")[1])
        assert {_header_key(header) for header in headers} == set(aliases), field
