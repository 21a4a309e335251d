"""Account (company) rows from any CRM export: header aliases, validation, normalisation.

Firmographics are what persona fit is mostly about (industry, size, revenue, country),
and CRMs export companies apart from contacts: HubSpot's company export, Salesforce's
account export, the demo world's ``accounts.csv``. One alias table covers them all;
headers are matched case- and punctuation-insensitively.

    field       headers recognised
    external_id account_id, id, record id, company id, account id
    name        name, company name, account name, company
    domain      domain, company domain name, website (scheme, www. and path removed)
    industry    industry (stored in snake_case: "Computer Software" -> computer_software)
    employees   employees, number of employees, numberofemployees
    revenue     revenue, annual revenue, annualrevenue, annual_revenue_eur
    country     country, country/region, billing country, billingcountry (to ISO alpha-2)
    owner       owner, owner_rep_id, company owner, account owner, ownerid
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadflow.ingest.countries import country_code, fold

__all__ = ["AccountRecord", "AccountRowError", "account_columns", "read_account"]

_ALIASES: Mapping[str, tuple[str, ...]] = {
    "external_id": ("account id", "id", "record id", "company id", "accountid"),
    "name": ("name", "company name", "account name", "company"),
    "domain": ("domain", "company domain name", "website"),
    "industry": ("industry",),
    "employees": ("employees", "number of employees", "numberofemployees"),
    "revenue": ("revenue", "annual revenue", "annualrevenue", "annual revenue eur"),
    "country": ("country", "country region", "billing country", "billingcountry"),
    "owner": ("owner", "owner rep id", "company owner", "account owner", "ownerid"),
}
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class AccountRowError(ValueError):
    """A row that cannot be imported; the message is the reason shown with its line."""


@dataclass(frozen=True, slots=True)
class AccountRecord:
    external_id: str | None
    name: str | None
    domain: str | None
    industry: str | None
    employees: int | None
    revenue: float | None
    country: str | None
    owner: str | None
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, kept as attributes


def _header_key(header: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(header)).split())


def account_columns(header: Sequence[str]) -> dict[str, int]:
    """Which column holds which field; the first matching column wins."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _header_key(title)
        for name, aliases in _ALIASES.items():
            if key in aliases and name not in found:
                found[name] = index
    if "domain" not in found and "name" not in found:
        raise AccountRowError("the header has neither a domain nor a company name column")
    return found


def read_account(
    header: Sequence[str], columns: Mapping[str, int], cells: Sequence[str]
) -> AccountRecord:
    """One row as a validated record; AccountRowError says what is wrong with it."""
    if len(cells) > len(header):
        raise AccountRowError(f"{len(cells)} cells, the header has {len(header)} columns")

    def cell(name: str) -> str | None:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    used = set(columns.values())
    extra = {
        header[i]: cells[i].strip()
        for i in range(len(cells))
        if i not in used and header[i] and cells[i].strip()
    }
    record = AccountRecord(
        external_id=cell("external_id"),
        name=cell("name"),
        domain=_domain(cell("domain")),
        industry=_industry(cell("industry")),
        employees=_whole(cell("employees"), "employees"),
        revenue=_amount(cell("revenue"), "revenue"),
        country=_country(cell("country")),
        owner=cell("owner"),
        extra=extra,
    )
    if record.domain is None and record.name is None:
        raise AccountRowError("neither a domain nor a company name")
    return record


def _domain(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.casefold().removeprefix("https://").removeprefix("http://")
    value = value.split("/", 1)[0].removeprefix("www.").rstrip(".")
    if not _DOMAIN.match(value):
        raise AccountRowError(f"domain {text!r} is not a domain name")
    return value


def _industry(text: str | None) -> str | None:
    if text is None:
        return None
    return "_".join(_NOT_WORD.sub(" ", fold(text)).split()) or None


def _whole(text: str | None, name: str) -> int | None:
    number = _amount(text, name)
    if number is None:
        return None
    if number != int(number):
        raise AccountRowError(f"{name} {text!r} is not a whole number")
    return int(number)


def _amount(text: str | None, name: str) -> float | None:
    if text is None:
        return None
    # Thousands separators and currency signs are common in exports ("1.200", "€ 5,000,000").
    digits = re.sub(r"[^\d.,-]", "", text)
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    try:
        value = float(digits.replace(",", "."))
    except ValueError:
        raise AccountRowError(f"{name} {text!r} is not a number") from None
    if value < 0:
        raise AccountRowError(f"{name} {text!r} is negative")
    return value


def _country(text: str | None) -> str | None:
    if text is None:
        return None
    code = country_code(text)
    if code is None:
        raise AccountRowError(f"country {text!r} is not a country we know")
    return code
