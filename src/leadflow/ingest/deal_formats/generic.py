"""leadflow's own column names for deals, as the deal format ``generic``.

The headers are the field names of ``deal_formats.fields`` (``external_id``,
``status``, ``amount`` ...), plus what ``leadflow demo`` writes in opportunities.csv
(``opportunity_id``, ``contact_id``, ``account_id``, ``rep_id``). Ids are stored without
a prefix, as the generic contact import stores its contacts' ids.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import build_layout

__all__ = ["GENERIC_DEALS", "HEADERS"]

HEADERS: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in DEAL_FIELDS},
    "external_id": ("external_id", "deal_id", "opportunity_id"),
    "contact_ref": ("contact_ref", "contact_id"),
    "account_ref": ("account_ref", "account_id"),
    "owner": ("owner", "rep_id"),
}

GENERIC_DEALS = build_layout(
    "generic",
    "leadflow's own snake_case column names (what `leadflow demo` writes)",
    HEADERS,
    fields=DEAL_FIELDS,
    common_columns={},
)
