"""The built-in deal layouts read the real header rows of each CRM's deal export, and
each CRM's words for a closed stage or a status say won or lost."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from leadflow.ingest.deal_formats import DEAL_FORMATS, get_deal_format
from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.deal_formats.outcomes import stage_outcome, status_word
from leadflow.ingest.deals import DealReader, DealRecord
from leadflow.ingest.formats.layout import IGNORE

EXPORTS = Path(__file__).resolve().parents[3] / "fixtures" / "exports"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _records(name: str, format_name: str, region: str | None = None) -> list[DealRecord]:
    with (EXPORTS / name).open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    reader = DealReader(get_deal_format(format_name), header, now=NOW, default_region=region)
    # Lead Source is the opportunity's channel: leadflow reads the contact's, not the deal's.
    assert set(reader.unknown_headers) <= {"LeadSource", "Lead Source"}, reader.unknown_headers
    return [reader.convert(line, cells) for line, cells in enumerate(rows, start=2)]


@pytest.mark.parametrize(
    ("format_name", "header", "field"),
    [
        ("hubspot", "Record ID", "external_id"),
        ("hubspot", "Deal Name", "name"),
        ("hubspot", "Deal Stage", "stage"),
        ("hubspot", "dealstage", "stage"),
        ("hubspot", "Close Date", "closed_at"),
        ("hubspot", "closedate", "closed_at"),
        ("hubspot", "Create Date", "created_at"),
        ("hubspot", "Deal owner", "owner"),
        ("hubspot", "Closed Lost Reason", "lost_reason"),
        ("hubspot", "closed_won_reason", "won_reason"),
        ("hubspot", "Associated Contact IDs", "contact_ref"),
        ("hubspot", "Associated Company", "account_name"),
        ("hubspot", "Last Activity Date", IGNORE),
        ("salesforce", "Id", "external_id"),
        ("salesforce", "Opportunity ID", "external_id"),
        ("salesforce", "StageName", "stage"),
        ("salesforce", "Stage", "stage"),
        ("salesforce", "IsWon", "won"),
        ("salesforce", "Won", "won"),
        ("salesforce", "IsClosed", "closed"),
        ("salesforce", "CloseDate", "closed_at"),
        ("salesforce", "Close Date", "closed_at"),
        ("salesforce", "CreatedDate", "created_at"),
        ("salesforce", "AccountId", "account_ref"),
        ("salesforce", "Account Name", "account_name"),
        ("salesforce", "ContactId", "contact_ref"),
        ("salesforce", "CurrencyIsoCode", "currency"),
        ("salesforce", "Opportunity Owner", "owner"),
        ("pipedrive", "Deal - ID", "external_id"),
        ("pipedrive", "Deal - Title", "name"),
        ("pipedrive", "Deal - Status", "status"),
        ("pipedrive", "Status", "status"),
        ("pipedrive", "Deal - Value", "amount"),
        ("pipedrive", "Deal - Won time", "closed_at"),
        ("pipedrive", "Deal - Lost time", "closed_at"),
        ("pipedrive", "Deal - Contact person ID", "contact_ref"),
        ("pipedrive", "Deal - Organization", "account_name"),
        ("pipedrive", "Deal - Lost reason", "lost_reason"),
        ("generic", "opportunity_id", "external_id"),
        ("generic", "contact_id", "contact_ref"),
        ("generic", "rep_id", "owner"),
    ],
)
def test_a_header_of_the_export_is_read_as_its_field(
    format_name: str, header: str, field: str
) -> None:
    assert get_deal_format(format_name).field_for(header) == field


@pytest.mark.parametrize("name", list(DEAL_FORMATS))
def test_every_layout_maps_to_deal_fields_only(name: str) -> None:
    targets = set(DEAL_FORMATS[name].columns.values()) - {IGNORE}
    assert targets <= set(DEAL_FIELDS)


def test_an_unknown_format_names_the_choices() -> None:
    choices = "hubspot, salesforce, pipedrive, odoo, dynamics, zoho, generic"
    with pytest.raises(ValueError, match=choices):
        get_deal_format("sugarcrm")


@pytest.mark.parametrize(
    ("stage", "outcome"),
    [
        ("Closed Won", "won"),
        ("closedwon", "won"),
        ("CLOSED WON", "won"),
        ("Closed Lost", "lost"),
        ("closedlost", "lost"),
        ("Won", "won"),
        ("Lost", "lost"),
        ("closed_won", "won"),
        ("Abgeschlossen und gewonnen", "won"),
        ("Abgeschlossen und verloren", "lost"),
        ("Geschlossen und gewonnen", "won"),
        ("Appointment Scheduled", "open"),
        ("Negotiation/Review", "open"),
        ("Engaging", "open"),
    ],
)
def test_a_closed_stage_says_won_or_lost_and_any_other_is_open(stage: str, outcome: str) -> None:
    assert stage_outcome(stage) == outcome


def test_a_teams_own_closed_stage_comes_first() -> None:
    assert stage_outcome("Signed", {"signed": "won"}) == "won"
    assert stage_outcome("Won", {"won": "open"}) == "open"  # a team may call a stage Won


@pytest.mark.parametrize(
    ("word", "status"), [("open", "open"), ("won", "won"), ("LOST", "lost"), ("deleted", None)]
)
def test_pipedrives_status_words(word: str, status: str | None) -> None:
    assert status_word(word) == status


def test_hubspot_labels_export() -> None:
    won, lost, still_open = _records("hubspot_deals.csv", "hubspot")
    assert (won.external_id, won.status, won.amount) == ("hubspot:9001", "won", 12500.5)
    assert won.closed_at == datetime(2025, 4, 10, 12, 0, tzinfo=UTC)
    assert (won.won_reason, won.lost_reason) == ("Best price", None)
    assert (won.contact_ref, won.account_name) == ("hubspot:51", "Bakkerij Janssen B.V.")
    assert (lost.status, lost.lost_reason, lost.contact_ref) == ("lost", "Budget", "hubspot:52")
    assert (still_open.status, still_open.stage) == ("open", "Appointment Scheduled")
    assert still_open.closed_at is None
    assert still_open.expected_close == date(2026, 9, 30)


def test_hubspot_internal_names_export_reads_epoch_milliseconds() -> None:
    won, lost, still_open = _records("hubspot_deals_internal.csv", "hubspot")
    assert (won.status, won.currency, won.owner) == ("won", "EUR", "71234")
    assert won.closed_at == datetime(2025, 4, 10, 12, 0, tzinfo=UTC)
    assert (lost.status, lost.currency) == ("lost", "NOK")
    assert still_open.status == "open"


def test_german_stage_labels_dotted_dates_and_a_decimal_comma() -> None:
    won, lost, still_open = _records("hubspot_deals_german_stages.csv", "hubspot")
    assert (won.status, won.amount) == ("won", 12500.5)
    assert won.closed_at == datetime(2025, 4, 10, tzinfo=UTC)
    assert (lost.status, still_open.status) == ("lost", "open")


def test_salesforce_data_loader_export_reads_the_flags_and_18_character_ids() -> None:
    won, lost, still_open = _records("salesforce_opportunities.csv", "salesforce")
    assert won.external_id == "salesforce:0065g00000XyZaBAAV"
    assert won.contact_ref == "salesforce:0035g00000AbCdEAAV"
    assert won.account_ref == "0015g00000AbCdEAAV"  # as the accounts import keeps it
    assert (won.status, won.currency, won.amount) == ("won", "USD", 48000.0)
    assert won.created_at == datetime(2025, 1, 20, 16, 2, 11, tzinfo=UTC)
    assert (lost.status, still_open.status, still_open.stage) == (
        "lost",
        "open",
        "Negotiation/Review",
    )


def test_salesforce_report_with_contact_roles_is_month_first_in_the_us() -> None:
    won, lost, still_open = _records("salesforce_opportunities_report.csv", "salesforce", "US")
    assert won.external_id == "salesforce:0065g00000XyZaBAAV"  # the 15-character id, 18 now
    assert won.contact_email == "emma.johnson@northwind-demo.example.com"
    assert won.created_at == datetime(2025, 1, 20, 16, 2, tzinfo=UTC)
    assert won.closed_at == datetime(2025, 5, 30, tzinfo=UTC)
    assert (won.status, won.amount, won.owner) == ("won", 48000.0, "Olivia Owner")
    assert (lost.status, still_open.status) == ("lost", "open")


def test_pipedrive_export_reads_status_and_the_won_or_lost_time() -> None:
    won, lost, still_open = _records("pipedrive_deals.csv", "pipedrive")
    assert (won.external_id, won.status, won.contact_ref) == (
        "pipedrive:501",
        "won",
        "pipedrive:101",
    )
    assert won.closed_at == datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    assert (lost.status, lost.lost_reason) == ("lost", "Went with a competitor")
    assert lost.closed_at == datetime(2025, 4, 2, 11, 0, tzinfo=UTC)
    assert (still_open.status, still_open.stage, still_open.currency) == (
        "open",
        "Qualified",
        "CZK",
    )


def test_generic_reads_what_the_demo_world_writes() -> None:
    won, lost, still_open = _records("generic_deals.csv", "generic")
    assert (won.external_id, won.contact_ref, won.owner, won.product) == (
        "o1",
        "c1",
        "r1",
        "Platform",
    )
    assert (lost.status, lost.lost_reason) == ("lost", "no_budget")
    assert (still_open.status, still_open.account_ref, still_open.contact_ref) == (
        "open",
        "a1",
        None,
    )
