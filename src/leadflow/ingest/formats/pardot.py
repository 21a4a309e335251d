"""Salesforce Account Engagement's (Pardot's) prospect export, as the layout ``pardot``.

A prospect list's CSV export writes the prospect fields' labels: "Prospect Id",
"First Name", "Job Title", "Score", "Grade", "Opted Out", "Do Not Email",
"Created Date", then the account's custom fields. "Campaign" is the Account Engagement
campaign that first brought the prospect in, read as ``utm_campaign``; "Source" is the
prospect's source, read as the channel (general words); "User" is the assigned user,
the owner. "Grade" (A+ to F, the fit of the prospect) has no leadflow field and is kept
as the attribute ``grade``, usable in a definition as ``contact.grade``. The CRM ids
("CRM Lead FID", "CRM Contact FID") are kept as attributes too.

"Opted Out" (unsubscribed from marketing e-mail) and "Do Not Email" each withdraw
e-mail consent, "Do Not Call" phone consent.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import build_layout

__all__ = ["HEADERS", "PARDOT", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Prospect Id",),
    "email": ("Email",),
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "salutation": ("Salutation",),
    "title": ("Job Title",),
    "department": ("Department",),
    "company": ("Company",),
    "website": ("Website",),
    "phone": ("Phone",),
    "industry": ("Industry",),
    "employees": ("Employees",),
    "revenue": ("Annual Revenue",),
    "city": ("City",),
    "state": ("State",),
    "country": ("Country",),
    "channel": ("Source",),
    "utm_campaign": ("Campaign",),
    "score": ("Score",),
    "owner": ("User",),
    "created_at": ("Created Date",),
    "updated_at": ("Updated Date",),
    "email_opt_out": ("Opted Out", "Do Not Email"),
    "phone_opt_out": ("Do Not Call",),
}

VALUES: dict[str, dict[str, str]] = {}

PARDOT = build_layout(
    "pardot",
    "Salesforce Account Engagement (Pardot) prospect export (field labels)",
    HEADERS,
    VALUES,
    id_namespace="pardot",
)
