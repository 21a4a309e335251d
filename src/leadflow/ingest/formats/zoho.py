"""Zoho CRM's lead export (Leads > Export, or Setup > Data Administration > Export),
as the layout ``zoho``.

Zoho writes each field's *label* as the header ("Lead Owner", "No. of Employees",
"Email Opt Out"), after the record's "Record Id". Its API names ("Lead_Status",
"No_of_Employees", "Created_Time") fold to the same headers, so a bulk-API export reads
the same way. "Title" is the lead's job title (Zoho has "Salutation" for Mr/Ms), and
"Secondary Email" is read when "Email" is empty. "Rating" (Hot, Warm ...) and other
columns are kept as attributes.

A Contacts export (Contacts > Export) reads the same way: its "Record Id" is the id a
deal's or a call's "Contact Name.id" names, its company is "Account Name" (a lookup,
by name; "Account Name.id" is kept as an attribute), its owner "Contact Owner".

Zoho's default Lead Status picklist: "Not Contacted" is a new lead, "Attempted to
Contact" attempting (general word), "Contacted" working (general word), "Contact in
Future" nurture, "Pre-Qualified" a lead being worked that is not yet qualified, "Not
Qualified", "Junk Lead" and "Lost Lead" unqualified. The default Lead Source picklist's
referral and seminar choices become ``referral`` and ``events``, "Cold Call" the
``outbound_list`` channel; the others are kept as they are.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import build_layout

__all__ = ["HEADERS", "VALUES", "ZOHO"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Record Id",),
    "email": ("Email", "Secondary Email"),
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "salutation": ("Salutation",),
    "title": ("Title",),
    "company": ("Company", "Account Name"),
    "phone": ("Phone",),
    "mobile_phone": ("Mobile",),
    "website": ("Website", "Web site"),
    "industry": ("Industry",),
    "employees": ("No. of Employees",),
    "revenue": ("Annual Revenue",),
    "city": ("City",),
    "state": ("State",),
    "country": ("Country",),
    "channel": ("Lead Source",),
    "lead_status": ("Lead Status",),
    "owner": ("Lead Owner", "Contact Owner"),
    "created_at": ("Created Time",),
    "updated_at": ("Modified Time",),
    "email_opt_out": ("Email Opt Out",),
}

VALUES: dict[str, dict[str, str]] = {
    "lead_status": {
        "Not Contacted": "new",
        "Contact in Future": "nurture",
        "Pre-Qualified": "working",
        "Not Qualified": "unqualified",
        "Junk Lead": "unqualified",
        "Lost Lead": "unqualified",
    },
    "channel": {
        "Cold Call": "outbound_list",
        "Employee Referral": "referral",
        "External Referral": "referral",
        "Seminar Partner": "events",
        "Seminar-Internal": "events",
    },
}

ZOHO = build_layout(
    "zoho", "Zoho CRM lead export (field labels)", HEADERS, VALUES, id_namespace="zoho"
)
