"""Companies and the sales team: accounts with firmographics, reps with territories.

Accounts are drawn once for the whole world (a quarter as many as contacts) and stay in
memory as arrays; contacts then pick their employer among them. Reps are few (one per
few thousand contacts) and each covers one team's countries; the largest accounts are
*named*: owned by one rep of the team that covers their country.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.catalog import COUNTRIES, INDUSTRIES, SELLER_DOMAIN, SIZE_BANDS, TEAMS, Country
from leadflow.demo.config import WorldConfig
from leadflow.demo.names import (
    COMPANY_ROOTS,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    ascii_slug,
    family_name,
)
from leadflow.demo.truth import COUNTRY_VALUES, company_logit

__all__ = ["COMPETITOR_DOMAINS", "Accounts", "Reps", "draw_accounts", "draw_reps", "rep_id"]

Ints = npt.NDArray[np.int64]

_GERMAN = frozenset({"DE", "AT", "CH"})
_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "software": ("Software", "Digital", "Systems"),
    "logistics": ("Logistics", "Transport", "Freight"),
    "manufacturing": ("Industries", "Manufacturing", "Components"),
    "financial_services": ("Finance", "Capital", "Insurance"),
    "professional_services": ("Consulting", "Advisory", "Partners"),
    "retail": ("Retail", "Stores", "Commerce"),
    "healthcare": ("Health", "Medical", "Care"),
    "energy": ("Energy", "Power", "Renewables"),
    "media": ("Media", "Studios", "Publishing"),
    "education": ("Academy", "Learning", "Education"),
    "public_sector": ("Services", "Agency", "Authority"),
    "construction": ("Construction", "Building", "Contractors"),
}
_BRAND_ENDINGS = ("ly", "io", "tech", "ware", "labs", "ify", "net", "sys", "wise", "hub")
# The seller's competitors: (name, domain, country). Their staff read our content too.
_COMPETITORS: tuple[tuple[str, str, str], ...] = (
    ("Pipelytics Inc.", "pipelytics.com", "US"),
    ("Leadsmith B.V.", "leadsmith.io", "NL"),
    ("FunnelForge GmbH", "funnelforge.de", "DE"),
    ("Scorewell Ltd", "scorewell.co.uk", "GB"),
    ("Prospectra SAS", "prospectra.fr", "FR"),
    ("Kvalifi AS", "kvalifi.no", "NO"),
)
COMPETITOR_DOMAINS: tuple[str, ...] = tuple(domain for _, domain, _ in _COMPETITORS)


@dataclass(frozen=True, slots=True)
class Accounts:
    """Row ``i`` is account number ``i + 1``; the last rows are the seller's competitors."""

    names: list[str]
    domains: list[str]
    industry: Ints  # index into truth.INDUSTRY_VALUES
    band: Ints  # index into truth.SIZE_BAND_VALUES
    employees: Ints
    revenue: Ints  # annual revenue, EUR
    country: Ints  # index into truth.COUNTRY_VALUES
    owner: Ints  # rep number of a named account, 0 when not named
    competitor: npt.NDArray[np.bool_]
    fit: npt.NDArray[np.float64]  # the company part of the hidden profile
    # Cumulative weights for picking an employer: by popularity (bigger companies have more
    # people), or targeted, where popularity is tilted towards the ideal customer profile.
    plain: npt.NDArray[np.float64]
    targeted: npt.NDArray[np.float64]

    @property
    def size(self) -> int:
        return len(self.names)

    def pick(self, kind: Ints, targeted: npt.NDArray[np.bool_], rng: np.random.Generator) -> Ints:
        """Employer account numbers for people.KIND codes (0 business, 1 student,
        2 competitor): students have none (0), competitors' staff work for a competitor."""
        draw = rng.random(kind.size)
        number = 1 + np.where(
            targeted,
            np.searchsorted(self.targeted, draw * self.targeted[-1], side="right"),
            np.searchsorted(self.plain, draw * self.plain[-1], side="right"),
        )
        rivals = np.flatnonzero(self.competitor)
        number = np.where(kind == 2, 1 + rivals[(draw * rivals.size).astype(np.int64)], number)
        return np.where(kind == 1, 0, number).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Reps:
    """Row ``i`` is rep number ``i + 1``."""

    names: list[str]
    emails: list[str]
    team: list[str]
    capacity: Ints  # new leads a month the rep can work properly
    under_work: npt.NDArray[np.float64]  # hidden: share of leads the rep gives up on early
    by_country: dict[int, Ints]  # country code -> rep numbers covering it

    @property
    def size(self) -> int:
        return len(self.names)


