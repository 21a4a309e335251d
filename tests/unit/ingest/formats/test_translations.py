"""Localised labels: every layout's headers stay unambiguous across all languages,
the value tables agree with leadflow's vocabulary, and the header language is told."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from leadflow.ingest.countries import fold
from leadflow.ingest.formats import (
    FORMATS,
    dynamics,
    generic,
    get_format,
    hubspot,
    marketo,
    mautic,
    odoo,
    pardot,
    pipedrive,
    salesforce,
    zoho,
)
from leadflow.ingest.formats.layout import _UTM_HEADERS
from leadflow.ingest.formats.translations import LANGUAGES, HeaderTable, ValueTable
from leadflow.ingest.formats.translations import hubspot as hubspot_labels
from leadflow.ingest.formats.translations import odoo as odoo_labels
from leadflow.ingest.formats.translations import salesforce as salesforce_labels
from leadflow.ingest.formats.translations.detect import header_language
from leadflow.ingest.values import channel, lead_status, lifecycle_stage

# layout -> (its English headers, its headers by language)
SOURCES: dict[str, tuple[HeaderTable, Mapping[str, HeaderTable]]] = {
    "hubspot": (hubspot.HEADERS, hubspot_labels.HEADERS),
    "salesforce": (salesforce.HEADERS, salesforce_labels.HEADERS),
    "marketo": (marketo.HEADERS, {}),
    "odoo": (odoo.HEADERS, odoo_labels.HEADERS),
    "mautic": (mautic.HEADERS, {}),
    "pipedrive": (pipedrive.HEADERS, {}),
    "dynamics": (dynamics.HEADERS, {}),
    "zoho": (zoho.HEADERS, {}),
    "pardot": (pardot.HEADERS, {}),
    "generic": (generic.HEADERS, {}),
}
TRANSLATED_VALUES: dict[str, Mapping[str, ValueTable]] = {
    "hubspot": hubspot_labels.VALUES,
    "salesforce": salesforce_labels.VALUES,
    "odoo": odoo_labels.VALUES,
}


def clashes(english: HeaderTable, by_language: Mapping[str, HeaderTable]) -> dict[str, set[str]]:
    """Folded headers that name more than one field, with the fields they name."""
    fields: dict[str, set[str]] = {}
    for table in (_UTM_HEADERS, english, *by_language.values()):
        for field, names in table.items():
            for name in names:
                fields.setdefault(fold(name), set()).add(field)
    return {header: named for header, named in fields.items() if len(named) > 1}


def test_every_built_in_format_is_checked_for_clashes() -> None:
    assert set(SOURCES) == set(FORMATS)


@pytest.mark.parametrize("name", list(SOURCES))
def test_no_header_names_two_fields_in_any_language(name: str) -> None:
    english, by_language = SOURCES[name]
    assert clashes(english, by_language) == {}


def test_a_header_naming_two_fields_is_caught() -> None:
    french = {"fr": {"full_name": ("Nom",), "last_name": ("Nom",)}}
    assert clashes({"title": ("Title",)}, french) == {"nom": {"full_name", "last_name"}}


@pytest.mark.parametrize("name", list(TRANSLATED_VALUES))
def test_no_value_label_means_two_things(name: str) -> None:
    meanings: dict[tuple[str, str], set[str]] = {}
    for tables in TRANSLATED_VALUES[name].values():
        for field, table in tables.items():
            for label, value in table.items():
                meanings.setdefault((field, fold(label)), set()).add(value)
    assert {key: found for key, found in meanings.items() if len(found) > 1} == {}


_WORDS = {"lifecycle_stage": lifecycle_stage, "lead_status": lead_status, "channel": channel}


@pytest.mark.parametrize("name", list(TRANSLATED_VALUES))
def test_translated_values_are_leadflow_words(name: str) -> None:
    """A target that is not leadflow's own word would be kept as a new, unknown value."""
    for tables in TRANSLATED_VALUES[name].values():
        for field, table in tables.items():
            for value in table.values():
                assert _WORDS[field](value) == value, (field, value)


def test_every_language_is_named() -> None:
    for _, by_language in SOURCES.values():
        assert set(by_language) <= set(LANGUAGES)


