"""docs/importing.md documents every field and header, its mapping examples work, and
every place that lists the formats lists exactly the registry's."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import leadflow.commands.import_contacts
from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats import (
    FORMATS,
    dynamics,
    hubspot,
    marketo,
    mautic,
    odoo,
    pardot,
    pipedrive,
    salesforce,
    zoho,
)
from leadflow.ingest.formats.layout import IGNORE, Layout
from leadflow.ingest.formats.mapping_file import RawMapping, compile_mapping
from leadflow.ingest.formats.translations import hubspot as translated_hubspot
from leadflow.ingest.formats.translations import odoo as translated_odoo
from leadflow.ingest.formats.translations import salesforce as translated_salesforce
from leadflow.ingest.values import lead_status

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


@pytest.mark.parametrize(
    "module",
    [hubspot, salesforce, marketo, odoo, mautic, pipedrive, dynamics, zoho, pardot],
    ids=lambda m: m.__name__,
)
def test_every_builtin_header_is_documented(module: object) -> None:
    for field, headers in module.HEADERS.items():
        name = "(ignored)" if field == IGNORE else f"`{field}`"
        row = f"| {name} | " + ", ".join(f"`{header}`" for header in headers) + " |"
        assert row in DOC


def test_the_odoo_stage_table_is_the_layouts() -> None:
    section = DOC.split("### odoo")[1].split("\n### ")[0]
    rows = re.findall(r"^\| (\w+) \| `(\w+)` \|$", section, flags=re.MULTILINE)
    assert dict(rows) == odoo.VALUES["lifecycle_stage"]


@pytest.mark.parametrize("module", [dynamics, zoho], ids=lambda m: m.__name__)
def test_a_status_table_is_what_the_import_does(module: ModuleType) -> None:
    """Each documented status becomes the documented word (the format's own map, else the
    general synonyms), and every status the format translates itself is documented."""
    name = module.__name__.rsplit(".", 1)[1]
    section = DOC.split(f"### {name}\n")[1].split("\n### ")[0]
    found = re.findall(r"^\| ([^|`]+?) \| `(\w+)` \|$", section, flags=re.MULTILINE)
    rows = [(label, word) for label, word in found if word != "lead_status"]  # not the head
    assert rows
    layout = FORMATS[name]
    for label, documented in rows:
        assert (layout.value_for("lead_status", label) or lead_status(label)) == documented
    own = {label for label in module.VALUES["lead_status"] if not label.isdigit()}
    assert own <= {label for label, _ in rows}


_FORMAT_LISTS = re.compile(r"--format ((?:[a-z]+\|)+[a-z]+)")


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("README.md", README),
        ("docs/importing.md", DOC),
        ("commands/import_contacts.py", leadflow.commands.import_contacts.__doc__ or ""),
    ],
)
def test_every_list_of_formats_is_the_registry(where: str, text: str) -> None:
    """A format added to FORMATS and forgotten in the README (or the other way round)."""
    lists = _FORMAT_LISTS.findall(text)
    assert lists, f"{where} lists no formats"
    for found in lists:
        assert found.split("|") == list(FORMATS), where


def test_every_format_has_a_section() -> None:
    for name in FORMATS:
        assert f"### {name}" in DOC


def _examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC, flags=re.DOTALL)


def _compiled(example: str) -> Layout:
    return compile_mapping(RawMapping.model_validate(yaml.safe_load(example)), "example")


def test_the_mapping_example_compiles() -> None:
    layout = _compiled(_examples()[0])
    assert layout.field_for("E-mailadres") == "email"
    assert layout.field_for("contact_id") == "external_id"  # from `format: generic`
    assert layout.value_for("email_consent", "dubbel") == "confirmed"
    assert layout.empty_words == {"-", "n/a"}


def test_the_examples_that_extend_odoo_and_marketo_compile() -> None:
    dutch_odoo, marketo_stages = (_compiled(example) for example in _examples()[1:3])
    assert dutch_odoo.value_for("lifecycle_stage", "Offerte verstuurd") == "opportunity"
    assert dutch_odoo.value_for("lifecycle_stage", "Gewonnen") == "customer"  # the format's
    assert dutch_odoo.field_for("email_from") == "email"
    assert marketo_stages.field_for("Revenue Stage") == "lifecycle_stage"
    assert marketo_stages.empty_words == {"null"}


def test_every_account_header_alias_is_documented() -> None:
    from leadflow.ingest.accounts import _ALIASES, header_key

    section = DOC.split("## Accounts: `leadflow import accounts`")[1].split("\n## ")[0]
    for field, aliases in _ALIASES.items():
        [row] = [line for line in section.splitlines() if line.startswith(f"| `{field}` | ")]
        headers = re.findall(r"`([^`]+)`", row.split(" | ")[1])
        assert {header_key(header) for header in headers} == set(aliases), field


def test_the_accounts_mapping_example_loads(tmp_path: Path) -> None:
    from leadflow.ingest.accounts import IGNORED, AccountMapping
    from leadflow.ingest.accounts_mapping import load_account_mapping

    section = DOC.split("## Accounts: `leadflow import accounts`")[1].split("\n## ")[0]
    [example] = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    path = tmp_path / "accounts.yaml"
    path.write_text(example, encoding="utf-8")
    mapping = load_account_mapping(path)
    assert isinstance(mapping, AccountMapping)
    assert mapping.columns["office location"] == "country"
    assert mapping.columns["subsidiary of"] == IGNORED
    assert mapping.read("country", "KOREA") == "KR"


_LANGUAGE_SECTION = DOC.split("### Exports in other languages")[1].split("\n### ")[0]


_TRANSLATED = [translated_hubspot, translated_salesforce, translated_odoo]


@pytest.mark.parametrize("module", _TRANSLATED, ids=lambda m: m.__name__)
def test_every_translated_header_is_documented(module: object) -> None:
    languages = list(module.HEADERS)  # type: ignore[attr-defined]
    fields = {field for table in module.HEADERS.values() for field in table}  # type: ignore[attr-defined]
    for field in fields:
        cells = [
            ", ".join(f"`{header}`" for header in module.HEADERS[language].get(field, ()))  # type: ignore[attr-defined]
            for language in languages
        ]
        name = "(ignored)" if field == IGNORE else f"`{field}`"
        assert f"| {name} | " + " | ".join(cells) + " |" in _LANGUAGE_SECTION


@pytest.mark.parametrize("module", _TRANSLATED, ids=lambda m: m.__name__)
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
