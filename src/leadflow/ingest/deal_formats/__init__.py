"""The built-in column layouts of deal (opportunity) exports, and mapping files for others.

fields      DEAL_FIELDS: what a column may be mapped to
outcomes    open, won or lost from a CRM's stage, flags or status
hubspot     HUBSPOT_DEALS: HubSpot's deal export
salesforce  SALESFORCE_DEALS: Salesforce's opportunity export
pipedrive   PIPEDRIVE_DEALS: Pipedrive's deal export
odoo        ODOO_DEALS: Odoo CRM's opportunity export (crm.lead; the lead is the deal)
dynamics    DYNAMICS_DEALS: Dynamics 365 Sales' opportunity export
zoho        ZOHO_DEALS: Zoho CRM's deal export
generic     GENERIC_DEALS: leadflow's own names (what ``leadflow demo`` writes)
mapping     load_deal_mapping(path): a MAP.yaml as a Layout, validated

A deal format is a ``Layout`` (``ingest.formats.layout``) whose fields are deal fields;
its ``id_namespace`` is both the deals' (``hubspot:<deal id>``) and the one under which
the contact import stored the people the deals name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from leadflow.ingest.deal_formats.dynamics import DYNAMICS_DEALS
from leadflow.ingest.deal_formats.generic import GENERIC_DEALS
from leadflow.ingest.deal_formats.hubspot import HUBSPOT_DEALS
from leadflow.ingest.deal_formats.odoo import ODOO_DEALS
from leadflow.ingest.deal_formats.pipedrive import PIPEDRIVE_DEALS
from leadflow.ingest.deal_formats.salesforce import SALESFORCE_DEALS
from leadflow.ingest.deal_formats.zoho import ZOHO_DEALS
from leadflow.ingest.formats.layout import Layout

__all__ = ["DEAL_FORMATS", "get_deal_format"]

DEAL_FORMATS: Mapping[str, Layout] = MappingProxyType(
    {
        layout.name: layout
        for layout in (
            HUBSPOT_DEALS,
            SALESFORCE_DEALS,
            PIPEDRIVE_DEALS,
            ODOO_DEALS,
            DYNAMICS_DEALS,
            ZOHO_DEALS,
            GENERIC_DEALS,
        )
    }
)


def get_deal_format(name: str) -> Layout:
    """A built-in deal layout by name; ValueError naming the choices otherwise."""
    try:
        return DEAL_FORMATS[name]
    except KeyError:
        choices = ", ".join(DEAL_FORMATS)
        raise ValueError(f"unknown deal format {name!r}; choose one of {choices}") from None
