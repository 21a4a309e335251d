"""Exports written in the CRM user's language import end to end: German and Dutch
HubSpot, French Salesforce reports (SQLite; PostgreSQL too when
LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.models import Account, Consent, Contact
from tests.integration.test_import_contacts import EXPORTS, consents, contact, rows

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
runner = CliRunner()

LOCALIZED = [
    ("hubspot_contacts_de.csv", "hubspot", "DE", 4, "German"),
    ("salesforce_leads_report_fr.csv", "salesforce", "FR", 4, "French"),
    ("hubspot_contacts_nl.csv", "hubspot", "NL", 3, "Dutch"),
]


def imported(
    engine: Engine, name: str, format_name: str, region: str, at: datetime = NOW
) -> ContactImport:
    options = ImportOptions(get_format(format_name), default_region=region)
    return import_contacts(engine, EXPORTS / name, options, clock=FixedClock(at))


@pytest.mark.parametrize(("name", "format_name", "region", "count", "language"), LOCALIZED)
def test_localized_export_imports_once_and_says_its_language(
    engine: Engine, name: str, format_name: str, region: str, count: int, language: str
) -> None:
    first = imported(engine, name, format_name, region)
    assert (first.committed, first.created, first.rejected) == (True, count, 0)
    assert first.header_language == language
    assert first.unknown_columns == (["Lieblingsprodukt"] if name.endswith("_de.csv") else [])
    before = {model: rows(engine, model) for model in (Contact, Account, Consent)}
    second = imported(engine, name, format_name, region, datetime(2025, 7, 1, tzinfo=UTC))
    assert (second.created, second.updated, second.unchanged) == (0, 0, count)
    assert {model: rows(engine, model) for model in (Contact, Account, Consent)} == before


def test_german_hubspot_stages_statuses_sources_and_opt_out(engine: Engine) -> None:
    imported(engine, "hubspot_contacts_de.csv", "hubspot", "DE")
    lukas = contact(engine, "lukas.schneider@maschinenbau-demo.example.de")
    assert lukas["external_id"] == "hubspot:701"
    assert (lukas["first_name"], lukas["last_name"], lukas["title"]) == (
        "Lukas", "Schneider", "Einkaufsleiter",
    )  # fmt: skip
    assert (lukas["phone"], lukas["country"]) == ("+49891234567", "DE")
    assert lukas["source_channel"] == "organic_search"
    assert lukas["created_at"] == datetime(2025, 1, 14, 9, 30, tzinfo=UTC)
    assert lukas["attributes"]["lifecycle_stage"] == "mql"
    assert lukas["attributes"]["lead_status"] == "working"
    assert lukas["attributes"]["lieblingsprodukt"] == "Ersatzteile"
    [account] = [a for a in rows(engine, Account) if a["id"] == lukas["account_id"]]
    assert (account["employees"], account["revenue"]) == (250, 12_500_000)
    sabine = contact(engine, "s.krueger@logistik-demo.example.at")
    assert (sabine["phone"], sabine["country"]) == ("+43662123456", "AT")
    assert sabine["attributes"]["lifecycle_stage"] == "customer"
    assert sabine["attributes"]["lead_status"] == "converted"
    assert sabine["source_channel"] == "referral"
    assert consents(engine, sabine["id"]) == {
        "email": ("withdrawn", datetime(2025, 2, 20, 8, tzinfo=UTC))
    }
    jonas = contact(engine, "jonas.becker@gmx.de")
    assert (jonas["attributes"]["lifecycle_stage"], jonas["source_channel"]) == (
        "subscriber", "organic_social",
    )  # fmt: skip
    marie = contact(engine, "marie.fischer@chemie-demo.example.ch")
    assert marie["attributes"]["lifecycle_stage"] == "sql"
    assert marie["attributes"]["lead_status"] == "attempting"
    assert marie["source_channel"] == "paid_search"


def test_french_salesforce_report_statuses_sources_and_opt_outs(engine: Engine) -> None:
    summary = imported(engine, "salesforce_leads_report_fr.csv", "salesforce", "FR")
    assert summary.encoding == "cp1252"
    julien = contact(engine, "julien.moreau@boulangeries-moreau.example.fr")
    assert (julien["first_name"], julien["last_name"], julien["company"]) == (
        "Julien", "Moreau", "Boulangeries Moreau SAS",
    )  # fmt: skip
    assert julien["attributes"]["salutation"] == "M."
    assert (julien["phone"], julien["country"]) == ("+33142685300", "FR")
    assert julien["attributes"]["lead_status"] == "new"
    assert julien["created_at"] == datetime(2025, 4, 3, tzinfo=UTC)  # 03/04: day first
    [account] = [a for a in rows(engine, Account) if a["id"] == julien["account_id"]]
    assert (account["employees"], account["revenue"]) == (120, 2_500_000)
    assert consents(engine, julien["id"]) == {}  # 0, 0: no opt-out, nothing claimed
    claire = contact(engine, "claire.lambert@lambert-fils.example.fr")
    assert (claire["source_channel"], claire["purchased"]) == ("purchased", True)
    assert claire["attributes"]["lead_status"] == "working"
    assert {k: v[0] for k, v in consents(engine, claire["id"]).items()} == {
        "email": "withdrawn", "phone": "withdrawn",
    }  # fmt: skip
    thomas = contact(engine, "thomas.dubois@dubois-conseil.example.be")
    assert (thomas["source_channel"], thomas["country"]) == ("referral", "BE")
    assert thomas["attributes"]["lead_status"] == "converted"
    sophie = contact(engine, "sophie.girard@orange.fr")
    assert sophie["attributes"]["lead_status"] == "unqualified"
    assert {k: v[0] for k, v in consents(engine, sophie["id"]).items()} == {"phone": "withdrawn"}


def test_dutch_hubspot_semicolons_stages_and_opt_out(engine: Engine) -> None:
    summary = imported(engine, "hubspot_contacts_nl.csv", "hubspot", "NL")
    assert summary.delimiter == ";"
    daan = contact(engine, "daan.bakker@zuivel-demo.example.nl")
    assert (daan["external_id"], daan["phone"]) == ("hubspot:901", "+31205550199")
    assert (daan["attributes"]["lifecycle_stage"], daan["attributes"]["lead_status"]) == (
        "mql", "new",
    )  # fmt: skip
    assert daan["source_channel"] == "organic_search"
    femke = contact(engine, "femke@jansen-demo.example.be")
    assert (femke["attributes"]["lifecycle_stage"], femke["source_channel"]) == (
        "customer", "referral",
    )  # fmt: skip
    assert consents(engine, femke["id"])["email"][0] == "withdrawn"
    sem = contact(engine, "sem.deboer@hotmail.com")
    assert (sem["attributes"]["lifecycle_stage"], sem["source_channel"]) == (
        "subscriber", "direct",
    )  # fmt: skip


def test_cli_summary_names_the_header_language(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    result = runner.invoke(app, ["import", "contacts", str(EXPORTS / "hubspot_contacts_de.csv"),
                                 "--format", "hubspot", "--default-region", "DE"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "4 rows (hubspot, headers in German, utf-8, ','): 4 created" in result.output


# Odoo lead exports made by a user working in each language: headers and the four
# default stages as Odoo's own translations write them (one row per stage, in order).
ODOO_LOCALIZED = [
    ("odoo_leads_de.csv", "DE", "German", "anna.vogel@baeckerei-vogel.example.de"),
    ("odoo_leads_fr.csv", "FR", "French", "camille.petit@fromagerie-petit.example.fr"),
    ("odoo_leads_nl.csv", "NL", "Dutch", "sanne@kaashandel-visser.example.nl"),
    ("odoo_leads_es.csv", "ES", "Spanish", "lucia.garcia@panaderia-garcia.example.es"),
    ("odoo_leads_it.csv", "IT", "Italian", "giulia.rossi@caseificio-rossi.example.it"),
]


@pytest.mark.parametrize(("name", "region", "language", "first"), ODOO_LOCALIZED)
def test_localized_odoo_export_reads_every_header_and_the_default_stages(
    engine: Engine, name: str, region: str, language: str, first: str
) -> None:
    summary = imported(engine, name, "odoo", region)
    assert (summary.committed, summary.created, summary.rejected) == (True, 4, 0)
    assert summary.header_language == language
    assert summary.unknown_columns == []
    leads = rows(engine, Contact)
    assert [row["attributes"]["lifecycle_stage"] for row in leads] == [
        "lead", "sql", "opportunity", "customer",
    ]  # fmt: skip
    lead = leads[0]
    assert lead["email"] == first
    assert str(lead["external_id"]).startswith("odoo:")
    assert (lead["country"], lead["owner"], lead["source_channel"]) == (
        region, "Marc Demo", "linkedin",
    )  # fmt: skip
    for column in ("first_name", "last_name", "company", "title", "phone"):
        assert lead[column], column
    for key in ("salutation", "city", "tags", "utm_source"):
        assert lead["attributes"][key], key
    assert (lead["source_medium"], lead["source_campaign"][-4:]) == ("banner", "2025")
    assert lead["created_at"] == datetime(2025, 2, 11, 13, 45, 10, tzinfo=UTC)
    # Row 2 is blacklisted (no such column in Spanish: Odoo 10 had none), row 3 bounced.
    blacklisted = consents(engine, leads[1]["id"]).get("email", ("",))[0]
    assert blacklisted == ("" if language == "Spanish" else "withdrawn")
    assert consents(engine, leads[2]["id"])["email"][0] == "bounced"
    assert consents(engine, lead["id"]) == {}


def test_german_odoo_export_in_detail(engine: Engine) -> None:
    imported(engine, "odoo_leads_de.csv", "odoo", "DE")
    anna = contact(engine, "anna.vogel@baeckerei-vogel.example.de")
    assert anna["external_id"] == "odoo:61"
    assert (anna["first_name"], anna["last_name"], anna["company"]) == (
        "Anna", "Vogel", "Bäckerei Vogel GmbH",
    )  # fmt: skip
    assert (anna["title"], anna["attributes"]["salutation"]) == ("Geschäftsführerin", "Frau")
    assert (anna["phone"], anna["attributes"]["mobile_phone"]) == ("+49301234567", "+491512345678")
    assert anna["attributes"]["state"] == "Berlin (DE)"
    assert anna["attributes"]["utm_source"] == "linkedin"
    assert "chance" not in anna["attributes"]  # the deal's title is not the person's
    josef = contact(engine, "j.huber@huber-holz.example.at")
    assert josef["country"] == "AT"
    assert consents(engine, josef["id"])["email"][0] == "withdrawn"  # Schwarze Liste
    urs = contact(engine, "urs.keller@keller-ag.example.ch")
    assert consents(engine, urs["id"])["email"][0] == "bounced"  # Unzustellbar 2
    lena = contact(engine, "lena@nord-logistik.example.de")
    assert lena["phone"] == "+49401234567"  # national, read with the row's country


def test_spanish_odoo_10_labels_company_and_dates(engine: Engine) -> None:
    imported(engine, "odoo_leads_es.csv", "odoo", "ES")
    marta = contact(engine, "marta@lopez-hermanos.example.es")
    assert (marta["company"], marta["title"]) == ("López Hermanos S.L.", "Directora financiera")
    assert marta["created_at"] == datetime(2024, 12, 2, 15, tzinfo=UTC)
    assert consents(engine, marta["id"])["email"][0] == "bounced"  # Rebote 2


def test_spanish_excel_long_dates_with_their_weekday(engine: Engine) -> None:
    # A Spanish export re-saved from Excel with the date column in Excel's "Fecha larga"
    # format: "martes, 24 de noviembre de 2026" (was: 'is not a date or time').
    at = datetime(2026, 12, 1, tzinfo=UTC)
    summary = imported(engine, "hubspot_contacts_es_long_dates.csv", "hubspot", "ES", at)
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    created = {
        email: contact(engine, email)["created_at"]
        for email in ("inigo@fabrica-demo.example.es", "lucia@bodega-demo.example.es")
    }
    assert created == {
        "inigo@fabrica-demo.example.es": datetime(2026, 11, 24, tzinfo=UTC),
        "lucia@bodega-demo.example.es": datetime(2026, 3, 2, tzinfo=UTC),
    }
    assert contact(engine, "jordi@vins-demo.example.es")["created_at"] == datetime(
        2026, 3, 2, tzinfo=UTC
    )


def test_italian_odoo_names_other_countries_in_italian(engine: Engine) -> None:
    # Odoo writes a lead's country in the exporting user's language: "Germania",
    # "Paesi Bassi" (rejected as unknown countries before), and the national phone
    # numbers are read in those countries.
    summary = imported(engine, "odoo_leads_it_abroad.csv", "odoo", "IT")
    assert (summary.committed, summary.created, summary.rejected) == (True, 4, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    found = {
        email: (contact(engine, email)["country"], contact(engine, email)["phone"])
        for email in (
            "anna@huber-demo.example.de",
            "luc@blanc-demo.example.ch",
            "eva@tulp-demo.example.nl",
            "tom@thames-demo.example.co.uk",
        )
    }
    assert found == {
        "anna@huber-demo.example.de": ("DE", "+49891234567"),
        "luc@blanc-demo.example.ch": ("CH", "+41446681800"),
        "eva@tulp-demo.example.nl": ("NL", "+31201234567"),
        "tom@thames-demo.example.co.uk": ("GB", "+442079460958"),
    }


def test_german_revenue_in_teur_and_swiss_apostrophes(engine: Engine) -> None:
    # "850 TEUR" is 850,000 euros (it was stored as 850), "12,5 MEUR" 12.5 million;
    # "CHF 4’250’000.00" (Windows' de-CH grouping) was rejected as not a number.
    summary = imported(engine, "hubspot_contacts_de_teur.csv", "hubspot", "DE")
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    revenue = {a["domain"]: a["revenue"] for a in rows(engine, Account)}
    assert revenue == {
        "maschinen-demo.example.de": 850_000,
        "logistik-demo.example.de": 12_500_000,
        "uhren-demo.example.ch": 4_250_000,
    }


def test_swedish_excel_true_false_and_a_typed_nej(engine: Engine) -> None:
    # Swedish Excel writes TRUE/FALSE cells as SANT/FALSKT; "Nej" is typed. Each
    # rejected its row as "not a yes/no value" before.
    summary = imported(engine, "hubspot_contacts_sv_excel.csv", "hubspot", "SE")
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    asa = contact(engine, "asa@skog-demo.example.se")
    assert (asa["last_name"], asa["country"]) == ("Lindqvist", "SE")
    assert consents(engine, asa["id"])["email"][0] == "withdrawn"
    for email in ("mads@mejeri-demo.example.dk", "ingrid@fisk-demo.example.no"):
        assert "email" not in consents(engine, contact(engine, email)["id"])
