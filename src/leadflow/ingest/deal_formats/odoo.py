"""Odoo CRM's opportunity export (``crm.lead``: CRM > Pipeline > Export), as the deal
format ``odoo``.

In Odoo a lead *becomes* an opportunity: one ``crm.lead`` record, one ``ID``. The
contact import (``--format odoo``) stored the record's person under ``odoo:<ID>``, so a
deal's own ``ID`` is also its person's (``copies``); the person's ``Email`` finds them
too. ``Customer`` (``partner_id``) is the display name of a partner ("Acme, Ann
Smith"), which links nobody. Headers are the field labels, or the technical names of an
"import-compatible" export; a user working in German, French, Dutch, Spanish or Italian
exports the labels in that language: those the contact layout reads (``translations.
odoo``) are read here too, with the labels of the deal's own fields that Odoo's German,
French and Dutch translations give (``_OWN_LABELS``).

Won or lost: a won opportunity stands in the pipeline's won stage (``Won``, and its name
in each language: the contact layout's ``customer`` stages). A lost one is archived:
``Active`` is ``False`` (with a lost reason, probability 0) whatever its stage. Odoo
writes booleans as ``True``/``False``. Enterprise's ``Is Won`` (``won_status``: won,
lost, pending) says it directly when the export has it. ``Closed Date``
(``date_closed``) is set when a lead is won or lost; ``Expected Closing`` is the
expected one. Odoo writes dates as ``YYYY-MM-DD HH:MM:SS`` (UTC), read as ISO.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout
from leadflow.ingest.formats.translations import odoo as translated

__all__ = ["HEADERS", "ODOO_DEALS", "VALUES"]

_ENGLISH: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "External ID"),
    "name": ("name", "Opportunity"),
    "stage": ("stage_id", "Stage"),
    "status": ("won_status", "Is Won", "active", "Active"),
    "amount": ("expected_revenue", "Expected Revenue", "planned_revenue"),
    "currency": ("company_currency", "Currency"),
    "created_at": ("create_date", "Created on", "Create Date"),
    "closed_at": ("date_closed", "Closed Date", "Date Closed"),
    "expected_close": ("date_deadline", "Expected Closing"),
    "owner": ("user_id", "Salesperson"),
    "lost_reason": ("lost_reason_id", "lost_reason", "Lost Reason"),
    "contact_email": ("email_from", "Email"),
    IGNORE: ("partner_id", "Customer", "probability", "Probability", "team_id",
             "Sales Team", "contact_name", "Contact Name", "partner_name", "Company Name",
             "type", "Type", "write_date", "Last Updated on", "priority", "Priority",
             "tag_ids", "Tags", "phone", "Phone"),
}  # fmt: skip

# The contact layout's translated labels of the fields a deal shares with its lead: the
# lead's name column ("Opportunity", ignored there) is the deal's name here.
_SHARED = {
    "external_id": "external_id",
    IGNORE: "name",
    "lifecycle_stage": "stage",
    "owner": "owner",
    "created_at": "created_at",
    "email": "contact_email",
}
# The deal's own fields in other languages, as odoo/odoo's addons/crm/i18n/<lang>.po
# gives them: German from 13.0, French from 11.0, Dutch from 10.0 (only the labels read
# there: the outcome's and the close date's first, the rest is a mapping file's line).
_OWN_LABELS = {
    "status": ("Aktiv", "Actif", "Actief"),
    "amount": ("Erwarteter Umsatz",),
    "currency": ("Währung",),
    "closed_at": ("Abschlussdatum", "Date de clôture", "Afsluitdatum"),
    "expected_close": ("Erwarteter Abschluss",),
    "lost_reason": ("Ablehnungsgrund",),
    IGNORE: ("Kunde",),
}


def _headers() -> dict[str, tuple[str, ...]]:
    headers = dict(_ENGLISH)
    for table in translated.HEADERS.values():
        for field, deal_field in _SHARED.items():
            headers[deal_field] = (*headers[deal_field], *table.get(field, ()))
    for field, labels in _OWN_LABELS.items():
        headers[field] = (*headers[field], *labels)
    return {field: tuple(dict.fromkeys(labels)) for field, labels in headers.items()}


HEADERS = _headers()

# Won: the pipeline's won stage, in English and in each language the contact layout
# knows (its "customer" stages: Erfolgreich, Gagné, Gewonnen, Ganado, Vinta).
_WON_STAGES = {
    label: "won"
    for tables in translated.VALUES.values()
    for label, stage in tables.get("lifecycle_stage", {}).items()
    if stage == "customer"
}
VALUES: dict[str, dict[str, str]] = {
    "stage": {"Won": "won", **_WON_STAGES},
    # Active False: archived, which is how Odoo marks an opportunity lost; True says
    # nothing (open or won: the stage tells). Is Won's "pending" is an open deal.
    "status": {"False": "lost", "True": "", "pending": "open"},
}

ODOO_DEALS = build_layout(
    "odoo",
    "Odoo CRM opportunity export (crm.lead: field labels or technical names)",
    HEADERS,
    VALUES,
    id_namespace="odoo",
    fields=DEAL_FIELDS,
    common_columns={},
    copies={"contact_ref": "external_id"},
)
