"""Account (company) rows from any CRM export: header aliases, validation, normalisation.

Firmographics are what persona fit is mostly about (industry, size, revenue, country),
and CRMs export companies apart from contacts: HubSpot's company export, Salesforce's
account export, the demo world's ``accounts.csv``. One alias table covers them all;
headers are matched case- and punctuation-insensitively.

    field       headers recognised
    external_id account_id, id, record id, company id, account id (the id in the CRM the
                file comes from, ``system``: a Salesforce id in its 18-character form;
                one Excel shortened is refused, ``excel_ids``)
    name        name, company name, account name, company
    domain      domain, company domain name, website (scheme, www. and path removed)
    industry    industry (stored in snake_case: "Computer Software" -> computer_software)
    employees   employees, number of employees, numberofemployees (a range: its lower end)
    revenue     revenue, annual revenue, annualrevenue, annual_revenue_eur (currency
                signs, thousands separators and magnitudes such as 2.5M understood)
    country     country, country/region, billing country, billingcountry (to ISO alpha-2)
    owner       owner, owner_rep_id, company owner, account owner, ownerid

Other columns are kept as the account's attributes, under the snake_case of their header.
An ``AccountMapping`` (``accounts_mapping.py``) names other headers, columns to ignore,
value translations and empty words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from leadflow.ingest.countries import country_code, fold
from leadflow.ingest.excel_ids import whole_id
from leadflow.ingest.normalise import (
    InvalidValueError,
    industry_key,
    parse_amount,
    parse_integer,
    snake_case,
    trimmed,
    website_domain,
)
from leadflow.ingest.salesforce_ids import NAMESPACE as SALESFORCE
from leadflow.ingest.salesforce_ids import salesforce_id
from leadflow.ingest.table import duplicate_headers, overflow

__all__ = [
    "ACCOUNT_FIELDS",
    "GENERIC",
    "IGNORED",
    "AccountMapping",
    "AccountRecord",
    "AccountRowError",
    "account_columns",
    "header_key",
    "read_account",
]

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
ACCOUNT_FIELDS: tuple[str, ...] = tuple(_ALIASES)
# The system of ids a file names no CRM for (``--format generic``, the demo world's).
GENERIC = "generic"
# The field of a column a mapping says to ignore: neither a field nor an attribute.
IGNORED = ""
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class AccountMapping:
    """What a mapping file adds to the alias table (see ``accounts_mapping.py``)."""

    columns: Mapping[str, str] = field(default_factory=dict)  # header key -> field or IGNORED
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> folded
    empty_words: frozenset[str] = frozenset()  # case-folded cells meaning "no value"

    def read(self, name: str, raw: str) -> str | None:
        """The stripped cell as the mapping reads it: None for an empty word or a value
        mapped to ""."""
        if raw.casefold() in self.empty_words:
            return None
        table = self.values.get(name)
        if table is None:
            return raw
        new = table.get(fold(raw))
        return raw if new is None else (new or None)


_NO_MAPPING = AccountMapping()
_N = TypeVar("_N", int, float)


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


def header_key(header: str) -> str:
    """A header as the alias table and mapping files compare it (case, accents and
    punctuation ignored)."""
    return " ".join(_NOT_WORD.sub(" ", fold(header)).split())


def account_columns(header: Sequence[str], mapping: AccountMapping = _NO_MAPPING) -> dict[str, int]:
    """Which column holds which field: the mapping's columns first, then the aliases for
    the headers it does not name; the first matching column wins. Columns the mapping
    ignores are listed under ``ignored:<index>`` (neither a field nor an attribute)."""
    found: dict[str, int] = {}
    keys = [header_key(title) for title in header]
    for index, key in enumerate(keys):
        mapped = mapping.columns.get(key)
        if mapped == IGNORED:
            found[f"ignored:{index}"] = index
        elif mapped is not None:
            found.setdefault(mapped, index)
    for index, key in enumerate(keys):
        if key in mapping.columns:
            continue
        for name, aliases in _ALIASES.items():
            if key in aliases and name not in found:
                found[name] = index
    if "domain" not in found and "name" not in found:
        raise AccountRowError("the header has neither a domain nor a company name column")
    return found


def read_account(
    header: Sequence[str],
    columns: Mapping[str, int],
    cells: Sequence[str],
    mapping: AccountMapping = _NO_MAPPING,
    system: str = GENERIC,
) -> AccountRecord:
    """One row as a validated record, its id as ``system`` writes it (a Salesforce id
    in its 18-character form); AccountRowError says what is wrong with it."""
    too_wide = overflow(cells, len(header))
    if too_wide is not None:
        raise AccountRowError(too_wide)

    def cell(name: str) -> str | None:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return None
        raw = trimmed(cells[index])
        return mapping.read(name, raw) if raw else None

    used = frozenset(columns.values())
    keys = attribute_keys(tuple(header), used)
    extra = {
        keys[i]: trimmed(cells[i])
        for i in range(min(len(cells), len(header)))
        if i not in used
        and header[i]
        and trimmed(cells[i])
        and trimmed(cells[i]).casefold() not in mapping.empty_words
    }
    record = AccountRecord(
        external_id=_record_id(cell("external_id"), system),
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


def repeated_header_notes(header: Sequence[str], columns: Mapping[str, int]) -> list[str]:
    """A header written twice (or twice the same once compared as headers are): refused
    (AccountRowError) when one of its columns is read as a field, since which one is
    meant cannot be told; else a note for the user (both are kept as attributes, or both
    ignored by the mapping)."""
    read = {index: name for name, index in columns.items() if not name.startswith("ignored:")}
    ignored = {index for name, index in columns.items() if name.startswith("ignored:")}
    keys = attribute_keys(tuple(header), frozenset(columns.values()))
    notes = []
    for repeated in duplicate_headers(header, header_key):
        fields = [read[index] for index in repeated.positions if index in read]
        if fields:
            raise AccountRowError(repeated.refused(f"the field {fields[0]!r}"))
        if set(repeated.positions) <= ignored:
            notes.append(repeated.noted("the mapping ignores it, so nothing is lost"))
        else:
            kept = ", ".join(keys[index] for index in repeated.positions)
            notes.append(repeated.noted(f"it is no field: kept as attributes {kept}"))
    return notes


@functools.lru_cache(maxsize=8)
def attribute_keys(header: tuple[str, ...], used: frozenset[int]) -> tuple[str, ...]:
    """Each column's attribute key, unique among the columns no field reads (``used``
    are skipped, ""): a repeated header's later columns get ``_2``, ``_3`` (as the
    contact import names them), so no cell overwrites another's. Remembered per header:
    every row of a file asks."""
    taken: set[str] = set()
    keys = []
    for index, text in enumerate(header):
        if index in used:
            keys.append("")
            continue
        key = candidate = _attribute_key(text)
        number = 2
        while candidate in taken:
            candidate, number = f"{key}_{number}", number + 1
        taken.add(candidate)
        keys.append(candidate)
    return tuple(keys)


def _attribute_key(header: str) -> str:
    """An unknown column's attribute key, as the contact import makes it (``Favourite
    Colour`` -> ``favourite_colour``), so a definition can read ``account.favourite_colour``;
    a field's own name gets ``_raw``."""
    key = snake_case(header) or "column"
    return f"{key}_raw" if key in _ALIASES else key


