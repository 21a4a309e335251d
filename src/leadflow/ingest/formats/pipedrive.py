"""Pipedrive's people export (Contacts > People > Export), as the layout ``pipedrive``.

Pipedrive writes each column as "<entity> - <field label>" ("Person - First name",
"Person - Email - Work"); a field with several kinds of value (e-mail, phone) gets one
column per kind. Exports made more recently drop the "Person - " prefix ("ID",
"Email - Work"); both spellings are listed. A people export may carry the linked
organization's columns too ("Organization - Name"): those are not the person's and are
kept as attributes.

A person has up to three e-mail addresses (work, home, other) and four phones; the
first non-empty one in file order is read (Pipedrive writes work first), and the
mobile number is read as the mobile phone. People have no lifecycle stage in
Pipedrive: their labels (Customer, Hot lead ...) are read as tags.

"Marketing status" is the consent of Pipedrive's Campaigns product: "Subscribed" is
consent, "Unsubscribed" a withdrawal, "No consent" none, and "Bounced" a bounce (the
general words translate them). "Archived" means a subscriber moved out of the mailable
list with the consent kept on file: it says nothing new and is dropped.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import build_layout

__all__ = ["HEADERS", "PIPEDRIVE", "VALUES"]


def _person(*labels: str) -> tuple[str, ...]:
    """A field's headers: "Person - <label>" (older exports) and the bare label."""
    return tuple(f"Person - {label}" for label in labels) + labels


HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": _person("ID"),
    "full_name": _person("Name"),
    "first_name": _person("First name"),
    "last_name": _person("Last name"),
    "email": _person("Email - Work", "Email - Home", "Email - Other"),
    "phone": _person("Phone - Work", "Phone - Home", "Phone - Other"),
    "mobile_phone": _person("Phone - Mobile"),
    "title": _person("Job title"),
    "company": _person("Organization"),
    "account_ref": _person("Organization ID"),
    "owner": _person("Owner"),
    "tags": _person("Labels", "Label"),
    "email_consent": _person("Marketing status"),
    "country": _person("Country of Postal address"),
    "city": _person("City/town/village/locality of Postal address"),
    "state": _person("State/county of Postal address"),
    "created_at": _person("Person created"),
    "updated_at": _person("Update time"),
}

VALUES: dict[str, dict[str, str]] = {
    "email_consent": {"Archived": ""},
}

PIPEDRIVE = build_layout(
    "pipedrive",
    'Pipedrive people export ("Person - <field>" or bare labels)',
    HEADERS,
    VALUES,
    id_namespace="pipedrive",
)
