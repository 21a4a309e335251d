"""Marketo's lead export (a smart list or static list exported to CSV), as the layout ``marketo``.

A list export writes each column's *friendly label* ("Email Address", "Company Name",
"Num Employees"); a bulk extract or API export writes the REST names (``email``,
``company``, ``numberOfEmployees``). Both are listed. Marketo writes an empty field as
the word ``null``, so ``null`` is this layout's empty word: it never becomes a value.

Marketo has no lifecycle-stage field of its own (teams model their revenue stages in
custom fields), so its "Lead Status" is read as the lead status. Besides the words
every CRM shares (Open, Contacted, Qualified, Nurture, Recycled, Disqualified ...,
translated in ``leadflow.ingest.values``), Marketo instances commonly use
"Attempting Contact", "Sales Accepted" and "Sales Qualified"; they are translated
here. Funnel words written as a status ("MQL", "Marketing Qualified") are kept as
they are: they say where the lead is, not what sales is doing with it.

"Acquisition Program", the Marketo program that created the person, is the campaign
that brought them: it is read as ``utm_campaign`` (a ``utm_campaign`` column, when the
file has one too, is read as well; the first non-empty cell wins).
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import build_layout

__all__ = ["EMPTY_WORDS", "HEADERS", "MARKETO", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Id",),
    "email": ("Email Address", "email"),
    "first_name": ("First Name", "firstName"),
    "last_name": ("Last Name", "lastName"),
    "full_name": ("Full Name",),
    "salutation": ("Salutation", "salutation"),
    "phone": ("Phone Number", "phone"),
    "mobile_phone": ("Mobile Phone Number", "mobilePhone"),
    "title": ("Job Title", "title"),
    "department": ("Department", "department"),
    "company": ("Company Name", "company"),
    "website": ("Website", "website"),
    "industry": ("Industry", "industry"),
    "employees": ("Num Employees", "numberOfEmployees"),
    "revenue": ("Annual Revenue", "annualRevenue"),
    "country": ("Country", "country"),
    "city": ("City", "city"),
    "state": ("State", "state"),
    "channel": ("Lead Source", "leadSource"),
    "source_detail": ("Original Source Info", "originalSourceInfo"),
    "utm_campaign": ("Acquisition Program",),
    "lead_status": ("Lead Status", "leadStatus"),
    "score": ("Lead Score", "leadScore"),
    "owner": ("Lead Owner Email Address", "leadOwnerEmailAddress"),
    "created_at": ("Created At", "createdAt"),
    "updated_at": ("Updated At", "updatedAt"),
    "email_opt_out": ("Unsubscribed", "unsubscribed"),
    "email_bounced": ("Email Invalid", "emailInvalid"),
    "phone_opt_out": ("Do Not Call", "doNotCall"),
}

VALUES: dict[str, dict[str, str]] = {
    "lead_status": {
        "Attempting Contact": "attempting",
        "Sales Accepted": "working",
        "Sales Accepted Lead": "working",
        "SAL": "working",
        "Sales Qualified": "qualified",
        "Junk": "unqualified",
    },
    "channel": {
        "Employee Referral": "referral",
        "External Referral": "referral",
    },
}

# Marketo writes "null" in every empty cell of a list export.
EMPTY_WORDS: tuple[str, ...] = ("null",)

MARKETO = build_layout(
    "marketo",
    "Marketo lead export (friendly labels or REST names)",
    HEADERS,
    VALUES,
    id_namespace="marketo",
    empty=EMPTY_WORDS,
)
