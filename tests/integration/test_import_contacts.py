"""`leadflow import contacts` end to end: every export format, all-or-nothing, error reports,
idempotent re-imports, upsert by e-mail, and the consent rules (SQLite; PostgreSQL too
when LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.ingest.formats.mapping_file import load_mapping
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.models import Account, Consent, ConsentDecision, Contact, Handoff, Merge

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
runner = CliRunner()

Importer = Callable[..., ContactImport]


@pytest.fixture
def run(engine: Engine) -> Importer:
    def importer(path: Path, format_name: str = "generic", **options: Any) -> ContactImport:
        layout = options.pop("layout", None) or get_format(format_name)
        at = options.pop("now", NOW)
        return import_contacts(engine, path, ImportOptions(layout, **options), clock=FixedClock(at))

    return importer


def rows(engine: Engine, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    with engine.connect() as connection:
        result = connection.execute(select(table).order_by(table.c.id)).mappings()
        return [dict(row) for row in result]


def contact(engine: Engine, email: str) -> dict[str, Any]:
    [found] = [row for row in rows(engine, Contact) if row["email"] == email]
    return found


def consents(engine: Engine, contact_id: int) -> dict[str, tuple[str, datetime]]:
    return {
        row["channel"]: (row["status"], row["at"])
        for row in rows(engine, Consent)
        if row["contact_id"] == contact_id
    }


def write_csv(path: Path, header: list[str], *records: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(records)
    return path


FIXTURES = [
    ("hubspot_contacts.csv", "hubspot", "NL", 6),
    ("salesforce_leads.csv", "salesforce", "US", 4),
    ("salesforce_leads_report.csv", "salesforce", "US", 2),
    ("mautic_contacts.csv", "mautic", None, 3),
    ("marketo_leads.csv", "marketo", None, 5),
    ("odoo_leads.csv", "odoo", None, 5),
    ("odoo_leads_import_compatible.csv", "odoo", None, 2),
    ("pipedrive_people.csv", "pipedrive", None, 5),
    ("pipedrive_people_unprefixed.csv", "pipedrive", None, 2),
    ("dynamics_leads.csv", "dynamics", None, 4),
    ("dynamics_leads_logical.csv", "dynamics", None, 2),
    ("zoho_leads.csv", "zoho", None, 4),
    ("zoho_contacts.csv", "zoho", None, 3),
    ("pardot_prospects.csv", "pardot", None, 3),
    ("generic_contacts.csv", "generic", "NL", 4),
    ("generic_bom.csv", "generic", None, 1),
]


@pytest.mark.parametrize(("name", "format_name", "region", "count"), FIXTURES)
def test_each_export_imports_and_a_second_import_changes_nothing(
    engine: Engine, run: Importer, name: str, format_name: str, region: str | None, count: int
) -> None:
    first = run(EXPORTS / name, format_name, default_region=region)
    assert first.committed
    assert (first.created, first.rejected) == (count, 0)
    before = {model: rows(engine, model) for model in (Contact, Account, Consent)}
    second = run(
        EXPORTS / name, format_name, default_region=region, now=datetime(2025, 7, 1, tzinfo=UTC)
    )
    assert (second.created, second.updated, second.merged, second.unchanged) == (0, 0, 0, count)
    assert {model: rows(engine, model) for model in (Contact, Account, Consent)} == before


def test_hubspot_values_land_where_they_belong(engine: Engine, run: Importer) -> None:
    run(EXPORTS / "hubspot_contacts.csv", "hubspot", default_region="NL")
    jan = contact(engine, "jan.devries@bakkerij-janssen.nl")
    assert jan["external_id"] == "hubspot:51"
    assert jan["phone"] == "+31201234567"
    assert jan["source_channel"] == "linkedin"
    assert jan["created_at"] == datetime(2025, 1, 14, 9, 30, tzinfo=UTC)
    assert jan["attributes"]["lifecycle_stage"] == "mql"
    assert jan["attributes"]["source_system"] == "hubspot"
    [account] = [a for a in rows(engine, Account) if a["id"] == jan["account_id"]]
    assert (account["domain"], account["name"], account["employees"]) == (
        "bakkerij-janssen.nl", "Bakkerij Janssen B.V.", 1200,
    )  # fmt: skip
    assert consents(engine, jan["id"]) == {
        "email": ("granted", datetime(2025, 3, 2, 16, 5, tzinfo=UTC))
    }
    lukas = contact(engine, "lukas.mueller@gmx.de")
    assert consents(engine, lukas["id"])["email"][0] == "withdrawn"
    [bare] = [row for row in rows(engine, Contact) if row["external_id"] == "hubspot:55"]
    assert bare["email"] is None  # a record id alone is enough for HubSpot


def test_salesforce_purchased_list_and_consents(engine: Engine, run: Importer) -> None:
    run(EXPORTS / "salesforce_leads.csv", "salesforce", default_region="US")
    oliver = contact(engine, "oliver.smith@contoso-demo.example.co.uk")
    assert oliver["purchased"] is True
    assert oliver["source_channel"] == "purchased"
    assert {k: v[0] for k, v in consents(engine, oliver["id"]).items()} == {
        "email": "withdrawn", "phone": "withdrawn",
    }  # fmt: skip
    sofia = contact(engine, "sofia.rossi@fabrikam-demo.example.it")
    assert consents(engine, sofia["id"]) == {
        "email": ("bounced", datetime(2025, 2, 14, 22, 10, tzinfo=UTC))
    }


def test_marketo_values_land_where_they_belong(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "marketo_leads.csv", "marketo")
    assert (summary.created, summary.rejected, summary.unknown_columns) == (
        5, 0, ["Original Source Type"],
    )  # fmt: skip
    sanne = contact(engine, "sanne.visser@tulp-logistiek.example.nl")
    assert sanne["external_id"] == "marketo:3101"
    assert (sanne["source_channel"], sanne["source_medium"]) == ("webinar", "paid_social")
    assert sanne["source_campaign"] == "2025-q1 webinar supply chain"
    assert sanne["attributes"]["lead_status"] == "working"
    assert sanne["attributes"]["source_system"] == "marketo"
    assert "state" not in sanne["attributes"]  # "null" is no value
    [account] = [a for a in rows(engine, Account) if a["id"] == sanne["account_id"]]
    assert (account["domain"], account["employees"]) == ("tulp-logistiek.example.nl", 250)
    henrik = contact(engine, "henrik.larsen@fjord-data.example.no")
    assert consents(engine, henrik["id"]) == {
        "email": ("withdrawn", datetime(2025, 2, 28, 16, 30, tzinfo=UTC))
    }
    claire = contact(engine, "claire.dubois@gmail.com")
    assert consents(engine, claire["id"])["email"][0] == "bounced"
    [jonas] = [row for row in rows(engine, Contact) if row["external_id"] == "marketo:3104"]
    assert (jonas["email"], jonas["purchased"]) == (None, True)
    assert all(row["first_name"] != "null" for row in rows(engine, Contact))


def test_odoo_stages_and_utm_land_where_they_belong(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "odoo_leads.csv", "odoo")
    assert (summary.created, summary.rejected) == (5, 0)
    stages = {
        row["email"] or row["external_id"]: row["attributes"]["lifecycle_stage"]
        for row in rows(engine, Contact)
    }
    assert stages == {
        "ann.peeters@dekroon.example.be": "sql",
        "pieter@jacobs-eng.example.nl": "lead",
        "marie.lambert@lambert-fils.example.fr": "opportunity",
        "k.schmidt@schmidt-mb.example.de": "customer",
        "odoo:__export__.crm_lead_45_77b0c6aa": "demo_scheduled",
    }
    ann = contact(engine, "ann.peeters@dekroon.example.be")
    assert (ann["first_name"], ann["last_name"], ann["company"]) == (
        "Ann", "Peeters", "Brouwerij De Kroon NV",
    )  # fmt: skip
    assert (ann["source_channel"], ann["source_medium"], ann["source_campaign"]) == (
        "linkedin", "banner", "spring fair 2025",
    )  # fmt: skip
    assert ann["attributes"]["utm_source"] == "linkedin"
    assert ann["attributes"]["source_system"] == "odoo"
    marie = contact(engine, "marie.lambert@lambert-fils.example.fr")
    assert consents(engine, marie["id"])["email"][0] == "withdrawn"
    karl = contact(engine, "k.schmidt@schmidt-mb.example.de")
    assert consents(engine, karl["id"])["email"][0] == "bounced"


def test_pipedrive_people_and_their_marketing_status(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "pipedrive_people.csv", "pipedrive")
    assert (summary.created, summary.rejected) == (5, 0)
    assert summary.unknown_columns == ["Person - Open deals", "Organization - Name"]
    sophie = contact(engine, "sophie@janssens-logistics.example.be")
    assert sophie["external_id"] == "pipedrive:101"
    assert (sophie["first_name"], sophie["last_name"], sophie["company"]) == (
        "Sophie", "Janssens", "Janssens Logistics NV",
    )  # fmt: skip
    assert (sophie["phone"], sophie["country"], sophie["owner"]) == (
        "+3231234567", "BE", "Marc Peeters",
    )  # fmt: skip
    assert sophie["attributes"]["mobile_phone"] == "+32470123456"
    assert sophie["attributes"]["tags"] == "Hot lead"
    assert sophie["attributes"]["source_system"] == "pipedrive"
    assert sophie["created_at"] == datetime(2025, 1, 10, 9, 15, tzinfo=UTC)
    assert consents(engine, sophie["id"]) == {
        "email": ("granted", datetime(2025, 3, 1, 10, 0, tzinfo=UTC))
    }
    tomasz = contact(engine, "tomasz.nowak@gmail.com")  # the home address: no work one
    assert consents(engine, tomasz["id"])["email"][0] == "withdrawn"
    ines = contact(engine, "ines.duarte@duarte-texteis.example.pt")  # work before other
    assert consents(engine, ines["id"])["email"][0] == "bounced"
    [henrik] = [row for row in rows(engine, Contact) if row["external_id"] == "pipedrive:104"]
    assert (henrik["email"], henrik["phone"]) == (None, "+4722334455")
    assert consents(engine, henrik["id"]) == {}  # "No consent": nothing on file
    eva = contact(engine, "eva.novak@novak-strojirny.example.cz")
    assert consents(engine, eva["id"]) == {}  # "Archived" says nothing new


def test_dynamics_status_reasons_sources_and_allow_flags(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "dynamics_leads.csv", "dynamics")
    assert (summary.created, summary.rejected) == (4, 0)
    assert summary.unknown_columns == ["Topic", "Rating", "Status"]
    statuses = {row["email"]: row["attributes"]["lead_status"] for row in rows(engine, Contact)}
    assert statuses == {
        "lisa.bauer@mueller-mb.example.de": "working",
        "p.devries@vandijk-transport.example.nl": "converted",
        "ana.garcia@almacenes-garcia.example.es": "unqualified",
        "mikko.virtanen@virtanen.example.fi": "new",
    }
    lisa = contact(engine, "lisa.bauer@mueller-mb.example.de")
    assert lisa["external_id"] == "dynamics:6b1c2f0e-8a4d-ef11-a316-000d3a2b5c01"
    assert (lisa["source_channel"], lisa["source_campaign"]) == ("events", "hannover messe 2025")
    assert (lisa["phone"], lisa["country"], lisa["owner"]) == (
        "+49711123456", "DE", "Sven Richter",
    )  # fmt: skip
    assert "do_not_modify_row_checksum" not in lisa["attributes"]
    assert lisa["attributes"]["rating"] == "Hot"
    [account] = [a for a in rows(engine, Account) if a["id"] == lisa["account_id"]]
    assert (account["domain"], account["employees"]) == ("mueller-mb.example.de", 850)
    assert consents(engine, lisa["id"]) == {}  # "Allow" everywhere: no consent given
    pieter = contact(engine, "p.devries@vandijk-transport.example.nl")
    assert consents(engine, pieter["id"]) == {  # "Do Not Allow" on bulk e-mail only
        "email": ("withdrawn", datetime(2025, 2, 18, 14, 15, tzinfo=UTC))
    }
    ana = contact(engine, "ana.garcia@almacenes-garcia.example.es")
    assert ana["source_channel"] == "referral"
    assert {k: v[0] for k, v in consents(engine, ana["id"]).items()} == {"phone": "withdrawn"}
    assert contact(engine, "mikko.virtanen@virtanen.example.fi")["source_channel"] == "referral"


def test_dynamics_logical_names_and_option_values(engine: Engine, run: Importer) -> None:
    run(EXPORTS / "dynamics_leads_logical.csv", "dynamics")
    karin = contact(engine, "karin.holm@holm-data.example.se")
    assert (karin["attributes"]["lead_status"], karin["source_channel"]) == ("working", "events")
    assert consents(engine, karin["id"])["email"][0] == "withdrawn"  # donotbulkemail=true
    jakub = contact(engine, "jakub.kral@kral.example.cz")
    assert (jakub["attributes"]["lead_status"], jakub["source_channel"]) == (
        "converted", "referral",
    )  # fmt: skip
    assert consents(engine, jakub["id"]) == {}


def test_zoho_lead_statuses_and_opt_out(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "zoho_leads.csv", "zoho")
    assert (summary.created, summary.rejected, summary.unknown_columns) == (4, 0, ["Rating"])
    statuses = {row["email"]: row["attributes"]["lead_status"] for row in rows(engine, Contact)}
    assert statuses == {
        "jan.kowalski@kowalski.example.pl": "working",
        "emma.lindqvist@nordkap.example.se": "working",
        "luca.bianchi@bianchi-robotica.example.it": "unqualified",
        "chloe@lefebvre-conseil.example.fr": "new",
    }
    jan = contact(engine, "jan.kowalski@kowalski.example.pl")
    assert jan["external_id"] == "zoho:5725767000000412001"
    assert (jan["title"], jan["owner"], jan["source_channel"]) == (
        "Sales Director", "Piotr Zieliński", "events",
    )  # fmt: skip
    assert jan["attributes"]["salutation"] == "Mr."
    assert consents(engine, jan["id"]) == {}  # Email Opt Out false
    emma = contact(engine, "emma.lindqvist@nordkap.example.se")  # the secondary e-mail
    assert emma["source_channel"] == "referral"
    assert consents(engine, emma["id"]) == {
        "email": ("withdrawn", datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    }
    luca = contact(engine, "luca.bianchi@bianchi-robotica.example.it")
    assert luca["source_channel"] == "outbound_list"
    chloe = contact(engine, "chloe@lefebvre-conseil.example.fr")
    assert chloe["source_channel"] == "web_download"  # not a leadflow channel: kept


def test_pardot_score_grade_campaign_and_opt_outs(engine: Engine, run: Importer) -> None:
    summary = run(EXPORTS / "pardot_prospects.csv", "pardot")
    assert (summary.created, summary.rejected) == (3, 0)
    claire = contact(engine, "claire.martin@atelier-martin.example.fr")
    assert claire["external_id"] == "pardot:40011"
    assert (claire["source_channel"], claire["source_campaign"]) == ("webinar", "webinar q1 2025")
    assert (claire["attributes"]["score"], claire["attributes"]["grade"]) == (87, "A")
    assert claire["owner"] == "julia.weber@example.com"
    assert claire["attributes"]["crm_lead_fid"] == "00Q5g00000XyZaAEAV"
    assert consents(engine, claire["id"]) == {}
    jonas = contact(engine, "jonas.weber@weber-it.example.de")  # Opted Out No, Do Not Email Yes
    assert jonas["source_channel"] == "paid_search"
    assert consents(engine, jonas["id"]) == {
        "email": ("withdrawn", datetime(2025, 2, 10, 9, 0, tzinfo=UTC))
    }
    sara = contact(engine, "sara.rossi@rossi-alimentari.example.it")
    assert {k: v[0] for k, v in consents(engine, sara["id"]).items()} == {
        "email": "withdrawn", "phone": "withdrawn",
    }  # fmt: skip


def test_a_mapping_extending_odoo_translates_its_own_stages(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    path = tmp_path / "odoo-nl.yaml"
    path.write_text("format: odoo\nvalues:\n  lifecycle_stage: {Gewonnen: customer}\n")
    export = write_csv(
        tmp_path / "odoo-nl.csv",
        ["ID", "Contact Name", "Email", "Stage", "utm_source"],
        ["__export__.crm_lead_9_aa", "Els de Boer", "els@deboer.example.nl", "Gewonnen", "Bing"],
    )
    summary = run(export, layout=load_mapping(path))
    assert (summary.created, summary.unknown_columns) == (1, [])
    els = contact(engine, "els@deboer.example.nl")
    assert els["external_id"] == "odoo:__export__.crm_lead_9_aa"  # Odoo's namespace kept
    assert els["attributes"]["lifecycle_stage"] == "customer"
    assert els["attributes"]["utm_source"] == "bing"
    assert els["source_channel"] == "organic_search"  # bing without a medium


def test_mapping_file_latin1_semicolons(engine: Engine, run: Importer) -> None:
    layout = load_mapping(EXPORTS / "tradeshow_mapping.yaml")
    summary = run(EXPORTS / "tradeshow_leads_latin1.csv", layout=layout)
    assert (summary.encoding, summary.delimiter, summary.created) == ("cp1252", ";", 3)
    lars = contact(engine, "lars@aeroe-demo.example.dk")
    assert lars["last_name"] == "Ærøskøbing"
    assert lars["external_id"] is None
    assert lars["attributes"]["notities"] == "Wil offerte; bel terug"
    assert consents(engine, lars["id"]) == {}  # "nee": no consent, nothing recorded
    sophie = contact(engine, "sophie@brugge-demo.example.be")
    assert sophie["identity"] == "confirmed"
    assert sophie["source_campaign"] == "beurs-2025"


BAD = [
    ["email", "first_name", "phone", "country", "note"],
    ["ok1@acme.example", "Ann", "", "NL", ""],
    ["broken@", "Bob", "", "NL", "line\nbreak"],
    ["ok2@acme.example", "Cas", "12", "NL", ""],
    ["ok3@acme.example", "Dea", "", "Atlantis", ""],
    ["ok4@acme.example", "Eva", "+31 20 123 4567", "NL", ""],
]


def test_all_or_nothing_writes_nothing_and_reports_every_bad_row(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", BAD[0], *BAD[1:])
    report = tmp_path / "errors.csv"
    summary = run(path, errors=report)
    assert not summary.committed
    assert (summary.rows, summary.rejected) == (5, 3)
    assert rows(engine, Contact) == []
    with report.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert [(r["line"], r["column"]) for r in lines] == [
        ("3", "email"),
        ("5", "phone"),
        ("6", "country"),
    ]
    assert "wrong length" in lines[1]["reason"]
    assert lines[0]["note"] == "line\nbreak"  # the row as it was, ready to fix


def test_skip_bad_rows_imports_the_good_ones(engine: Engine, run: Importer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", BAD[0], *BAD[1:])
    summary = run(path, skip_bad_rows=True, errors=tmp_path / "errors.csv")
    assert summary.committed
    assert (summary.created, summary.rejected) == (2, 3)
    assert sorted(row["email"] for row in rows(engine, Contact)) == [
        "ok1@acme.example",
        "ok4@acme.example",
    ]


def test_one_person_one_contact_across_formats(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    hub = write_csv(
        tmp_path / "hub.csv", ["Record ID", "Email", "Job Title"], ["7", "Ann@Acme.example", "CTO"]
    )
    sf_row = ["00Q1", "ann@acme.EXAMPLE", "+31 20 123 4567", "Chief Technology Officer"]
    sf = write_csv(tmp_path / "sf.csv", ["Id", "Email", "Phone", "Title"], sf_row)
    run(hub, "hubspot")
    summary = run(sf, "salesforce")
    assert (summary.created, summary.updated) == (0, 1)
    [ann] = rows(engine, Contact)
    assert ann["external_id"] == "hubspot:7"  # the first external id is kept
    assert ann["title"] == "Chief Technology Officer"  # the newest value
    assert ann["phone"] == "+31201234567"


def test_an_import_does_not_take_a_lead_from_the_rep_holding_it(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    header = ["Record ID", "Email", "Contact owner", "Job Title"]
    run(
        write_csv(tmp_path / "a.csv", header, ["7", "ann@acme.example", "Jane Crm", "CTO"]),
        "hubspot",
    )
    ann = contact(engine, "ann@acme.example")
    with engine.begin() as connection:  # handed off to eva: she holds the lead now
        connection.execute(update(Contact).values(owner="eva").where(Contact.id == ann["id"]))
        connection.execute(
            insert(Handoff).values(contact_id=ann["id"], owner="eva", at=NOW, status="open")
        )
    again = write_csv(tmp_path / "b.csv", header, ["7", "ann@acme.example", "Jane Crm", "CEO"])

    assert run(again, "hubspot").updated == 1
    assert (contact(engine, ann["email"])["owner"], contact(engine, ann["email"])["title"]) == (
        "eva",
        "CEO",  # the rest of the row is still the newest word on the person
    )
    with engine.begin() as connection:  # sales sent it back: the CRM's owner counts again
        connection.execute(update(Handoff).values(status="rejected"))
    run(again, "hubspot")
    assert contact(engine, ann["email"])["owner"] == "Jane Crm"


def test_repeated_person_in_one_file_is_merged_not_duplicated(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dup.csv", ["email", "title", "country"],
                     ["a@acme.example", "Engineer", ""], ["b@acme.example", "", ""],
                     ["A@ACME.example", "", "NO"])  # fmt: skip
    summary = run(path, batch_size=2)  # the repeat falls in the next batch
    assert (summary.created, summary.merged) == (2, 1)
    a = contact(engine, "a@acme.example")
    assert (a["title"], a["country"]) == ("Engineer", "NO")
    summary = run(path, batch_size=10)  # and in the same batch
    assert (summary.created, summary.merged, summary.unchanged) == (0, 1, 2)


def test_record_id_first_then_email(engine: Engine, run: Importer, tmp_path: Path) -> None:
    header = ["Record ID", "Email", "First Name"]
    run(write_csv(tmp_path / "a.csv", header, ["9", "", "Ann"]), "hubspot")
    summary = run(write_csv(tmp_path / "b.csv", header, ["9", "ann@acme.example", ""]), "hubspot")
    assert (summary.created, summary.updated) == (0, 1)
    [ann] = rows(engine, Contact)
    assert (ann["email"], ann["first_name"]) == ("ann@acme.example", "Ann")


def test_record_id_contact_without_email_is_merged_into_the_emails_contact(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    header = ["Record ID", "Email", "First Name"]
    run(
        write_csv(tmp_path / "a.csv", header, ["9", "", "Ann"], ["10", "ann@acme.example", ""]),
        "hubspot",
    )
    summary = run(write_csv(tmp_path / "b.csv", header, ["9", "ann@acme.example", ""]), "hubspot")
    assert summary.merged == 1
    [merge] = rows(engine, Merge)
    survivor = contact(engine, "ann@acme.example")
    assert merge["survivor_id"] == survivor["id"]
    assert survivor["first_name"] == "Ann"


def test_two_identified_people_are_never_merged_silently(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    header = ["Record ID", "Email"]
    run(
        write_csv(tmp_path / "a.csv", header, ["9", "ann@acme.example"], ["10", "bo@acme.example"]),
        "hubspot",
    )
    summary = run(write_csv(tmp_path / "b.csv", header, ["9", "bo@acme.example"]), "hubspot")
    assert not summary.committed
    assert "merge them first" in summary.problems[0].reason
    assert rows(engine, Merge) == []


HEADER = ["email", "email_consent", "email_consent_at"]


def test_withdrawal_is_not_regranted_by_an_older_or_undated_import(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    run(write_csv(tmp_path / "w.csv", HEADER, ["ann@acme.example", "withdrawn", "2025-03-01"]))
    undated = run(write_csv(tmp_path / "u.csv", HEADER, ["ann@acme.example", "granted", ""]))
    older = run(
        write_csv(tmp_path / "o.csv", HEADER, ["ann@acme.example", "granted", "2025-01-01"])
    )
    assert (undated.consents_kept, older.consents_kept) == (1, 1)
    ann = contact(engine, "ann@acme.example")
    assert consents(engine, ann["id"]) == {"email": ("withdrawn", datetime(2025, 3, 1, tzinfo=UTC))}
    newer = run(
        write_csv(tmp_path / "n.csv", HEADER, ["ann@acme.example", "confirmed", "2025-04-01"])
    )
    assert newer.consents_changed == 1
    assert consents(engine, ann["id"]) == {"email": ("confirmed", datetime(2025, 4, 1, tzinfo=UTC))}


def history(engine: Engine, contact_id: int) -> list[tuple[str, str, datetime, str | None]]:
    return [
        (row["channel"], row["status"], row["at"], row["evidence"])
        for row in rows(engine, ConsentDecision)
        if row["contact_id"] == contact_id
    ]


def test_every_decision_an_import_gives_enters_the_history_even_when_it_is_older(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    march, january = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    run(write_csv(tmp_path / "w.csv", HEADER, ["ann@acme.example", "withdrawn", "2025-03-01"]))
    run(write_csv(tmp_path / "u.csv", HEADER, ["ann@acme.example", "granted", ""]))  # no moment
    older = write_csv(tmp_path / "o.csv", HEADER, ["ann@acme.example", "granted", "2025-01-01"])
    run(older)
    ann = contact(engine, "ann@acme.example")

    assert consents(engine, ann["id"]) == {"email": ("withdrawn", march)}  # in force: kept
    assert history(engine, ann["id"]) == [
        ("email", "withdrawn", march, "w.csv, line 2"),
        ("email", "granted", january, "o.csv, line 2"),  # when she consented, before
    ]
    [decision] = [row for row in rows(engine, ConsentDecision) if row["at"] == january]
    assert (decision["source"], decision["recorded_at"]) == ("import:generic", NOW)

    run(older)  # the same file again says nothing new
    run(write_csv(tmp_path / "w2.csv", HEADER, ["ann@acme.example", "withdrawn", "2025-04-01"]))
    assert len(history(engine, ann["id"])) == 2  # withdrawn already in force on 1 April


def test_an_undated_opt_out_withdraws_a_grant(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    run(write_csv(tmp_path / "g.csv", HEADER, ["ann@acme.example", "granted", "2025-01-01"]))
    run(
        write_csv(
            tmp_path / "o.csv",
            ["Email", "Unsubscribed from all email"],
            ["ann@acme.example", "true"],
        ),
        "hubspot",
    )
    ann = contact(engine, "ann@acme.example")
    assert consents(engine, ann["id"]) == {"email": ("withdrawn", NOW)}


def test_cli_import_summary_and_exit_codes(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    good = runner.invoke(app, ["import", "contacts", str(EXPORTS / "hubspot_contacts.csv"),
                               "--format", "hubspot", "--default-region", "NL"])  # fmt: skip
    assert good.exit_code == 0, good.output
    assert (
        "6 rows (hubspot, utf-8, ','): 6 created, 0 updated, 0 unchanged, 0 merged" in good.output
    )
    bad = write_csv(tmp_path / "bad.csv", BAD[0], *BAD[1:])
    errors = tmp_path / "errors.csv"
    failed = runner.invoke(
        app, ["import", "contacts", str(bad), "-f", "generic", "--errors", str(errors)]
    )
    assert failed.exit_code == 1
    assert f"{bad}:3: email: e-mail 'broken@' is not valid" in failed.output
    assert "nothing written: 3 of 5 rows rejected" in failed.output
    assert errors.is_file()


def test_cli_a_header_without_rows_says_nothing_was_found_and_fails(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    path = tmp_path / "export.csv"
    path.write_text("Email,First Name\r\n\r\n", encoding="utf-8")

    result = runner.invoke(app, ["import", "contacts", str(path), "-f", "hubspot"])

    assert result.exit_code == 1
    assert f"{path}: a header and no rows: nothing imported" in result.output


def test_cli_summary_names_a_tab_delimiter_without_quotes(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    path = tmp_path / "tabs.tsv"
    path.write_text("email\tfirst_name\nann@acme.example\tAnn\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "contacts", str(path), "-f", "generic"])
    assert result.exit_code == 0, result.output
    assert "1 rows (generic, utf-8, tab): 1 created" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope.csv", "-f", "hubspot"], "nope.csv: no such file"),
        (["{generic}"], "give --format"),
        (["{generic}", "-f", "brevo"], "unknown format 'brevo'"),
        (["{generic}", "-f", "generic", "--default-region", "Atlantis"], "--default-region"),
        (["{generic}", "-f", "generic", "--delimiter", "x"], "--delimiter"),
        (["{generic}", "-m", "{missing}"], "cannot read the mapping file"),
        (["{generic}", "-f", "salesforce"], "no column holds an e-mail address or a record id"),
        (["{generic}", "-f", "generic", "--errors", "/no/such/dir/e.csv"], "does not exist"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    generic = write_csv(tmp_path / "g.csv", ["contact_id", "first_name"], ["c1", "Ann"])
    names = {"generic": str(generic), "missing": str(tmp_path / "missing.yaml")}
    result = runner.invoke(app, ["import", "contacts", *[a.format(**names) for a in arguments]])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_value_longer_than_its_column_is_rejected(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    header = ["email", "first_name", "company"]
    long_name, long_company = ["a@acme.example", "A" * 201, "Acme"], ["b@x.example", "B", "C" * 301]
    path = write_csv(tmp_path / "long.csv", header, long_name, long_company)
    summary = run(path, skip_bad_rows=True)
    assert [problem.reason for problem in summary.problems] == [
        "first_name is longer than 200 characters",
        "company is longer than 300 characters",
    ]
    assert rows(engine, Contact) == []


def test_students_and_alumni_join_no_account_and_staff_do(
    engine: Engine, run: Importer, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "campus.csv",
        ["email", "company"],
        ["j.doe@student.uva.nl", "UvA"],
        ["x@etu.univ-lyon1.fr", "Lyon 1"],
        ["prof@uva.nl", "UvA"],
    )
    assert run(path).committed
    assert contact(engine, "j.doe@student.uva.nl")["domain"] is None
    assert contact(engine, "x@etu.univ-lyon1.fr")["account_id"] is None
    assert [row["domain"] for row in rows(engine, Account)] == ["uva.nl"]
