"""HubSpot's deal export (CRM > Deals > Export), as the deal format ``hubspot``.

HubSpot writes property labels as headers (``Deal Name``, ``Deal Stage``, ``Close
Date``); an export made with internal names (``dealname``, ``dealstage``,
``closedate``) works too. A deal stage comes as its label (``Closed Won``) or its
internal id (``closedwon``); a German portal writes ``Abgeschlossen und gewonnen``
(``outcomes.CLOSED_STAGES``). Stages of a custom pipeline are the team's own: their
open stages are kept as written, and a custom closed stage needs a mapping file.

Associations: the export names the deal's company and contacts by their record ids
(``Associated Company IDs``, ``Associated Contact IDs``); a contact imported from
HubSpot has ``hubspot:<Record ID>`` and a company imported with ``leadflow import
accounts`` its ``Record ID``, so the ids find them. When a cell lists several ids
(``123;456``), the first is the deal's.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["HEADERS", "HUBSPOT_DEALS"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("Record ID", "hs_object_id"),
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
    "contact_ref": ("Associated Contact IDs",),
    "account_ref": ("Associated Company IDs", "Associated Company IDs (Primary)"),
    "account_name": ("Associated Company",),
    # Bookkeeping columns an export carries; a person's name links nobody (the ids do).
    IGNORE: (
        "Last Modified Date",
        "hs_lastmodifieddate",
        "Last Activity Date",
        "Deal Type",
        "dealtype",
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
