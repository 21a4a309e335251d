"""Mapping files: validated, compiled to a layout, errors pointing at the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.ingest.formats import get_format
from leadflow.ingest.formats.layout import IGNORE, UnknownColumns
from leadflow.ingest.formats.mapping_file import MappingError, load_mapping

EXPORTS = Path(__file__).resolve().parents[3] / "fixtures" / "exports"


def mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_tradeshow_example_compiles() -> None:
    layout = load_mapping(EXPORTS / "tradeshow_mapping.yaml")
    assert layout.name == "beurs-2025"
    assert layout.id_namespace == "beurs-2025"
    assert layout.field_for("E-mailadres") == "email"
    assert layout.field_for("Notities") is None
    assert layout.value_for("email_consent", "JA") == "granted"
    assert layout.defaults == {"channel": "events", "utm_campaign": "beurs-2025"}
    assert layout.day_first is True
    assert layout.time_zone == "Europe/Amsterdam"
    assert layout.default_region == "NL"


def test_a_mapping_can_extend_a_builtin_format(tmp_path: Path) -> None:
    layout = load_mapping(
        mapping(
            tmp_path,
            "format: hubspot\ncolumns:\n  Klantnummer: external_id\n  Email: ignore\n"
            "values:\n  lifecycle_stage: {Klant: customer}\n",
        )
    )
    assert layout.field_for("First Name") == "first_name"  # from HubSpot
    assert layout.field_for("Klantnummer") == "external_id"  # added
    assert layout.field_for("Email") == IGNORE  # overridden
    assert layout.value_for("lifecycle_stage", "klant") == "customer"
    assert layout.value_for("channel", "Organic Social") == "organic_social"  # kept
    assert layout.id_namespace == "hubspot"


@pytest.mark.parametrize("format_name", ["marketo", "odoo"])
def test_a_mapping_can_extend_the_new_formats(tmp_path: Path, format_name: str) -> None:
    layout = load_mapping(
        mapping(
            tmp_path,
            f"format: {format_name}\ncolumns:\n  Revenue Stage: lifecycle_stage\n"
            "values:\n  lifecycle_stage: {Gewonnen: customer}\n",
        )
    )
    assert layout.field_for("Revenue Stage") == "lifecycle_stage"
    assert layout.value_for("lifecycle_stage", "gewonnen") == "customer"
    assert layout.id_namespace == format_name
    assert layout.empty_words == get_format(format_name).empty_words


def test_extending_odoo_keeps_its_stage_translations(tmp_path: Path) -> None:
    layout = load_mapping(
        mapping(tmp_path, "format: odoo\nvalues:\n  lifecycle_stage: {Voorstel: opportunity}\n")
    )
    assert layout.value_for("lifecycle_stage", "Won") == "customer"
    assert layout.value_for("lifecycle_stage", "Voorstel") == "opportunity"


def test_empty_words_add_to_the_formats(tmp_path: Path) -> None:
    """A bare YAML null is the word "null", not nothing; the format's own words stay."""
    layout = load_mapping(mapping(tmp_path, 'format: marketo\nempty_words: [null, " N/A ", "-"]\n'))
    assert layout.empty_words == {"null", "n/a", "-"}
    plain = load_mapping(mapping(tmp_path, "columns: {Mail: email}\n"))
    assert plain.empty_words == frozenset()


def test_utm_columns_are_read_without_a_format(tmp_path: Path) -> None:
    layout = load_mapping(mapping(tmp_path, "columns: {Mail: email, Bron: utm_source}\n"))
    assert layout.field_for("Bron") == "utm_source"
    assert layout.field_for("utm_source") == "utm_source"
    assert layout.field_for("utm_campaign") == "utm_campaign"
    ignoring = load_mapping(mapping(tmp_path, "columns: {Mail: email, utm_medium: ignore}\n"))
    assert ignoring.field_for("utm_medium") == IGNORE  # the mapping's word wins


def test_ignore_spelled_as_null(tmp_path: Path) -> None:
    layout = load_mapping(mapping(tmp_path, "columns:\n  Mail: email\n  Notes: null\n"))
    assert layout.field_for("Notes") == IGNORE
    assert layout.unknown_columns is UnknownColumns.ATTRIBUTES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns:\n  Land: contry\n", "Land: unknown field 'contry' (did you mean 'country'?)"),
        ("columns: {Mail: email}\ncolums: {}\n", "colums: Extra inputs are not permitted"),
        ("values:\n  email_consent: {ja: maybe}\n", "email_consent: 'maybe' is not a consent"),
        ("defaults:\n  chanel: events\n", "defaults.chanel: unknown field"),
        ("time_zone: Mars/Olympus\n", "time_zone: unknown time zone"),
        ("default_region: Netherlands\n", "default_region: 'Netherlands' is not an ISO"),
        ("format: brevo\n", "format: unknown format 'brevo' (choose one of hubspot"),
        ("format: odo\n", "format: unknown format 'odo' (did you mean 'odoo'?"),
        ("empty_words: null-ish\n", "empty_words: Input should be a valid list"),
        ("unknown_columns: keep\n", "unknown_columns: Input should be"),
        ("- just\n- a list\n", "a YAML mapping"),
        ("columns: [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = mapping(tmp_path, text)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "absent.yaml")
