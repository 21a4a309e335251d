"""The fields a column of a deal (opportunity) export can be mapped to.

A deal format (built in or a mapping file) maps headers to these names; the
``generic`` deal format's headers are these names themselves. ``DEAL_FIELDS`` is the
single list: the reader, the mapping-file validator and docs/importing.md read it (a
test checks the documentation lists every field).

    the deal      external_id (required), name, owner, product, pipeline
    its outcome   status (open/won/lost), stage (the CRM's stage; its closed stages
                  tell won or lost), won and closed (yes/no flags), lost_reason,
                  won_reason
    its money     amount, currency (ISO 4217)
    its dates     created_at, closed_at (the close date: when it was won or lost, the
                  expected one while open), expected_close
    its links     contact_email, contact_ref (the CRM's contact id), account_ref (the
                  CRM's account id), account_domain, account_name
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["DEAL_FIELDS", "DEAL_STATUSES", "LINK_FIELDS", "OUTCOME_FIELDS", "DealField", "DealKind"]


class DealKind(StrEnum):
    """How a cell is read (see ``leadflow.ingest.deals``)."""

    TEXT = "text"
    EMAIL = "email"
    AMOUNT = "amount"
    CURRENCY = "currency"
    BOOLEAN = "boolean"
    INSTANT = "instant"
    STATUS = "status"
    STAGE = "stage"
    DOMAIN = "domain"


@dataclass(frozen=True, slots=True)
class DealField:
    name: str
    kind: DealKind
    help: str


# What an imported deal is, in leadflow's words (``opportunities.status``).
DEAL_STATUSES: tuple[str, ...] = ("open", "won", "lost")

_K = DealKind
_ALL: tuple[DealField, ...] = (
    DealField("external_id", _K.TEXT, "the deal's id in the CRM (required; the import's key)"),
    DealField("name", _K.TEXT, "the deal's name"),
    DealField("status", _K.STATUS, "open, won or lost (Pipedrive's status; a mapping's words)"),
    DealField("stage", _K.STAGE, "the CRM's deal stage; a closed stage says won or lost"),
    DealField("won", _K.BOOLEAN, "yes: the deal was won (Salesforce's IsWon)"),
    DealField("closed", _K.BOOLEAN, "yes: the deal is closed, won or lost (IsClosed)"),
    DealField("amount", _K.AMOUNT, "the deal's value (decimal comma or point)"),
    DealField("currency", _K.CURRENCY, "ISO 4217 code of the amount (EUR, USD)"),
    DealField("created_at", _K.INSTANT, "when the deal was created in the CRM"),
    DealField("closed_at", _K.INSTANT, "close date: when it was won or lost (expected, if open)"),
    DealField("expected_close", _K.INSTANT, "expected close date of an open deal"),
    DealField("owner", _K.TEXT, "the deal's owner (a rep's name or id in the CRM)"),
    DealField("lost_reason", _K.TEXT, "why the deal was lost"),
    DealField("won_reason", _K.TEXT, "why the deal was won"),
    DealField("product", _K.TEXT, "the product sold"),
    DealField("pipeline", _K.TEXT, "the CRM's pipeline (read, not stored)"),
    DealField("contact_email", _K.EMAIL, "e-mail of the deal's person"),
    DealField(
        "contact_ref",
        _K.TEXT,
        "the CRM's id of the deal's person (as the contact import stored it)",
    ),
    DealField(
        "account_ref",
        _K.TEXT,
        "the CRM's id of the deal's company (as the accounts import stored it)",
    ),
    DealField("account_domain", _K.DOMAIN, "the company's domain or website"),
    DealField(
        "account_name",
        _K.TEXT,
        "the company's name (compared without case, punctuation or legal form)",
    ),
)

DEAL_FIELDS: Mapping[str, DealField] = MappingProxyType({f.name: f for f in _ALL})
# A deal links to a person, a company, or both: a header needs one of these.
LINK_FIELDS: tuple[str, ...] = (
    "contact_email",
    "contact_ref",
    "account_ref",
    "account_domain",
    "account_name",
)
# How a header says whether a deal is open, won or lost: it needs one of these.
OUTCOME_FIELDS: tuple[str, ...] = ("status", "stage", "won", "closed")
