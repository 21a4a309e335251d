"""Accounts (companies) through the API: create, read, update, list by industry or country.

An account's domain is its identity, as an e-mail is a contact's: it is normalised
(``https://www.Acme.com`` -> ``acme.com``) and unique. Its ids in the CRMs it was
imported from (``external_ids``) are read-only here: the accounts import writes them.

Its industry is stored as the accounts import stores it, in the fit rules' words
(``Computer Software`` -> ``computer_software``, ``ingest.normalise.industry_key``). Its
size and revenue may come as numbers or as people write them, and are read as
``leadflow import accounts`` reads them (``ingest.normalise``): ``"51-200"`` is 51,
``"1.000+"`` 1000, ``"2,5 Mio. €"`` and ``"2.500.000"`` 2500000. A value that is no
size or revenue is refused naming the field, never stored as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.ingest.countries import country_code
from leadflow.ingest.normalise import (
    InvalidValueError,
    industry_key,
    parse_amount,
    parse_integer,
    website_domain,
)
from leadflow.services.refusals import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TakenError,
)
from leadflow.store.models import Account, AccountExternalId

__all__ = [
    "ACCOUNT_FIELDS",
    "MOST_EMPLOYEES",
    "MOST_REVENUE",
    "create_account",
    "external_ids",
    "get_account",
    "list_accounts",
    "update_account",
]

ACCOUNT_FIELDS: tuple[str, ...] = ("name", "domain", "industry", "employees", "revenue", "country")
_N = TypeVar("_N", int, float)

# No company comes near these: a larger figure is a typo (a revenue in the employees field).
MOST_EMPLOYEES = 10_000_000
MOST_REVENUE = 1e15


def create_account(session: Session, values: Mapping[str, Any], now: datetime) -> Account:
    account = Account(created_at=now, updated_at=now, attributes={})
    _apply(account, _normalised(values))
    session.add(account)
    _commit(session, account)
    return account


def update_account(
    session: Session, account_id: int, values: Mapping[str, Any], now: datetime
) -> Account:
    account = get_account(session, account_id)
    _apply(account, _normalised(values))
    account.updated_at = now
    _commit(session, account)
    return account


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"no account with id {account_id}")
    return account


def list_accounts(
    session: Session,
    *,
    industry: str | None,
    country: str | None,
    after: int | None,
    limit: int,
) -> list[Account]:
    query = select(Account).order_by(Account.id).limit(limit)
    if industry is not None:
        query = query.where(Account.industry.in_(_industries(industry)))
    if country is not None:
        query = query.where(Account.country == _country(country))
    if after is not None:
        query = query.where(Account.id > after)
    return list(session.scalars(query))


def external_ids(session: Session, account_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Each account's ids per CRM ({system: id}); an account without any is absent."""
    found: dict[int, dict[str, str]] = {}
    if not account_ids:
        return found
    query = (
        select(
            AccountExternalId.account_id, AccountExternalId.system, AccountExternalId.external_id
        )
        .where(AccountExternalId.account_id.in_(sorted(set(account_ids))))
        .order_by(AccountExternalId.system)
    )
    for account_id, system, external_id in session.execute(query):
        found.setdefault(account_id, {})[system] = external_id
    return found


def _normalised(values: Mapping[str, Any]) -> dict[str, Any]:
    clean = {key: value for key, value in values.items() if value is not None}
    try:
        if "domain" in clean:
            clean["domain"] = website_domain(str(clean["domain"]))
    except ValueError as error:  # ingest's InvalidValueError: one line saying why
        raise InvalidInputError(str(error), field="domain") from None
    if "country" in clean:
        clean["country"] = _country(str(clean["country"]))
    if "industry" in clean:  # as the accounts import stores it: the fit rules' words
        clean["industry"] = _industry(str(clean["industry"]))
    if "employees" in clean:
        clean["employees"] = _figure("employees", clean["employees"], parse_integer, MOST_EMPLOYEES)
    if "revenue" in clean:
        clean["revenue"] = float(_figure("revenue", clean["revenue"], parse_amount, MOST_REVENUE))
    return clean


def _figure(name: str, value: _N | str, parse: Callable[[str], _N], most: float) -> _N:
    """A size or revenue sent as a number, or as text read as the accounts import reads
    it (``ingest.accounts``: the same parsers), within what a company can have."""
    if isinstance(value, str):
        try:
            number = parse(value)
        except InvalidValueError as error:
            raise InvalidInputError(f"{name}: {error}", field=name) from None
    else:
        number = value
    if number < 0:
        raise InvalidInputError(f"{name}: {value!r} is negative", field=name)
    if number > most:
        raise InvalidInputError(f"{name}: {value!r} is more than {most:.0f}", field=name)
    return number


def _industries(text: str) -> list[str]:
    """An industry as typed finds it as imports store it (``Computer Software`` is
    ``computer_software``), and as typed for an account the API stored so before."""
    return sorted({_industry(text), text.strip()})


def _industry(text: str) -> str:
    try:
        return industry_key(text)
    except InvalidValueError as error:
        raise InvalidInputError(f"industry: {error}", field="industry") from None


def _country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise InvalidInputError(
            f"country {text!r} is not a country name or ISO code", field="country"
        )
    return code


def _apply(account: Account, clean: Mapping[str, Any]) -> None:
    for name in ACCOUNT_FIELDS:
        if name in clean:
            setattr(account, name, clean[name])
    extra = clean.get("attributes")
    if extra:
        account.attributes = {**account.attributes, **extra}


def _commit(session: Session, account: Account) -> None:
    domain = account.domain  # as asked: the rollback reloads the account as it was
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        holder = session.scalar(select(Account.id).where(Account.domain == domain))
        refusal = f"another account already has the domain {domain!r}"
        if holder is None:  # not the domain after all (or gone since): say no more
            raise ConflictError(refusal) from None
        raise TakenError(refusal, holder_id=holder) from None
