"""The built-in layouts know the documented headers of each CRM's export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats import FORMATS, get_format
from leadflow.ingest.formats.layout import IGNORE

EXPORTS = Path(__file__).resolve().parents[3] / "fixtures" / "exports"


@pytest.mark.parametrize(
    ("format_name", "header", "field"),
    [
        ("hubspot", "Record ID", "external_id"),
        ("hubspot", "First Name", "first_name"),
        ("hubspot", "Last Name", "last_name"),
        ("hubspot", "Email", "email"),
        ("hubspot", "Phone Number", "phone"),
        ("hubspot", "Company Name", "company"),
        ("hubspot", "Job Title", "title"),
        ("hubspot", "Country/Region", "country"),
        ("hubspot", "Lifecycle Stage", "lifecycle_stage"),
        ("hubspot", "lifecyclestage", "lifecycle_stage"),
        ("hubspot", "Lead Status", "lead_status"),
        ("hubspot", "hs_lead_status", "lead_status"),
        ("hubspot", "Original Source", "channel"),
        ("hubspot", "Original Traffic Source", "channel"),
        ("hubspot", "Create Date", "created_at"),
        ("hubspot", "Unsubscribed from all email", "email_opt_out"),
        ("salesforce", "Id", "external_id"),
        ("salesforce", "Lead ID", "external_id"),
        ("salesforce", "FirstName", "first_name"),
        ("salesforce", "Company / Account", "company"),
        ("salesforce", "LeadSource", "channel"),
        ("salesforce", "Lead Status", "lead_status"),
        ("salesforce", "Status", "lead_status"),
        ("salesforce", "NumberOfEmployees", "employees"),
        ("salesforce", "No. of Employees", "employees"),
        ("salesforce", "AnnualRevenue", "revenue"),
        ("salesforce", "CreatedDate", "created_at"),
        ("salesforce", "HasOptedOutOfEmail", "email_opt_out"),
        ("salesforce", "Do Not Call", "phone_opt_out"),
        ("mautic", "id", "external_id"),
        ("mautic", "firstname", "first_name"),
        ("mautic", "position", "title"),
        ("mautic", "title", "salutation"),
        ("mautic", "points", "score"),
        ("mautic", "stage", "lifecycle_stage"),
        ("generic", "contact_id", "external_id"),
        ("generic", "account_id", "account_ref"),
        ("generic", "utm_campaign", "utm_campaign"),
    ],
)
def test_documented_headers(format_name: str, header: str, field: str) -> None:
    assert get_format(format_name).field_for(header) == field


def test_header_matching_ignores_case_and_punctuation() -> None:
    hubspot = get_format("hubspot")
    assert hubspot.field_for("COUNTRY / REGION") == "country"
    assert hubspot.field_for("  first name ") == "first_name"
    assert hubspot.field_for("Favourite Colour") is None


def test_generic_reads_every_column_the_demo_writes() -> None:
    demo_columns = (
        "contact_id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "title",
        "seniority",
        "department",
        "country",
        "account_id",
        "company",
        "channel",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "purchased",
        "vendor",
        "created_at",
        "email_consent",
        "phone_consent",
    )
    generic = get_format("generic")
    assert all(generic.field_for(column) not in (None, IGNORE) for column in demo_columns)


def test_every_layout_maps_only_known_fields() -> None:
    for layout in FORMATS.values():
        assert set(layout.columns.values()) <= set(FIELDS) | {IGNORE}


@pytest.mark.parametrize(
    ("fixture", "format_name"),
    [
        ("hubspot_contacts.csv", "hubspot"),
        ("salesforce_leads.csv", "salesforce"),
        ("salesforce_leads_report.csv", "salesforce"),
        ("mautic_contacts.csv", "mautic"),
        ("generic_contacts.csv", "generic"),
    ],
)
def test_fixture_headers_are_known_to_their_format(fixture: str, format_name: str) -> None:
    """Every column of the documented export maps to a field (none falls to attributes)."""
    with (EXPORTS / fixture).open(encoding="utf-8", newline="") as stream:
        header = next(csv.reader(stream))
    layout = get_format(format_name)
    unknown = [name for name in header if layout.field_for(name) is None]
    allowed_unknown = {  # kept as custom attributes, on purpose
        "hubspot_contacts.csv": {"Favourite Product"},
        "salesforce_leads.csv": {"Rating"},
        "mautic_contacts.csv": {
            "fax", "address1", "address2", "zipcode", "preferred_locale", "timezone",
            "last_active", "attribution_date", "attribution", "facebook", "foursquare",
            "instagram", "linkedin", "skype", "twitter",
        },
    }  # fmt: skip
    assert set(unknown) == allowed_unknown.get(fixture, set())


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match="hubspot, salesforce, mautic, generic"):
        get_format("pipedrive")