@pytest.mark.parametrize(
    ("format_name", "header", "field"),
    [
        ("hubspot", "Vorname", "first_name"), ("hubspot", "E-Mail", "email"),
        ("hubspot", "Lifecycle-Phase", "lifecycle_stage"),
        ("hubspot", "Lead-Status", "lead_status"),
        ("hubspot", "Datensatz-ID", "external_id"), ("hubspot", "Prénom", "first_name"),
        ("hubspot", "Phase du cycle de vie", "lifecycle_stage"), ("hubspot", "Nom", "last_name"),
        ("hubspot", "Voornaam", "first_name"), ("hubspot", "Levenscyclusfase", "lifecycle_stage"),
        ("hubspot", "Record-ID", "external_id"), ("hubspot", "Nombre", "first_name"),
        ("hubspot", "Cognome", "last_name"), ("salesforce", "Lead-Quelle", "channel"),
        ("salesforce", "Nicht anrufen", "phone_opt_out"), ("salesforce", "Anrede", "salutation"),
        ("salesforce", "Titel", "title"), ("salesforce", "Statut de la piste", "lead_status"),
        ("salesforce", "Désinscription des e-mails", "email_opt_out"),
        ("salesforce", "Société", "company"), ("salesforce", "Leadbron", "channel"),
        ("odoo", "Ansprechpartner", "full_name"), ("odoo", "Titel", "salutation"),
        ("odoo", "Stelle", "title"), ("odoo", "Nom du contact", "full_name"),
        ("odoo", "Liste de blocage", "email_opt_out"), ("odoo", "Naam contactpersoon", "full_name"),
        ("odoo", "Fase", "lifecycle_stage"), ("odoo", "Nombre del cliente", "company"),
        ("odoo", "Correo electrónico", "email"), ("odoo", "Posizione lavorativa", "title"),
        ("odoo", "Customer Name", "company"), ("odoo", "Chance", ""),
    ],
)  # fmt: skip
def test_localized_headers(format_name: str, header: str, field: str) -> None:
    assert get_format(format_name).field_for(header) == field


@pytest.mark.parametrize(
    ("format_name", "field", "raw", "expected"),
    [
        ("hubspot", "lifecycle_stage", "Kunde", "customer"),
        ("hubspot", "lifecycle_stage", "Marketingqualifizierter Lead", "mql"),
        ("hubspot", "lifecycle_stage", "Lead qualifié par l'équipe commerciale", "sql"),
        ("hubspot", "lifecycle_stage", "Klant", "customer"),
        ("hubspot", "lead_status", "Kontaktversuch unternommen", "attempting"),
        ("hubspot", "lead_status", "Mauvais timing", "nurture"),
        ("hubspot", "channel", "Direct verkeer", "direct"),
        ("salesforce", "lead_status", "Geschlossen - Nicht konvertiert", "unqualified"),
        ("salesforce", "lead_status", "FERMÉ – CONVERTI", "converted"),
        ("salesforce", "channel", "Liste achetée", "purchased"),
        ("odoo", "lifecycle_stage", "Umsatzprognose", "opportunity"),
        ("odoo", "lifecycle_stage", "Gagné", "customer"),
        ("odoo", "lifecycle_stage", "Gekwalificeerd", "sql"),
        ("odoo", "lifecycle_stage", "Nuevo", "lead"),
        ("odoo", "lifecycle_stage", "Vinta", "customer"),
    ],
)
def test_localized_values(format_name: str, field: str, raw: str, expected: str) -> None:
    assert get_format(format_name).value_for(field, raw) == expected


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        (["Datensatz-ID", "Vorname", "Nachname", "E-Mail", "Lifecycle-Phase"], "German"),
        (["Prénom", "Nom", "E-mail", "Statut de la piste"], "French"),
        (["Record-ID", "Voornaam", "E-mail", "Leadstatus"], "Dutch"),
        (["Ansprechpartner", "E-Mail", "Stufe", "Verkäufer"], "German"),  # Odoo
        (["Nombre del contacto", "Correo electrónico", "Etapa"], "Spanish"),
        (["Nome contatto", "E-mail", "Fase", "Addetto vendite"], "Italian"),
        (["Record ID", "First Name", "Email", "Lifecycle Stage"], None),  # English
        (["ID", "Name", "Email - Work", "Labels"], None),  # Pipedrive's English, not Dutch
        (["Id", "Email Address", "leadStatus"], None),  # Marketo's English, not Dutch
        (["E-mail", "Branche"], None),  # shared by several languages: says nothing
        (["Vorname", "Prénom"], None),  # a tie
        ([], None),
    ],
)
def test_header_language(headers: list[str], language: str | None) -> None:
    assert header_language(headers) == language