def _record_id(text: str | None, system: str) -> str | None:
    """The company's id in its CRM, unless a spreadsheet shortened it (``excel_ids``);
    Salesforce's in one form, so a report's 15 characters and Data Loader's 18 match."""
    if text is None:
        return None
    try:
        whole = whole_id(text)
        return salesforce_id(whole) if system == SALESFORCE else whole
    except InvalidValueError as error:
        raise AccountRowError(f"id {error}") from None


def _domain(text: str | None) -> str | None:
    """The domain as the contact import writes a company's (``website_domain``): contacts
    link to accounts by it, so an internationalised one (``müller.de``) must match too."""
    if text is None:
        return None
    try:
        return website_domain(text)
    except InvalidValueError:
        raise AccountRowError(f"domain {text!r} is not a domain name") from None


def _industry(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return industry_key(text)
    except InvalidValueError:  # punctuation only: no industry named
        return None


def _whole(text: str | None, name: str) -> int | None:
    """Employees as the contact import reads them: ``1.200``, ``1,200``, a range ``51-200``
    (its lower end)."""
    if text is None:
        return None
    try:
        number = parse_integer(text)
    except InvalidValueError as error:
        raise AccountRowError(f"{name} {error}") from None
    return _not_negative(number, text, name)


def _amount(text: str | None, name: str) -> float | None:
    """Revenue as the contact import reads it: ``€ 5,000,000``, ``1.234.567,89``, ``2.5M``."""
    if text is None:
        return None
    try:
        number = parse_amount(text)
    except InvalidValueError as error:
        raise AccountRowError(f"{name} {error}") from None
    return _not_negative(number, text, name)


def _not_negative(number: _N, text: str, name: str) -> _N:
    if number < 0:
        raise AccountRowError(f"{name} {text!r} is negative")
    return number


def _country(text: str | None) -> str | None:
    if text is None:
        return None
    code = country_code(text)
    if code is None:
        raise AccountRowError(f"country {text!r} is not a country we know")
    return code
