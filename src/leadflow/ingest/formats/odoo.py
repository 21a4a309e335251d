"""Odoo CRM's lead and opportunity export (``crm.lead``), as the layout ``odoo``.

Odoo's export dialog writes field *labels* ("Contact Name", "Email", "Stage") or, with
"import-compatible export" ticked, technical names (``contact_name``, ``email_from``,
``stage_id``); both are listed. Relations (stage, country, salesperson, source ...) are
exported by their display name, which is what is read here.

Three Odoo words mean something else than they seem:

* ``name`` ("Opportunity") is the *deal's* title ("Acme's opportunity"), not the
  person's: it is ignored, and the person's name comes from ``contact_name``. (A
  Contacts export, ``res.partner``, names the person ``name``: a mapping file with
  ``format: odoo`` and ``columns: {name: full_name}`` reads it.)
* ``title`` ("Title") is the salutation (Mister, Doctor), the job title is ``function``
  ("Job Position").
* ``partner_name`` ("Company Name") is the company; ``partner_id`` ("Customer") is
  the linked contact record, kept as an attribute.

Odoo's source, medium and campaign *are* UTM records (its ``utm`` module fills them
from a visit's ``utm_*`` parameters), so they are read as ``utm_source``,
``utm_medium`` and ``utm_campaign``; the acquisition channel follows from them where
it clearly does (``LinkedIn`` -> linkedin, medium ``Email`` -> newsletter ...).

The default pipeline's stages map to the funnel: New -> lead, Qualified -> sql,
Proposition -> opportunity, Won -> customer. Other stages (teams add their own) are
kept, snake_cased. A user working in German, French, Dutch, Spanish or Italian exports
the labels and the default stages in that language; ``translations.odoo`` lists them,
taken from Odoo's own translations, and they are added after the English. Odoo 10 and
12 labelled ``partner_name`` "Customer Name", Odoo 10 ``create_date`` and
``write_date`` "Create Date" and "Update Date"; those are read too.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import IGNORE, build_layout
from leadflow.ingest.formats.translations import odoo as translated
from leadflow.ingest.formats.translations import values_with_languages, with_languages

__all__ = ["HEADERS", "ODOO", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "External ID"),
    "email": ("email_from", "Email", "email"),
    "full_name": ("contact_name", "Contact Name"),
    IGNORE: ("name", "Opportunity"),
    "company": ("partner_name", "Company Name", "Customer Name"),
    "title": ("function", "Job Position"),
    "salutation": ("title", "Title"),
    "phone": ("phone", "Phone"),
    "mobile_phone": ("mobile", "Mobile"),
    "website": ("website", "Website"),
    "city": ("city", "City"),
    "state": ("state_id", "State"),
    "country": ("country_id", "Country"),
    "lifecycle_stage": ("stage_id", "Stage"),
    "owner": ("user_id", "Salesperson"),
    "tags": ("tag_ids", "Tags"),
    "utm_source": ("source_id", "Source"),
    "utm_medium": ("medium_id", "Medium"),
    "utm_campaign": ("campaign_id", "Campaign"),
    "created_at": ("create_date", "Created on", "Create Date"),
    "updated_at": ("write_date", "Last Updated on", "Update Date"),
    "email_opt_out": ("is_blacklisted", "Blacklist"),
    "email_bounced": ("message_bounce", "Bounce"),
}

VALUES: dict[str, dict[str, str]] = {
    # The stages Odoo's CRM creates (crm.stage): a lead is "New" until a salesperson
    # qualifies it, "Proposition" means a quote is out, "Won" marks the sale.
    "lifecycle_stage": {
        "New": "lead",
        "Qualified": "sql",
        "Proposition": "opportunity",
        "Won": "customer",
    },
}

ODOO = build_layout(
    "odoo",
    "Odoo CRM lead/opportunity export (field labels or technical names)",
    with_languages(HEADERS, translated.HEADERS),
    values_with_languages(VALUES, translated.VALUES),
    id_namespace="odoo",
)
