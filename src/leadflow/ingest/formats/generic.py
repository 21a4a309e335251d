"""leadflow's own column names, as the layout ``generic``.

The headers are the field names of ``leadflow.ingest.fields`` (``email``,
``first_name``, ``utm_campaign``, ``email_consent`` ...), plus ``contact_id`` and
``account_id``: exactly what ``leadflow demo`` writes in contacts.csv. External ids
are stored without a prefix: they are leadflow's own.
"""

from __future__ import annotations

from leadflow.ingest.fields import FIELDS
from leadflow.ingest.formats.layout import build_layout

__all__ = ["GENERIC", "HEADERS"]

HEADERS: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in FIELDS},
    "external_id": ("external_id", "contact_id"),
    "account_ref": ("account_ref", "account_id"),
}

GENERIC = build_layout(
    "generic", "leadflow's own snake_case column names (what `leadflow demo` writes)", HEADERS
)
