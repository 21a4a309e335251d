"""Contacts: who they are, where they came from, and what they are like underneath.

A chunk of contacts is drawn at once. Each channel brings its own mix of people
(LinkedIn and referrals reach more senior people at better-fitting companies; purchased
lists reach anyone), and each person gets a latent *intent* that behaviour turns into
events. Contact numbers follow creation time, and the volume grows over the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.accounts import Accounts
from leadflow.demo.addresses import draw_details
from leadflow.demo.calendar import Calendar
from leadflow.demo.catalog import CHANNEL_CAMPAIGNS, CHANNELS, COUNTRIES, SENIORITIES, VENDORS
from leadflow.demo.config import WorldConfig
from leadflow.demo.truth import (
    CHANNEL_VALUES,
    EMAIL_KIND_VALUES,
    INDUSTRY_VALUES,
    NONE,
    SIZE_BAND_VALUES,
    company_logit,
    person_logit,
)

__all__ = [
    "CHANNEL_PERSONAS",
    "EMAIL_CONSENT",
    "KIND",
    "PHONE_CONSENT",
    "ChannelPersona",
    "People",
    "draw_people",
    "intent_tier",
    "spread_over_window",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

KIND = ("business", "student", "competitor")
_BUSINESS, _STUDENT, _RIVAL = range(len(KIND))
EMAIL_CONSENT = ("", "granted", "confirmed", "withdrawn")
PHONE_CONSENT = ("", "granted", "withdrawn")
GROWTH = 0.6  # the last day of the window sees 1.6x the contacts of the first


@dataclass(frozen=True, slots=True)
class ChannelPersona:
    """Who a channel brings in. Shares are probabilities.

    Seniority weights follow catalog.SENIORITIES without "student" (students are apart).
    """

    seniority: tuple[float, float, float, float, float]
    student: float
    competitor: float
    targeted: float  # share picked among accounts in proportion to their fit
    intent: float  # mean of the latent intent
    free_mail: float
    phone: float
    visitor: float  # share that browsed anonymously before identifying


CHANNEL_PERSONAS: dict[str, ChannelPersona] = {
    "organic_search": ChannelPersona(
        (0.05, 0.04, 0.12, 0.32, 0.47), 0.07, 0.008, 0.30, 0.1, 0.15, 0.30, 0.85
    ),
    "paid_search": ChannelPersona(
        (0.06, 0.05, 0.13, 0.33, 0.43), 0.03, 0.005, 0.30, 0.1, 0.12, 0.35, 0.90
    ),
    "linkedin": ChannelPersona(
        (0.10, 0.09, 0.20, 0.33, 0.28), 0.02, 0.005, 0.60, 0.2, 0.08, 0.35, 0.50
    ),
    "events": ChannelPersona(
        (0.10, 0.08, 0.20, 0.34, 0.28), 0.04, 0.010, 0.45, 0.4, 0.05, 0.60, 0.15
    ),
    "newsletter": ChannelPersona(
        (0.04, 0.03, 0.10, 0.30, 0.53), 0.08, 0.010, 0.25, -0.2, 0.25, 0.10, 0.60
    ),
    "referral": ChannelPersona(
        (0.12, 0.10, 0.22, 0.32, 0.24), 0.01, 0.0, 0.55, 0.6, 0.05, 0.60, 0.70
    ),
    "outbound_list": ChannelPersona(
        (0.12, 0.10, 0.25, 0.33, 0.20), 0.0, 0.0, 0.50, -0.6, 0.02, 0.90, 0.05
    ),
    "purchased": ChannelPersona(
        (0.06, 0.05, 0.14, 0.35, 0.40), 0.0, 0.0, 0.10, -0.7, 0.10, 0.95, 0.0
    ),
}


@dataclass(frozen=True, slots=True)
class People:
    """One chunk of contacts; every array has one row per contact."""

    number: Ints  # contact_id is "c" + 8 digits of this number
    created: Ints  # epoch seconds
    channel: Ints  # index into truth.CHANNEL_VALUES
    source: Ints  # index into CHANNEL_CAMPAIGNS[channel]
    utm_campaign: list[str]
    occasion: Ints  # events channel: conference (>= 0) or webinar (< 0, -1 - index); else 0
    vendor: Ints  # index into VENDORS, -1 when not purchased
    kind: Ints  # index into KIND
    account: Ints  # account number, 0 for students
    industry: Ints
    band: Ints
    country: Ints
    seniority: Ints  # index into catalog.SENIORITIES
    first_name: list[str]
    last_name: list[str]
    department: list[str]
    title: list[str]
    email: list[str]
    email_kind: Ints  # index into truth.EMAIL_KIND_VALUES
    phone: list[str]
    email_consent: Ints  # index into EMAIL_CONSENT (withdrawal is decided by behaviour)
    phone_consent: Ints  # index into PHONE_CONSENT
    intent: Floats  # latent: drives activity and sales actions, never the win itself
    fit: Floats  # company + person part of the hidden profile
    has_visitor: npt.NDArray[np.bool_]
    first_seen: Ints  # first anonymous page view (== created when none)
    duplicate_of: Ints  # contact number this record duplicates, 0 when none

    @property
    def size(self) -> int:
        return int(self.number.size)


def draw_people(
    config: WorldConfig,
    calendar: Calendar,
    accounts: Accounts,
    first: int,
    count: int,
    rng: np.random.Generator,
    taken: set[str],
) -> People:
    """Contacts number ``first`` .. ``first + count - 1``; ``taken`` keeps e-mails unique."""
    number = np.arange(first, first + count, dtype=np.int64)
    channel = rng.choice(len(CHANNEL_VALUES), size=count, p=_shares(list(CHANNELS.values())))
    persona = _PersonaColumns.of(channel)
    draw = rng.random((count, 7))
    kind = np.where(draw[:, 0] < persona.student, _STUDENT, _BUSINESS)
    kind[(draw[:, 0] >= persona.student) & (draw[:, 0] < persona.student + persona.competitor)] = (
        _RIVAL
    )
    account = accounts.pick(kind, draw[:, 1] < persona.targeted, rng)
    seniority = _seniority(kind, channel, rng)
    email_kind = _email_kinds(kind, draw[:, 2] < persona.free_mail, draw[:, 2] < 0.5)
    intent = rng.normal(persona.intent, 1.0)
    has_visitor = draw[:, 3] < persona.visitor
    has_phone = draw[:, 4] < persona.phone * np.where(kind == _STUDENT, 0.3, 1.0)
    campaigns = np.array([len(CHANNEL_CAMPAIGNS[name]) for name in CHANNEL_VALUES])[channel]
    source = (draw[:, 5] * campaigns).astype(np.int64)
    created = _creation_times(config, number, rng)
    created, occasion = _snap_to_calendar(config, calendar, channel, source, created, rng)
    duplicate_of = _duplicates(number, kind, draw[:, 6], rng)
    copied = np.flatnonzero(duplicate_of)
    originals = duplicate_of[copied] - first
    # The same person again (same employer and role), this time with a private address:
    # a stray second record with little activity that never asks for sales itself.
    account[copied], seniority[copied] = account[originals], seniority[originals]
    email_kind[copied] = EMAIL_KIND_VALUES.index("free_mail")
    intent[copied] = -2.5
    has_visitor[copied] = False
    industry, band, country = _firmographics(kind, account, accounts, rng)
    details = draw_details(
        country,
        account,
        accounts,
        seniority,
        email_kind,
        has_phone,
        np.where(duplicate_of > 0, duplicate_of - first, -1),
        rng,
        taken,
    )
    first_seen = _first_visits(config, created, has_visitor, rng)
    return People(
        number=number,
        created=created,
        channel=channel,
        source=source,
        utm_campaign=_utm_campaigns(channel, source, occasion, calendar),
        occasion=occasion,
        vendor=np.where(
            channel == CHANNEL_VALUES.index("purchased"), rng.integers(len(VENDORS), size=count), -1
        ),
        kind=kind,
        account=account,
        industry=industry,
        band=band,
        country=country,
        seniority=seniority,
        first_name=details.first_name,
        last_name=details.last_name,
        department=details.department,
        title=details.title,
        email=details.email,
        email_kind=email_kind,
        phone=details.phone,
        email_consent=_email_consent(channel, rng),
        phone_consent=np.where(has_phone, rng.choice(3, size=count, p=[0.62, 0.35, 0.03]), 0),
        intent=intent,
        fit=company_logit(industry, band, country) + person_logit(seniority, email_kind),
        has_visitor=has_visitor,
        first_seen=first_seen,
        duplicate_of=duplicate_of,
    )


@dataclass(frozen=True, slots=True)
class _PersonaColumns:
    """The channel personas spread out to one value per contact."""

    student: Floats
    competitor: Floats
    targeted: Floats
    intent: Floats
    free_mail: Floats
    phone: Floats
    visitor: Floats

    @classmethod
    def of(cls, channel: Ints) -> _PersonaColumns:
        personas = [CHANNEL_PERSONAS[name] for name in CHANNEL_VALUES]

        def column(field: str) -> Floats:
            return np.array([getattr(persona, field) for persona in personas])[channel]

        return cls(
            *(
                column(field)
                for field in (
                    "student",
                    "competitor",
                    "targeted",
                    "intent",
                    "free_mail",
                    "phone",
                    "visitor",
                )
            )
        )


def intent_tier(intent: Floats) -> Ints:
    """Low (0), middle (1) or high (2) intent: behaviour mixes differ by tier."""
    return np.digitize(intent, [-0.5, 0.7]).astype(np.int64)


def spread_over_window(config: WorldConfig, share: Floats) -> Ints:
    """Moments at the given quantiles of the window, where volume grows by GROWTH."""
    # Inverse of the CDF of the density (1 + GROWTH x) / (1 + GROWTH / 2) on [0, 1].
    x = (np.sqrt(1.0 + 2.0 * GROWTH * share * (1.0 + GROWTH / 2.0)) - 1.0) / GROWTH
    span = config.end_s - config.start_s
    return np.minimum(config.start_s + (x * span).astype(np.int64), config.end_s - 1)


def _creation_times(config: WorldConfig, number: Ints, rng: np.random.Generator) -> Ints:
    """Stratified over the window, so contact numbers follow creation time."""
    return spread_over_window(config, (number - 1 + rng.random(number.size)) / config.contacts)


def _snap_to_calendar(
    config: WorldConfig,
    calendar: Calendar,
    channel: Ints,
    source: Ints,
    created: Ints,
    rng: np.random.Generator,
) -> tuple[Ints, Ints]:
    """Badge scans happen at conferences, list imports on fixed weekdays."""
    created = created.copy()
    occasion = np.zeros(created.size, dtype=np.int64)
    events = channel == CHANNEL_VALUES.index("events")
    at_conference = events & (source == 0)
    conference = calendar.conferences.last_before(created)
    conference = np.where(conference < 0, 0, conference)
    rows = np.flatnonzero(at_conference)
    created[rows] = calendar.conferences.at[conference[rows]] + rng.integers(
        0, 8 * 3600, size=rows.size
    )
    occasion[rows] = conference[rows]
    rows = np.flatnonzero(events & (source == 1))
    webinar = np.minimum(calendar.webinars.next_after(created[rows]), calendar.webinars.at.size - 1)
    created[rows] = np.minimum(created[rows], calendar.webinars.at[webinar] - 3600)
    occasion[rows] = -1 - webinar
    for name, weekday, hour in (("outbound_list", 0, 10), ("purchased", 2, 7)):
        rows = np.flatnonzero(channel == CHANNEL_VALUES.index(name))
        created[rows] = _last_weekday(created[rows], weekday, hour)
    return np.clip(created, config.start_s, config.end_s - 1), occasion


def _first_visits(
    config: WorldConfig, created: Ints, has_visitor: npt.NDArray[np.bool_], rng: np.random.Generator
) -> Ints:
    """About 18 days of anonymous browsing before identifying, never before the window."""
    before = created - rng.exponential(18 * 86_400, size=created.size).astype(np.int64)
    inside = config.start_s + (rng.random(created.size) * (created - config.start_s)).astype(
        np.int64
    )
    return np.where(has_visitor, np.where(before < config.start_s, inside, before), created)


def _last_weekday(moments: Ints, weekday: int, hour: int) -> Ints:
    """The latest given weekday at ``hour`` UTC at or before each moment (day 0 was a Thursday)."""
    days = moments // 86_400
    back = (days + 3 - weekday) % 7
    snapped = (days - back) * 86_400 + hour * 3600
    return np.where(snapped > moments, snapped - 7 * 86_400, snapped)


def _email_kinds(
    kind: Ints, free_mail: npt.NDArray[np.bool_], private: npt.NDArray[np.bool_]
) -> Ints:
    """Competitors write from their company; students from free mail or their university."""
    code = EMAIL_KIND_VALUES.index
    email_kind = np.where(free_mail, code("free_mail"), code("corporate"))
    email_kind = np.where(
        kind == _STUDENT, np.where(private, code("free_mail"), code("university")), email_kind
    )
    return np.where(kind == _RIVAL, code("competitor"), email_kind).astype(np.int64)


def _duplicates(number: Ints, kind: Ints, draw: Floats, rng: np.random.Generator) -> Ints:
    """About one business contact in a hundred is a second record of an earlier one."""
    duplicate_of = np.zeros(number.size, dtype=np.int64)
    rows = np.flatnonzero((kind == _BUSINESS) & (draw < 0.01) & (np.arange(number.size) > 0))
    originals = (rng.random(rows.size) * rows).astype(np.int64)
    keep = kind[originals] == _BUSINESS
    duplicate_of[rows[keep]] = number[originals[keep]]
    return duplicate_of


def _firmographics(
    kind: Ints, account: Ints, accounts: Accounts, rng: np.random.Generator
) -> tuple[Ints, Ints, Ints]:
    """Industry, size band and country come from the employer; students have none but a country."""
    row = np.maximum(account - 1, 0)
    student = kind == _STUDENT
    industry = np.where(student, INDUSTRY_VALUES.index(NONE), accounts.industry[row])
    band = np.where(student, SIZE_BAND_VALUES.index(NONE), accounts.band[row])
    home = rng.choice(len(COUNTRIES), size=kind.size, p=_shares([c.weight for c in COUNTRIES]))
    return industry, band, np.where(student, home, accounts.country[row])


def _seniority(kind: Ints, channel: Ints, rng: np.random.Generator) -> Ints:
    seniority = np.full(kind.size, SENIORITIES.index("student"), dtype=np.int64)
    for code, name in enumerate(CHANNEL_VALUES):
        rows = np.flatnonzero((channel == code) & (kind != _STUDENT))
        weights = _shares(list(CHANNEL_PERSONAS[name].seniority))
        seniority[rows] = rng.choice(len(weights), size=rows.size, p=weights)
    return seniority


def _email_consent(channel: Ints, rng: np.random.Generator) -> Ints:
    """Inbound contacts opted in (newsletter ones by double opt-in); lists mostly did not."""
    odds = {
        "newsletter": (0.0, 0.2, 0.8),
        "events": (0.3, 0.7, 0.0),
        "outbound_list": (0.85, 0.15, 0.0),
        "purchased": (0.85, 0.15, 0.0),
    }
    consent = np.zeros(channel.size, dtype=np.int64)
    for code, name in enumerate(CHANNEL_VALUES):
        rows = np.flatnonzero(channel == code)
        consent[rows] = rng.choice(3, size=rows.size, p=odds.get(name, (0.1, 0.55, 0.35)))
    return consent


def _utm_campaigns(channel: Ints, source: Ints, occasion: Ints, calendar: Calendar) -> list[str]:
    events = CHANNEL_VALUES.index("events")
    campaigns: list[str] = []
    for code, src, when in zip(channel.tolist(), source.tolist(), occasion.tolist(), strict=True):
        if code != events:
            campaigns.append(CHANNEL_CAMPAIGNS[CHANNEL_VALUES[code]][src][2])
        elif when >= 0:
            campaigns.append(calendar.conferences.names[when])
        else:
            campaigns.append(calendar.webinars.names[-1 - when])
    return campaigns


def _shares(weights: list[float]) -> Floats:
    array = np.asarray(weights, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)
