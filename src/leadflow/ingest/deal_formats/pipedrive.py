"""Pipedrive's deal export (Deals > Export), as the deal format ``pipedrive``.

Every header is "``Deal - `` + the field's label" (``Deal - Title``, ``Deal - Status``);
exports made more recently drop the prefix. The deal's ``Status`` is ``open``, ``won``
or ``lost`` (Pipedrive's own values, in every interface language); its ``Stage`` is the
pipeline stage, kept as written while open. The person and organization are named
(``Deal - Contact person``, ``Deal - Organization``) and, where the export has them,
by id (``Deal - Contact person ID``, ``Deal - Organization ID``: a person imported from
Pipedrive is ``pipedrive:<ID>``). A deals export may carry the person's columns
(``Person - Email - Work``): the first e-mail found is the deal's person.
"""

from __future__ import annotations

from leadflow.ingest.deal_formats.fields import DEAL_FIELDS
from leadflow.ingest.formats.layout import IGNORE, build_layout

__all__ = ["HEADERS", "PIPEDRIVE_DEALS"]


def _deal(*labels: str) -> tuple[str, ...]:
    """A field's headers: "Deal - <label>" and the bare label."""
    return tuple(f"Deal - {label}" for label in labels) + labels


HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": _deal("ID"),
    "name": _deal("Title"),
    "status": _deal("Status"),
    "stage": _deal("Stage"),
    "pipeline": _deal("Pipeline"),
    "amount": _deal("Value"),
    "currency": _deal("Currency", "Currency of value"),
    "created_at": _deal("Deal created"),
    "closed_at": _deal("Deal closed on", "Won time", "Lost time"),
    "expected_close": _deal("Expected close date"),
    "owner": _deal("Owner"),
    "lost_reason": _deal("Lost reason"),
    "product": _deal("Product name"),
    "contact_ref": _deal("Contact person ID"),
    "contact_email": (
        "Person - Email - Work",
        "Person - Email - Home",
        "Person - Email - Other",
    ),
    "account_ref": _deal("Organization ID"),
    "account_name": _deal("Organization"),
    # The person's name: two people may share one, so it links nobody (the id does).
    IGNORE: _deal("Contact person"),
}

PIPEDRIVE_DEALS = build_layout(
    "pipedrive",
    'Pipedrive deal export ("Deal - <field>" or bare labels)',
    HEADERS,
    id_namespace="pipedrive",
    fields=DEAL_FIELDS,
    common_columns={},
)
