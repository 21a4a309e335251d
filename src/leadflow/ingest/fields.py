"""The fields a column can be mapped to, and where each one ends up.

A format (built in or a mapping file) maps column headers to these names; the
``generic`` format's headers are these names themselves. ``FIELDS`` is the single
list: the converter, the mapping-file validator and docs/importing.md all read it
(a test checks the documentation lists every field).

Where a value goes (``Target``):

    contact    a column of the contact (filterable; ``contact.<name>`` in definitions)
    attribute  the contact's ``attributes`` document (also ``contact.<name>``)
    account    the company (found or created by its domain)
    consent    a consent claim for the e-mail or phone channel
    derived    read to compute other values (full_name, website ...), not stored as is
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CONSENT_STATUSES",
    "FIELDS",
    "LEAD_STATUSES",
    "LIFECYCLE_STAGES",
    "Field",
    "Kind",
    "Target",
]


class Kind(StrEnum):
    """How a cell is normalised (see ``leadflow.ingest.normalise``)."""

    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    WEBSITE = "website"
    INTEGER = "integer"
    AMOUNT = "amount"
    BOOLEAN = "boolean"
    INSTANT = "instant"
    UTM = "utm"
    CHANNEL = "channel"
    SENIORITY = "seniority"
    STAGE = "stage"
    STATUS = "status"
    CONSENT = "consent"
    BOUNCE = "bounce"


class Target(StrEnum):
    CONTACT = "contact"
    ATTRIBUTE = "attribute"
    ACCOUNT = "account"
    CONSENT = "consent"
    DERIVED = "derived"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    target: Target
    # The column or attribute written (contact/account column, attribute key).
    column: str
    help: str


# leadflow's own words for a CRM lifecycle stage and a lead (sales) status; the
# built-in formats translate each CRM's values (HubSpot's, Odoo's stages ...) to these.
LIFECYCLE_STAGES: tuple[str, ...] = (
    "subscriber",
    "lead",
    "mql",
    "sql",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUSES: tuple[str, ...] = (
    "new",
    "attempting",
    "working",
    "nurture",
    "qualified",
    "converted",
    "unqualified",
)
# ``none`` says "no consent on file": it revokes a grant, and records nothing otherwise.
CONSENT_STATUSES: tuple[str, ...] = ("granted", "confirmed", "withdrawn", "bounced", "none")


def _field(name: str, kind: Kind, target: Target, help: str, column: str | None = None) -> Field:
    return Field(name, kind, target, column or name, help)


_K, _T = Kind, Target
_ALL: tuple[Field, ...] = (
    _field("external_id", _K.TEXT, _T.CONTACT, "the record's id in the source CRM"),
    _field("email", _K.EMAIL, _T.CONTACT, "e-mail address; the identity of a person"),
    _field("first_name", _K.TEXT, _T.CONTACT, "given name"),
    _field("last_name", _K.TEXT, _T.CONTACT, "family name"),
    _field("full_name", _K.TEXT, _T.DERIVED, "split into first and last name when absent"),
    _field("phone", _K.PHONE, _T.CONTACT, "phone number, stored in E.164"),
    _field("mobile_phone", _K.PHONE, _T.ATTRIBUTE, "mobile number, E.164; phone if none"),
    _field("phone_extension", _K.TEXT, _T.ATTRIBUTE, "extension reached after the phone"),
    _field("salutation", _K.TEXT, _T.ATTRIBUTE, "Mr, Ms, Dr ... (not the job title)"),
    _field("title", _K.TEXT, _T.CONTACT, "job title"),
    _field("seniority", _K.SENIORITY, _T.CONTACT, "seniority (e.g. c_level, director)"),
    _field("department", _K.TEXT, _T.CONTACT, "department or job function"),
    _field("country", _K.COUNTRY, _T.CONTACT, "country, stored as ISO 3166-1 alpha-2"),
    _field("city", _K.TEXT, _T.ATTRIBUTE, "city"),
    _field("state", _K.TEXT, _T.ATTRIBUTE, "state, province or region"),
    _field("company", _K.TEXT, _T.CONTACT, "company name as the person gave it"),
    _field("website", _K.WEBSITE, _T.DERIVED, "company website; gives the company domain"),
    _field("account_ref", _K.TEXT, _T.ATTRIBUTE, "the company's id in the source"),
    _field("industry", _K.TEXT, _T.ACCOUNT, "the company's industry"),
    _field("employees", _K.INTEGER, _T.ACCOUNT, "number of employees (a range: lower end)"),
    _field("revenue", _K.AMOUNT, _T.ACCOUNT, "annual revenue (currency symbols ignored)"),
    _field("company_country", _K.COUNTRY, _T.ACCOUNT, "the company's country", "country"),
    _field("channel", _K.CHANNEL, _T.CONTACT, "acquisition channel", "source_channel"),
    _field("source_detail", _K.TEXT, _T.ATTRIBUTE, "drill-down of the original source"),
    _field("utm_source", _K.UTM, _T.ATTRIBUTE, "utm_source of the first visit"),
    _field("utm_medium", _K.UTM, _T.CONTACT, "utm_medium", "source_medium"),
    _field("utm_campaign", _K.UTM, _T.CONTACT, "utm_campaign", "source_campaign"),
    _field("purchased", _K.BOOLEAN, _T.CONTACT, "bought from a lead vendor (MSRL)"),
    _field("vendor", _K.TEXT, _T.CONTACT, "the lead vendor of a purchased contact"),
    _field("owner", _K.TEXT, _T.CONTACT, "the sales rep who owns the record"),
    _field("lifecycle_stage", _K.STAGE, _T.ATTRIBUTE, "CRM lifecycle stage (leadflow's words)"),
    _field("lead_status", _K.STATUS, _T.ATTRIBUTE, "CRM lead status (leadflow's words)"),
    _field("score", _K.AMOUNT, _T.ATTRIBUTE, "the source's own score or points"),
    _field("tags", _K.TEXT, _T.ATTRIBUTE, "tags or segments, as written"),
    _field("created_at", _K.INSTANT, _T.CONTACT, "when the source first knew the person"),
    _field("updated_at", _K.INSTANT, _T.DERIVED, "when the source record last changed"),
    _field("email_consent", _K.CONSENT, _T.CONSENT, "e-mail consent status or yes/no"),
    _field("email_consent_at", _K.INSTANT, _T.CONSENT, "when the e-mail consent was given"),
    _field("email_opt_out", _K.BOOLEAN, _T.CONSENT, "yes: e-mail consent withdrawn"),
    _field("email_bounced", _K.BOUNCE, _T.CONSENT, "yes or a bounce reason: bounced"),
    _field("email_bounced_at", _K.INSTANT, _T.CONSENT, "when the address bounced"),
    _field("phone_consent", _K.CONSENT, _T.CONSENT, "phone consent status or yes/no"),
    _field("phone_consent_at", _K.INSTANT, _T.CONSENT, "when the phone consent was given"),
    _field("phone_opt_out", _K.BOOLEAN, _T.CONSENT, "yes: do not call (withdrawn)"),
)

FIELDS: Mapping[str, Field] = MappingProxyType({field.name: field for field in _ALL})
