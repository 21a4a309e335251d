"""docs/importing.md documents every field and header, and its mapping example works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats import FORMATS, hubspot, mautic, salesforce
from leadflow.ingest.formats.mapping_file import RawMapping, compile_mapping
from leadflow.ingest.formats.translations import hubspot as translated_hubspot
from leadflow.ingest.formats.translations import salesforce as translated_salesforce

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


_LANGUAGE_SECTION = DOC.split("### Exports in other languages")[1].split("\n### ")[0]


@pytest.mark.parametrize(
    "module", [translated_hubspot, translated_salesforce], ids=lambda m: m.__name__
)
def test_every_translated_header_is_documented(module: object) -> None:
    languages = list(module.HEADERS)  # type: ignore[attr-defined]
    fields = {field for table in module.HEADERS.values() for field in table}  # type: ignore[attr-defined]
    for field in fields:
        cells = [
            ", ".join(f"`{header}`" for header in module.HEADERS[language].get(field, ()))  # type: ignore[attr-defined]
            for language in languages
        ]
        assert f"| `{field}` | " + " | ".join(cells) + " |" in _LANGUAGE_SECTION


@pytest.mark.parametrize(
    "module", [translated_hubspot, translated_salesforce], ids=lambda m: m.__name__
)
def test_every_translated_value_is_documented(module: object) -> None:
    for language, tables in module.VALUES.items():  # type: ignore[attr-defined]
        for field, table in tables.items():
            labels = ", ".join(f"`{label}` -> {value}" for label, value in table.items())
            assert f"| {language} | `{field}` | {labels} |" in _LANGUAGE_SECTION


def test_the_missing_label_example_extends_its_format() -> None:
    [example] = re.findall(r"```\n(format: hubspot\n.*?)```", _LANGUAGE_SECTION, re.DOTALL)
    layout = compile_mapping(RawMapping.model_validate(yaml.safe_load(example)), "extra")
    assert layout.field_for("Telefonnummer (Zentrale)") == "phone"
    assert layout.field_for("Vorname") == "first_name"  # from the format
    assert layout.value_for("lifecycle_stage", "Bestandskunde") == "customer"
    assert layout.value_for("lifecycle_stage", "Kunde") == "customer"