def rep_id(number: int) -> str:
    return f"r{number:04d}"


def draw_reps(config: WorldConfig, rng: np.random.Generator) -> Reps:
    count = int(np.clip(config.contacts // 2_500, len(TEAMS), 400))
    weights = {team: sum(_country(code).weight for code in codes) for team, codes in TEAMS.items()}
    seats = _apportion(count, weights)
    names: list[str] = []
    teams: list[str] = []
    for team, size in seats.items():
        home = TEAMS[team][0]
        for _ in range(size):
            first = FIRST_NAMES[home][rng.integers(len(FIRST_NAMES[home]))]
            last = family_name(home, first, LAST_NAMES[home][rng.integers(len(LAST_NAMES[home]))])
            names.append(f"{first} {last}")
            teams.append(team)
    emails = _rep_emails(names, teams)
    by_country: dict[int, list[int]] = {}
    for number, team in enumerate(teams, start=1):
        for code in TEAMS[team]:
            by_country.setdefault(COUNTRY_VALUES.index(code), []).append(number)
    return Reps(
        names=names,
        emails=emails,
        team=teams,
        capacity=rng.integers(25, 61, size=count).astype(np.int64),
        under_work=rng.beta(2.0, 6.0, size=count),
        by_country={
            code: np.array(numbers, dtype=np.int64) for code, numbers in by_country.items()
        },
    )


def draw_accounts(config: WorldConfig, reps: Reps, rng: np.random.Generator) -> Accounts:
    count = max(30, config.contacts // 4)
    country = rng.choice(len(COUNTRIES), size=count, p=_normalised([c.weight for c in COUNTRIES]))
    industry = rng.choice(
        len(INDUSTRIES), size=count, p=_normalised([w for w, _ in INDUSTRIES.values()])
    )
    band = rng.choice(len(SIZE_BANDS), size=count, p=_normalised([b.weight for b in SIZE_BANDS]))
    low = np.array([b.low for b in SIZE_BANDS])[band]
    high = np.array([b.high for b in SIZE_BANDS])[band]
    employees = np.exp(rng.uniform(np.log(low), np.log(high + 1))).astype(np.int64).clip(low, high)
    per_head = np.array([r for _, r in INDUSTRIES.values()])[industry]
    revenue = (employees * per_head * rng.lognormal(0.0, 0.35, size=count) / 1000).round() * 1000
    names, domains = _company_names(country, industry, rng)
    # Competitors come last: mid-sized software companies that read our content, never buy.
    rivals = len(_COMPETITORS)
    names += [name for name, _, _ in _COMPETITORS]
    domains += [domain for _, domain, _ in _COMPETITORS]
    country = np.concatenate([country, [COUNTRY_VALUES.index(code) for _, _, code in _COMPETITORS]])
    industry = np.concatenate([industry, np.full(rivals, list(INDUSTRIES).index("software"))])
    band = np.concatenate([band, np.full(rivals, 2)])
    employees = np.concatenate([employees, np.full(rivals, 120)])
    revenue = np.concatenate([revenue, np.full(rivals, 18_000_000.0)])
    competitor = np.arange(len(names)) >= count
    fit = company_logit(industry, band, country)
    popularity = np.where(
        competitor, 0.0, employees**0.35 * rng.lognormal(0.0, 0.5, size=len(names))
    )
    return Accounts(
        names=names,
        domains=domains,
        industry=industry.astype(np.int64),
        band=band.astype(np.int64),
        employees=employees.astype(np.int64),
        revenue=revenue.astype(np.int64),
        country=country.astype(np.int64),
        owner=_named_owners(band, country, competitor, reps, rng),
        competitor=competitor,
        fit=fit,
        plain=np.cumsum(popularity),
        targeted=np.cumsum(popularity * np.exp(1.5 * fit)),
    )


def _named_owners(
    band: Ints,
    country: Ints,
    competitor: npt.NDArray[np.bool_],
    reps: Reps,
    rng: np.random.Generator,
) -> Ints:
    """Most large accounts and a few smaller ones are named: one rep owns them."""
    named = rng.random(band.size) < np.where(band >= 3, 0.6, 0.05)
    named &= ~competitor
    owner = np.zeros(band.size, dtype=np.int64)
    for code, numbers in reps.by_country.items():
        rows = np.flatnonzero(named & (country == code))
        owner[rows] = numbers[rng.integers(numbers.size, size=rows.size)]
    return owner


def _company_names(
    country: Ints, industry: Ints, rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    """Names in three local styles (place + sector, family + sector, brand); unique domains."""
    style = rng.integers(3, size=country.size)
    picks = rng.integers(1 << 30, size=(country.size, 4))
    sectors = list(INDUSTRIES)
    taken: set[str] = {domain for _, domain, _ in _COMPETITORS}
    names: list[str] = []
    domains: list[str] = []
    for row in range(country.size):
        code = COUNTRY_VALUES[int(country[row])]
        a, b, c, d = (int(x) for x in picks[row])
        words = _SECTOR_WORDS[sectors[int(industry[row])]]
        if style[row] == 0:
            core = f"{_pick(COMPANY_ROOTS[code], a)} {_pick(words, b)}"
        elif style[row] == 1:
            core = f"{_pick(LAST_NAMES[code], a)} {_pick(words, b)}"
        else:
            core = f"{_pick(COMPANY_ROOTS[code], a)}{_pick(_BRAND_ENDINGS, b)}"
        names.append(f"{core} {_pick(LEGAL_FORMS[code], c)}")
        domains.append(
            _unique_domain(
                ascii_slug(core, german=code in _GERMAN, sep="-"), _country(code).tld, taken, d
            )
        )
    return names, domains


def _unique_domain(stem: str, tld: str, taken: set[str], salt: int) -> str:
    domain = f"{stem}.{tld}"
    suffix = 1 + salt % 7
    while domain in taken:
        suffix += 1
        domain = f"{stem}{suffix}.{tld}"
    taken.add(domain)
    return domain


def _rep_emails(names: list[str], teams: list[str]) -> list[str]:
    taken: set[str] = set()
    emails: list[str] = []
    for name, team in zip(names, teams, strict=True):
        german = TEAMS[team][0] in _GERMAN
        local = ascii_slug(name, german=german, sep=".")
        email = f"{local}@{SELLER_DOMAIN}"
        number = 1
        while email in taken:
            number += 1
            email = f"{local}{number}@{SELLER_DOMAIN}"
        taken.add(email)
        emails.append(email)
    return emails


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """At least one seat per team, the rest by weight (largest remainder, deterministic)."""
    spare = total - len(weights)
    whole = sum(weights.values())
    exact = {team: spare * w / whole for team, w in weights.items()}
    seats = {team: 1 + int(share) for team, share in exact.items()}
    left = total - sum(seats.values())
    for team in sorted(exact, key=lambda t: (-(exact[t] % 1), t))[:left]:
        seats[team] += 1
    return seats


def _pick(options: tuple[str, ...], draw: int) -> str:
    return options[draw % len(options)]


def _country(code: str) -> Country:
    return COUNTRIES[COUNTRY_VALUES.index(code)]


def _normalised(weights: list[float]) -> npt.NDArray[np.float64]:
    array = np.asarray(weights, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)
