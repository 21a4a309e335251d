"""HubSpot's deal export (CRM > Deals > Export), as the deal format ``hubspot``.

HubSpot writes property labels as headers (``Deal Name``, ``Deal Stage``, ``Close
Date``); an export made with internal names (``dealname``, ``dealstage``,
``closedate``) works too. A deal stage comes as its label (``Closed Won``) or its
internal id (``closedwon``); a German portal writes ``Abgeschlossen und gewonnen``
(``outcomes.CLOSED_STAGES``). Stages of a custom pipeline are the team's own: their
open stages are kept as written, and a custom closed stage needs a mapping file.

Associations: the export names the deal's company and contact by their record ids
(``Associated Company IDs``, ``Associated Contact IDs``) and names; a contact imported
from HubSpot has ``hubspot:<Record ID>``, so the contact id finds it. When a cell
lists several ids (``123;456``), the first is the deal's.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["HEADERS", "HUBSPOT_DEALS"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Record ID", "Deal ID", "hs_object_id", "dealId"),
    "name": ("Deal Name", "dealname"),
    "stage": ("Deal Stage", "dealstage"),
    "pipeline": ("Pipeline", "pipeline"),
    "amount": ("Amount", "amount"),
    "currency": ("Currency", "deal_currency_code"),
    "created_at": ("Create Date", "createdate"),
    "closed_at": ("Close Date", "closedate"),
    "owner": ("Deal owner", "hubspot_owner_id"),
    "lost_reason": ("Closed Lost Reason", "closed_lost_reason"),
    "won_reason": ("Closed Won Reason", "closed_won_reason"),
    "contact_ref": ("Associated Contact IDs", "Associated Contact ID"),
    "contact_email": ("Associated Contact Email", "Contact Email"),
    "account_ref": ("Associated Company IDs", "Associated Company ID"),
    "account_domain": ("Associated Company Domain", "Company Domain Name"),
    "account_name": ("Associated Company", "Associated Company Name"),
    # Derived and bookkeeping columns every export carries: not the deal's facts.
    IGNORE: (
        "Last Modified Date",
        "hs_lastmodifieddate",
        "Last Activity Date",
        "Deal Type",
        "dealtype",
        "Deal probability",
        "hs_deal_stage_probability",
        "Forecast category",
        "Associated Contact",
    ),
}

HUBSPOT_DEALS = build_layout(
    "hubspot",
    "HubSpot deal export (property labels or internal names)",
    HEADERS,
    id_namespace="hubspot",
    fields=DEAL_FIELDS,
    common_columns={},
)
