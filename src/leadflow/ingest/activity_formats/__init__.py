"""The built-in column layouts of CRM activity exports, and mapping files for others.

fields    ACTIVITY_FIELDS: what a column may be mapped to
layouts   Salesforce Tasks/Events, HubSpot calls/e-mails/meetings, Pipedrive activities,
          generic (leadflow's own names)
european  Odoo's activities report, Dynamics 365 activities, Zoho's calls
mapping   load_activity_mapping(path): a MAP.yaml as a Layout, validated
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from leadflow.ingest.activity_formats.european import DYNAMICS, ODOO, ZOHO
from leadflow.ingest.activity_formats.layouts import GENERIC, HUBSPOT, PIPEDRIVE, SALESFORCE
from leadflow.ingest.formats.layout import Layout

__all__ = ["ACTIVITY_FORMATS", "get_activity_format"]

ACTIVITY_FORMATS: Mapping[str, Layout] = MappingProxyType(
    {
        layout.name: layout
        for layout in (HUBSPOT, SALESFORCE, PIPEDRIVE, ODOO, DYNAMICS, ZOHO, GENERIC)
    }
)


def get_activity_format(name: str) -> Layout:
    """A built-in activity layout by name; ValueError naming the choices otherwise."""
    try:
        return ACTIVITY_FORMATS[name]
    except KeyError:
        choices = ", ".join(ACTIVITY_FORMATS)
        raise ValueError(f"unknown activity format {name!r}; choose one of {choices}") from None
