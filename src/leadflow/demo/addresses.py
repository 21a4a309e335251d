"""How a contact is named and reached: name, job title, e-mail address, phone number.

E-mail addresses follow the habits of real companies (first.last@, f.last@, ...), private
ones use the free-mail providers of the person's country, students their university.
Phone numbers are drawn inside valid mobile ranges, so they parse as valid E.164.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.accounts import Accounts
from leadflow.demo.catalog import COUNTRIES, SENIORITIES, TITLES
from leadflow.demo.names import FIRST_NAMES, LAST_NAMES, ascii_slug, family_name
from leadflow.demo.truth import EMAIL_KIND_VALUES

__all__ = ["Details", "draw_details"]

Ints = npt.NDArray[np.int64]

_GERMAN = frozenset({"DE", "AT", "CH"})
_BY_CODE = {country.code: country for country in COUNTRIES}
_FREE_MAIL, _UNIVERSITY = (
    EMAIL_KIND_VALUES.index("free_mail"),
    EMAIL_KIND_VALUES.index("university"),
)
# Departments whose people the seller targets are met twice as often.
_DEPARTMENT_WEIGHT = {"marketing": 2.0, "sales": 2.0}
_LOCAL_PARTS = ("{first}.{last}", "{f}.{last}", "{first}{last}", "{first}", "{first}_{last}")
_LOCAL_SHARES = (0.5, 0.2, 0.12, 0.1, 0.08)


@dataclass(frozen=True, slots=True)
class Details:
    first_name: list[str]
    last_name: list[str]
    department: list[str]
    title: list[str]
    email: list[str]
    phone: list[str]  # "" when the contact gave none


def draw_details(
    country: Ints,
    account: Ints,
    accounts: Accounts,
    seniority: Ints,
    email_kind: Ints,
    has_phone: npt.NDArray[np.bool_],
    original: Ints,
    rng: np.random.Generator,
    taken: set[str],
) -> Details:
    """One row per contact; ``original[i] >= 0`` makes row i a second record of that row."""
    count = country.size
    picks = rng.integers(1 << 30, size=(count, 6)).tolist()
    roles = _roles(seniority, rng)
    pattern = rng.choice(len(_LOCAL_PARTS), size=count, p=_LOCAL_SHARES).tolist()
    details = Details([], [], [], [], [], [])
    for row in range(count):
        source = int(original[row])
        code = COUNTRIES[int(country[row])].code
        first_pick, last_pick, domain_pick, phone_pick, prefix_pick, digit_pick = picks[row]
        if source >= 0:
            first, last = details.first_name[source], details.last_name[source]
            department, title = details.department[source], details.title[source]
        else:
            first = FIRST_NAMES[code][first_pick % len(FIRST_NAMES[code])]
            last = family_name(code, first, LAST_NAMES[code][last_pick % len(LAST_NAMES[code])])
            department, title = roles[row]
        domain = _domain(int(email_kind[row]), code, int(account[row]), accounts, domain_pick)
        local = _local_part(first, last, code, pattern[row], int(email_kind[row]), digit_pick)
        details.first_name.append(first)
        details.last_name.append(last)
        details.department.append(department)
        details.title.append(title)
        details.email.append(_unique(local, domain, taken))
        details.phone.append(_phone(code, phone_pick, prefix_pick) if has_phone[row] else "")
    return details


def _roles(seniority: Ints, rng: np.random.Generator) -> list[tuple[str, str]]:
    """A (department, title) per row, among the titles that exist for its seniority."""
    roles: list[tuple[str, str]] = [("", "")] * seniority.size
    for code, level in enumerate(SENIORITIES):
        options = [
            (dept, title)
            for (sen, dept), titles in TITLES.items()
            if sen == level
            for title in titles
        ]
        weights = np.array([_DEPARTMENT_WEIGHT.get(dept, 1.0) for dept, _ in options])
        rows = np.flatnonzero(seniority == code)
        chosen = rng.choice(len(options), size=rows.size, p=weights / weights.sum())
        for row, index in zip(rows.tolist(), chosen.tolist(), strict=True):
            dept, title = options[index]
            roles[row] = ("" if level == "student" else dept, title)
    return roles


def _domain(kind: int, code: str, account: int, accounts: Accounts, pick: int) -> str:
    country = _BY_CODE[code]
    if kind == _FREE_MAIL:
        return country.free_mail[pick % len(country.free_mail)]
    if kind == _UNIVERSITY:
        return f"student.{country.university}"
    return accounts.domains[account - 1]


def _local_part(first: str, last: str, code: str, pattern: int, kind: int, pick: int) -> str:
    german = code in _GERMAN
    given = ascii_slug(first, german=german)
    family = ascii_slug(last, german=german)
    if kind in (_FREE_MAIL, _UNIVERSITY):  # private addresses rarely use the bare first name
        local = f"{given}.{family}" if pick % 3 else f"{given}{family}{pick % 90 + 10}"
        return local
    return _LOCAL_PARTS[pattern].format(first=given, last=family, f=given[:1])


def _unique(local: str, domain: str, taken: set[str]) -> str:
    email = f"{local}@{domain}"
    number = 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{domain}"
    taken.add(email)
    return email


def _phone(code: str, pick: int, prefix_pick: int) -> str:
    country = _BY_CODE[code]
    prefix = country.phone_prefixes[prefix_pick % len(country.phone_prefixes)]
    return f"{prefix}{pick % 10**country.phone_digits:0{country.phone_digits}d}"
