"""Mautic's contact export, as the layout ``mautic``.

Mautic writes each contact field's *alias* as the header: the core fields are
``title`` (the salutation, not the job title), ``firstname``, ``lastname``,
``company``, ``position``, ``email``, ``mobile``, ``phone``, ``points``, ``fax``,
``address1``, ``address2``, ``city``, ``state``, ``zipcode``, ``country``,
``preferred_locale``, ``timezone``, ``last_active``, ``attribution_date``,
``attribution``, ``website`` and the social profiles, after the contact ``id``.
Mautic stages are named by each team; common names (Lead, MQL, SQL, Customer ...)
map through the general synonyms and others are kept.

Mautic's own import also accepts ``stage``, ``tags``, ``owner``, ``dateAdded`` /
``date_added``, ``dateModified`` and ``doNotEmail``; they are understood here as well.
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import build_layout

__all__ = ["HEADERS", "MAUTIC", "VALUES"]

HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("id",),
    "salutation": ("title",),
    "first_name": ("firstname",),
    "last_name": ("lastname",),
    "company": ("company",),
    "title": ("position",),
    "email": ("email",),
    "mobile_phone": ("mobile",),
    "phone": ("phone",),
    "score": ("points",),
    "city": ("city",),
    "state": ("state",),
    "country": ("country",),
    "website": ("website",),
    "lifecycle_stage": ("stage",),
    "tags": ("tags",),
    "owner": ("owner", "owner_id"),
    "created_at": ("date_added", "dateAdded"),
    "updated_at": ("date_modified", "dateModified"),
    "email_opt_out": ("doNotEmail", "do_not_email", "dnc"),
}

VALUES: dict[str, dict[str, str]] = {}

MAUTIC = build_layout(
    "mautic", "Mautic contact export (field aliases)", HEADERS, VALUES, id_namespace="mautic"
)
