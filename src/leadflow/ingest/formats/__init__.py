"""The built-in column layouts, by name, and mapping files for any other CSV.

layout        Layout (headers -> fields, value maps, defaults), build_layout
hubspot       HUBSPOT: HubSpot's contact export
salesforce    SALESFORCE: Salesforce's lead export
marketo       MARKETO: Marketo's lead export ("null" cells are empty)
odoo          ODOO: Odoo CRM's lead/opportunity export
mautic        MAUTIC: Mautic's contact export
pipedrive     PIPEDRIVE: Pipedrive's people export
dynamics      DYNAMICS: Microsoft Dynamics 365 Sales' lead export
zoho          ZOHO: Zoho CRM's lead export
pardot        PARDOT: Salesforce Account Engagement's (Pardot's) prospect export
generic       GENERIC: leadflow's own snake_case names
mapping_file  load_mapping(path): a MAP.yaml as a Layout, validated
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from leadflow.ingest.formats.dynamics import DYNAMICS
from leadflow.ingest.formats.generic import GENERIC
from leadflow.ingest.formats.hubspot import HUBSPOT
from leadflow.ingest.formats.layout import (
    IGNORE,
    Layout,
    UnknownColumns,
    build_layout,
    id_system_of,
)
from leadflow.ingest.formats.marketo import MARKETO
from leadflow.ingest.formats.mautic import MAUTIC
from leadflow.ingest.formats.odoo import ODOO
from leadflow.ingest.formats.pardot import PARDOT
from leadflow.ingest.formats.pipedrive import PIPEDRIVE
from leadflow.ingest.formats.salesforce import SALESFORCE
from leadflow.ingest.formats.zoho import ZOHO

__all__ = [
    "FORMATS",
    "IGNORE",
    "Layout",
    "UnknownColumns",
    "build_layout",
    "get_format",
    "id_system",
]

FORMATS: Mapping[str, Layout] = MappingProxyType(
    {
        layout.name: layout
        for layout in (
            HUBSPOT,
            SALESFORCE,
            MARKETO,
            ODOO,
            MAUTIC,
            PIPEDRIVE,
            DYNAMICS,
            ZOHO,
            PARDOT,
            GENERIC,
        )
    }
)


def get_format(name: str) -> Layout:
    """A built-in layout by name; ValueError naming the choices otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown format {name!r}; choose one of {choices}") from None


def id_system(name: str) -> str:
    """The system whose ids a format's file holds (``hubspot``, ``salesforce`` ...; an
    account's ids are kept per system): its contacts' id namespace, else ``generic``.
    ValueError naming the formats for an unknown one."""
    return id_system_of(get_format(name))
