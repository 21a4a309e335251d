"""The built-in layouts know the documented headers of each CRM's export."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path
from types import ModuleType

import pytest

from leadflow.domain.vocabulary import ACQUISITION_CHANNELS
from leadflow.ingest.fields import FIELDS, LEAD_STATUSES
from leadflow.ingest.formats import (
    FORMATS,
    dynamics,
    get_format,
    marketo,
    salesforce,
    zoho,
)
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
        ("marketo", "Id", "external_id"),
        ("marketo", "Email Address", "email"),
        ("marketo", "email", "email"),
        ("marketo", "First Name", "first_name"),
        ("marketo", "firstName", "first_name"),
        ("marketo", "Company Name", "company"),
        ("marketo", "Job Title", "title"),
        ("marketo", "Phone Number", "phone"),
        ("marketo", "Mobile Phone Number", "mobile_phone"),
        ("marketo", "Lead Status", "lead_status"),
        ("marketo", "leadStatus", "lead_status"),
        ("marketo", "Lead Source", "channel"),
        ("marketo", "Lead Score", "score"),
        ("marketo", "Num Employees", "employees"),
        ("marketo", "numberOfEmployees", "employees"),
        ("marketo", "Acquisition Program", "utm_campaign"),
        ("marketo", "Created At", "created_at"),
        ("marketo", "Unsubscribed", "email_opt_out"),
        ("marketo", "Email Invalid", "email_bounced"),
        ("marketo", "Do Not Call", "phone_opt_out"),
        ("odoo", "id", "external_id"),
        ("odoo", "email_from", "email"),
        ("odoo", "Email", "email"),
        ("odoo", "contact_name", "full_name"),
        ("odoo", "Contact Name", "full_name"),
        ("odoo", "name", IGNORE),
        ("odoo", "Opportunity", IGNORE),
        ("odoo", "partner_name", "company"),
        ("odoo", "Company Name", "company"),
        ("odoo", "function", "title"),
        ("odoo", "Job Position", "title"),
        ("odoo", "title", "salutation"),
        ("odoo", "stage_id", "lifecycle_stage"),
        ("odoo", "Stage", "lifecycle_stage"),
        ("odoo", "country_id", "country"),
        ("odoo", "Country", "country"),
        ("odoo", "tag_ids", "tags"),
        ("odoo", "Tags", "tags"),
        ("odoo", "source_id", "utm_source"),
        ("odoo", "Source", "utm_source"),
        ("odoo", "medium_id", "utm_medium"),
        ("odoo", "Medium", "utm_medium"),
        ("odoo", "campaign_id", "utm_campaign"),
        ("odoo", "Campaign", "utm_campaign"),
        ("odoo", "user_id", "owner"),
        ("odoo", "Created on", "created_at"),
        ("odoo", "Last Updated on", "updated_at"),
        ("mautic", "id", "external_id"),
        ("mautic", "firstname", "first_name"),
        ("mautic", "position", "title"),
        ("mautic", "title", "salutation"),
        ("mautic", "points", "score"),
        ("mautic", "stage", "lifecycle_stage"),
        ("pipedrive", "Person - ID", "external_id"),
        ("pipedrive", "ID", "external_id"),
        ("pipedrive", "Person - Email - Work", "email"),
        ("pipedrive", "Email - Home", "email"),
        ("pipedrive", "Person - Phone - Mobile", "mobile_phone"),
        ("pipedrive", "Person - Organization", "company"),
        ("pipedrive", "Person - Labels", "tags"),
        ("pipedrive", "Person - Marketing status", "email_consent"),
        ("pipedrive", "Person - Person created", "created_at"),
        ("dynamics", "(Do Not Modify) Lead", "external_id"),
        ("dynamics", "(Do Not Modify) Row Checksum", IGNORE),
        ("dynamics", "leadid", "external_id"),
        ("dynamics", "Business Phone", "phone"),
        ("dynamics", "telephone1", "phone"),
        ("dynamics", "Status Reason", "lead_status"),
        ("dynamics", "statuscode", "lead_status"),
        ("dynamics", "Do not allow Bulk Emails", "email_opt_out"),
        ("dynamics", "Source Campaign", "utm_campaign"),
        ("zoho", "Record Id", "external_id"),
        ("zoho", "Lead Owner", "owner"),
        ("zoho", "Title", "title"),
        ("zoho", "Secondary Email", "email"),
        ("zoho", "Email Opt Out", "email_opt_out"),
        ("zoho", "Email_Opt_Out", "email_opt_out"),  # the API name folds to the label
        ("zoho", "No_of_Employees", "employees"),
        ("pardot", "Prospect Id", "external_id"),
        ("pardot", "Score", "score"),
        ("pardot", "Opted Out", "email_opt_out"),
        ("pardot", "Do Not Email", "email_opt_out"),
        ("pardot", "Campaign", "utm_campaign"),
        ("pardot", "User", "owner"),
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
        ("marketo_leads.csv", "marketo"),
        ("odoo_leads.csv", "odoo"),
        ("odoo_leads_import_compatible.csv", "odoo"),
        ("pipedrive_people.csv", "pipedrive"),
        ("pipedrive_people_unprefixed.csv", "pipedrive"),
        ("dynamics_leads.csv", "dynamics"),
        ("dynamics_leads_logical.csv", "dynamics"),
        ("zoho_leads.csv", "zoho"),
        ("pardot_prospects.csv", "pardot"),
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
        "marketo_leads.csv": {"Original Source Type"},
        "odoo_leads.csv": {"Sales Team", "Expected Revenue", "Probability", "Type"},
        "pipedrive_people.csv": {"Person - Open deals", "Organization - Name"},
        "dynamics_leads.csv": {"Topic", "Rating", "Status"},
        "zoho_leads.csv": {"Rating"},
        "pardot_prospects.csv": {
            "Last Activity At", "Notes", "Grade", "Address One", "Address Two", "Territory",
            "Zip", "Fax", "Years In Business", "Comments", "Referrer", "First Assigned",
            "CRM Contact FID", "CRM Lead FID",
        },
        "mautic_contacts.csv": {
            "fax", "address1", "address2", "zipcode", "preferred_locale", "timezone",
            "last_active", "attribution_date", "attribution", "facebook", "foursquare",
            "instagram", "linkedin", "skype", "twitter",
        },
    }  # fmt: skip
    assert set(unknown) == allowed_unknown.get(fixture, set())


def test_unknown_format_names_the_choices() -> None:
    choices = "hubspot, salesforce, marketo, odoo, mautic, pipedrive, dynamics, zoho, pardot, "
    with pytest.raises(ValueError, match=choices):
        get_format("brevo")


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_utm_columns_are_read_beside_a_formats_own_headers(format_name: str) -> None:
    """Odoo maps its Source/Medium/Campaign to the UTM fields and Marketo its Acquisition
    Program: a plain utm_* column of the same file is still read, not an attribute."""
    layout = get_format(format_name)
    for name in ("utm_source", "utm_medium", "utm_campaign"):
        assert layout.field_for(name) == name


def test_odoo_and_marketo_keep_their_own_utm_headers_too() -> None:
    assert get_format("odoo").field_for("Campaign") == "utm_campaign"
    assert get_format("marketo").field_for("Acquisition Program") == "utm_campaign"


def test_only_marketo_treats_null_as_an_empty_cell() -> None:
    assert get_format("marketo").empty_words == frozenset({"null"})
    assert all(not FORMATS[name].empty_words for name in FORMATS if name != "marketo")


def test_a_layout_with_empty_words_survives_pickling() -> None:
    """The validating process receives the layout pickled."""
    marketo = get_format("marketo")
    copy = pickle.loads(pickle.dumps(marketo))
    assert copy.empty_words == marketo.empty_words
    assert copy.columns == marketo.columns


@pytest.mark.parametrize("module", [marketo, salesforce, dynamics, zoho], ids=lambda m: m.__name__)
def test_a_formats_own_values_are_leadflow_words(module: ModuleType) -> None:
    """A picklist translated to a lower-case word means one of leadflow's statuses or
    channels (a typo would be kept as a new, unknown one); a capitalised target is a
    source label deliberately kept (Dynamics' numbered lead sources)."""
    for field, table in module.VALUES.items():
        words = {"lead_status": LEAD_STATUSES, "channel": ACQUISITION_CHANNELS}.get(field)
        for value in table.values() if words is not None else ():
            assert value in words or value != value.lower(), (field, value)


@pytest.mark.parametrize(
    ("format_name", "field", "raw", "expected"),
    [
        ("pipedrive", "email_consent", "Archived", ""),
        ("dynamics", "lead_status", "Qualified", "converted"),
        ("dynamics", "lead_status", "Cannot Contact", "unqualified"),
        ("dynamics", "lead_status", "3", "converted"),
        ("dynamics", "channel", "9", "referral"),
        ("dynamics", "email_opt_out", "Do Not Allow", "yes"),
        ("zoho", "lead_status", "Pre Qualified", "working"),
        ("zoho", "lead_status", "Junk Lead", "unqualified"),
        ("zoho", "channel", "Seminar - Internal", "events"),
    ],
)
def test_picklist_translations(format_name: str, field: str, raw: str, expected: str) -> None:
    assert get_format(format_name).value_for(field, raw) == expected
