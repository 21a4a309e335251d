"""What an imported record changes on a stored contact or account (pure decisions).

Contacts: the row is the newest word on the person, so every value it gives replaces
the stored one, except where replacing would lose something:

    external_id   kept once set (a contact imported from HubSpot keeps its HubSpot id
                  when a Salesforce export names it too)
    identity      only raised (known -> confirmed), never lowered
    purchased     only set (a purchased origin stays visible forever)
    created_at    only moved earlier (the person has been known since the earliest date)
    attributes    merged key by key; a key the row does not give is kept

An empty cell never reaches here (it is "not given"), so an import never erases.

Accounts: many contacts describe one company, often differently ("Acme BV", "Acme
B.V."); an import therefore only *fills* an account's empty fields, first row first,
and never overwrites. Otherwise the same file imported twice would rename the account
back and forth.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from leadflow.domain.vocabulary import Identity
from leadflow.ingest.record import ContactRecord

__all__ = ["SOURCE_ATTRIBUTE", "account_fills", "contact_changes", "fold_record", "new_contact"]

# The attribute naming the system a contact was first imported from (survivorship).
SOURCE_ATTRIBUTE = "source_system"
_IDENTITY_RANK = {level.value: level.rank for level in Identity}
_KNOWN = Identity.KNOWN.value  # read once: an enum member's value costs a descriptor call


def new_contact(
    record: ContactRecord, account_id: int | None, source: str, now: datetime
) -> dict[str, object]:
    """The column values of a contact created from ``record``."""
    values: dict[str, object] = {"identity": _KNOWN, "purchased": False}
    values.update(record.contact)
    values.setdefault("created_at", now)
    values["updated_at"] = now
    values["account_id"] = account_id
    values["attributes"] = {SOURCE_ATTRIBUTE: source, **record.attributes}
    return values


def contact_changes(
    stored: Mapping[str, object], record: ContactRecord, account_id: int | None
) -> dict[str, object]:
    """Columns to update on ``stored`` (a contact row as a mapping); empty: nothing changes."""
    changes: dict[str, object] = {}
    for name, value in record.contact.items():
        current = stored.get(name)
        if value != current and _replaces(name, current, value):
            changes[name] = value
    if account_id is not None and stored.get("account_id") != account_id:
        changes["account_id"] = account_id
    attributes = stored.get("attributes")
    current = dict(attributes) if isinstance(attributes, Mapping) else {}
    if any(current.get(key) != value for key, value in record.attributes.items()):
        changes["attributes"] = {**current, **record.attributes}
    return changes


def _replaces(name: str, current: object, value: object) -> bool:
    if name == "external_id":
        return current is None
    if name == "identity":
        return _IDENTITY_RANK.get(str(value), 0) > _IDENTITY_RANK.get(str(current), 0)
    if name == "purchased":
        return value is True
    if name == "created_at":
        return current is None or (
            isinstance(value, datetime) and isinstance(current, datetime) and value < current
        )
    return True


def account_fills(stored: Mapping[str, object], facts: Mapping[str, object]) -> dict[str, object]:
    """Account columns to fill: those ``facts`` gives and ``stored`` lacks."""
    return {
        name: value
        for name, value in facts.items()
        if name != "domain" and stored.get(name) in (None, "")
    }


def fold_record(into: ContactRecord, later: ContactRecord) -> None:
    """Fold a later row about the same person into an earlier one: later values win."""
    for name, value in later.contact.items():
        if _replaces(name, into.contact.get(name), value) or name not in into.contact:
            into.contact[name] = value
    into.attributes.update(later.attributes)
    for name, value in later.account.items():
        into.account.setdefault(name, value)
    into.consents.extend(later.consents)
    if later.changed_at is not None:
        into.changed_at = later.changed_at
