"""Zoho CRM's deal export (Deals > Export, or Setup > Data Administration > Export), as
the deal format ``zoho``.

Zoho writes each field's label as the header, after ``Record Id``, and a lookup twice:
its record's id (``Contact Name.id``, ``Account Name.id``) and its name (``Contact
Name``, ``Account Name``). Ids carry the namespace ``zoho:``, the contact import's, so
``Contact Name.id`` finds the contact imported from Zoho's Contacts export (``--format
zoho`` reads its ``Record Id``); a contact's name links nobody (two people may share
one). The deal's company is its ``Account Name`` (mandatory in Zoho), found by name as
the contact import named it; ``Account Name.id`` is not read, because the contact import
keeps no company ids (an accounts import of Zoho's Accounts export would).

Stages: Zoho's defaults are Qualification, Needs Analysis, Value Proposition, Identify
Decision Makers, Perception Analysis, Proposal/Price Quote, Negotiation/Review (open),
Closed Won, Closed Lost and Closed-Lost to Competition. A team's own closed stages (Zoho
lets a stage's *deal category* be Closed Won or Closed Lost) go in a mapping file.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["HEADERS", "VALUES", "ZOHO_DEALS"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Record Id",),
    "name": ("Deal Name",),
    "stage": ("Stage",),
    "pipeline": ("Pipeline", "Layout"),
    "amount": ("Amount",),
    "currency": ("Currency",),
    "created_at": ("Created Time",),
    "closed_at": ("Closing Date",),
    "owner": ("Deal Owner",),
    "lost_reason": ("Reason For Loss",),
    "contact_ref": ("Contact Name.id",),
    "account_name": ("Account Name",),
    IGNORE: ("Contact Name", "Account Name.id", "Deal Owner.id", "Created By",
             "Created By.id", "Modified By", "Modified By.id", "Modified Time", "Type",
             "Probability (%)", "Expected Revenue", "Next Step", "Lead Source",
             "Campaign Source", "Campaign Source.id", "Description", "Last Activity Time",
             "Lead Conversion Time", "Sales Cycle Duration", "Overall Sales Duration",
             "Change Log Time", "Locked", "Exchange Rate", "Tag"),
}  # fmt: skip

VALUES: dict[str, dict[str, str]] = {
    # "Closed Won" and "Closed Lost" are every format's closed stages (outcomes).
    "stage": {"Closed-Lost to Competition": "lost"},
}

ZOHO_DEALS = build_layout(
    "zoho",
    "Zoho CRM deal export (field labels, lookups by id and name)",
    HEADERS,
    VALUES,
    id_namespace="zoho",
    fields=DEAL_FIELDS,
    common_columns={},
)
