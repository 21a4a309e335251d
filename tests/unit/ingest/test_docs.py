"""docs/importing.md documents every field and header, its mapping examples work, and
every place that lists the formats lists exactly the registry's."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import leadflow.commands.import_contacts
from leadflow.ingest.activity_formats import ACTIVITY_FORMATS
from leadflow.ingest.deal_formats import DEAL_FORMATS
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
    assert list(FORMATS) in [found.split("|") for found in lists], where
    for found in lists:  # the contact formats, or the deal or activity formats
        assert found.split("|") in (
            list(FORMATS),
            list(DEAL_FORMATS),
            list(ACTIVITY_FORMATS),
        ), where


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


_DEALS = DOC.split("## Deals: `leadflow import deals`")[1].split("\n## ")[0]


def test_every_deal_format_list_is_the_deal_registry() -> None:
    lists = _FORMAT_LISTS.findall(_DEALS)
    assert lists
    assert all(found.split("|") == list(DEAL_FORMATS) for found in lists)
    assert all(f"**{name}**" in _DEALS for name in DEAL_FORMATS)


@pytest.mark.parametrize("name", ["hubspot", "salesforce", "pipedrive", "odoo", "dynamics", "zoho"])
def test_every_deal_header_is_documented(name: str) -> None:
    module = importlib.import_module(f"leadflow.ingest.deal_formats.{name}")
    section = _DEALS.split(f"**{name}**")[1].split("\n**")[0]
    for field, headers in module.HEADERS.items():
        label = "(ignored)" if field == IGNORE else f"`{field}`"
        assert f"| {label} | " + ", ".join(f"`{header}`" for header in headers) + " |" in section


def test_every_deal_field_is_documented_with_its_kind() -> None:
    from leadflow.ingest.deal_formats.fields import DEAL_FIELDS

    for field in DEAL_FIELDS.values():
        assert f"| `{field.name}` | {field.kind.value} | {field.help} |" in _DEALS


def test_the_closed_stage_table_is_what_the_import_reads() -> None:
    from leadflow.ingest.countries import fold
    from leadflow.ingest.deal_formats.outcomes import CLOSED_STAGES

    rows = re.findall(r"^\| (won|lost) \| (.+) \|$", _DEALS, flags=re.MULTILINE)
    documented = {
        fold(word): outcome for outcome, words in rows for word in re.findall(r"`([^`]+)`", words)
    }
    assert documented == dict(CLOSED_STAGES)


def test_the_maven_deal_mapping_example_is_the_shipped_one() -> None:
    from leadflow.ingest.deal_formats.mapping import load_deal_mapping

    [example] = re.findall(r"```yaml\n(.*?)```", _DEALS, flags=re.DOTALL)
    shipped = load_deal_mapping(ROOT / "examples" / "maven_crm" / "deals-mapping.yaml")
    assert yaml.safe_load(example) == yaml.safe_load(
        (ROOT / "examples" / "maven_crm" / "deals-mapping.yaml").read_text(encoding="utf-8")
    )
    assert (shipped.field_for("deal_stage"), shipped.id_namespace) == ("stage", "maven")
