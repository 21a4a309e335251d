"""What a web form says about the person's company: the ``account.<field>`` targets.

A demo or trial form asks for the company's size and industry more often than not, and
fit rules read them as ``account.employees`` and ``account.industry``. So a form's
company values go where an import puts them: on the account of the e-mail's company
domain, found or created (named after the form's ``account.name``, else the contact's
``company``, else the domain), and the contact joins it.

A form fills only what the account does not hold yet: one visitor's "11-50" must not
overwrite what a CRM import, or a colleague's earlier post, said about their employer.
With a free-mail address there is no company to write to, and the values stay on the
contact (``contact.employees`` ...), as a contact import keeps them. A value the form
cannot read (``"a few"``, a country nobody has) is kept on the contact as typed: a
visitor's odd answer is never a reason to lose the lead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.ingest.countries import country_code
from leadflow.ingest.normalise import (
    InvalidValueError,
    clean_text,
    industry_key,
    parse_amount,
    parse_integer,
)
from leadflow.store.models import Account, Contact

__all__ = ["ACCOUNT_PREFIX", "ACCOUNT_TARGETS", "fill_account"]

ACCOUNT_PREFIX = "account."
_READERS: Mapping[str, Callable[[str], object]] = {
    "name": clean_text,
    "industry": industry_key,  # as imports store it: fit rules name snake_case words
    "employees": parse_integer,
    "revenue": parse_amount,
    "country": country_code,
}
ACCOUNT_TARGETS: frozenset[str] = frozenset(ACCOUNT_PREFIX + name for name in _READERS)
# An account's columns hold at most this much text (store/models/people.py).
_LONGEST = {"name": 300, "industry": 200}


def fill_account(
    session: Session, contact: Contact, given: Mapping[str, str], now: datetime
) -> None:
    """Write the form's company values (``{"employees": "11-50", ...}``, as posted) to
    the contact's account, or to the contact itself when it has no company domain."""
    if not given:
        return
    read, unread = _read(given)
    account = _account_of(session, contact, read.get("name"), now)
    if account is None:
        read.pop("name", None)  # the contact's own `company` says it, if anything
        _keep_on_contact(contact, {**read, **unread}, now)
        return
    for field, value in read.items():
        if getattr(account, field) is None:
            setattr(account, field, value)
            account.updated_at = now
    _keep_on_contact(contact, unread, now)


def _read(given: Mapping[str, str]) -> tuple[dict[str, object], dict[str, object]]:
    read: dict[str, object] = {}
    unread: dict[str, object] = {}
    for field, text in given.items():
        try:
            value = _READERS[field](text)
        except InvalidValueError:
            value = None
        if _usable(field, value):
            read[field] = value
        else:
            unread[field] = text
    return read, unread


def _usable(field: str, value: object) -> bool:
    """Read, not empty, not negative (a head count of "-5"), and fits its column."""
    if value is None or value == "":
        return False
    if isinstance(value, int | float):
        return value >= 0
    return not (isinstance(value, str) and len(value) > _LONGEST.get(field, len(value)))


def _account_of(session: Session, contact: Contact, name: object, now: datetime) -> Account | None:
    """The contact's account: the one it belongs to, else its company domain's (created
    when nobody has it yet); None without a company domain (free mail)."""
    if contact.account_id is not None:
        return session.get(Account, contact.account_id)
    if not contact.domain:
        return None
    account = _by_domain(session, contact.domain)
    if account is None:
        account = _created(session, contact, name, now)
    contact.account_id = account.id
    return account


def _by_domain(session: Session, domain: str) -> Account | None:
    return session.scalar(select(Account).where(Account.domain == domain))


def _created(session: Session, contact: Contact, name: object, now: datetime) -> Account:
    assert contact.domain is not None  # only a company domain gets an account
    label = name if isinstance(name, str) else (contact.company or contact.domain)
    account = Account(
        name=label[: _LONGEST["name"]],
        domain=contact.domain,
        created_at=now,
        updated_at=now,
        attributes={},
    )
    try:
        with session.begin_nested():  # two posts from one new company at once
            session.add(account)
    except IntegrityError:
        found = _by_domain(session, contact.domain)
        assert found is not None  # the other post created it
        return found
    return account


def _keep_on_contact(contact: Contact, values: Mapping[str, object], now: datetime) -> None:
    if not values:
        return
    contact.attributes = {**(contact.attributes or {}), **values}  # a new dict: JSON change
    contact.updated_at = now
