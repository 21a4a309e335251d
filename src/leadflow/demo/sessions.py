"""Marketing-side activity: anonymous browsing, the identifying moment, ongoing engagement.

Three phases per contact: page views under a visitor id before they identify (their
landing page carries the channel's referrer and UTM tags); the identifying exchange
(a gated download, a newsletter sign-up, a webinar registration, a badge scan); then
activity until the window closes, at a rate that grows with intent and fit. Visitors
who never identify browse a little and leave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.calendar import Calendar
from leadflow.demo.catalog import (
    CHANNEL_CAMPAIGNS,
    FORMS,
    GENERAL_ASSETS,
    LISTS,
    PRODUCT_ASSETS,
    PRODUCTS,
    WEB_PAGES,
)
from leadflow.demo.config import WorldConfig
from leadflow.demo.events import Events
from leadflow.demo.people import People, intent_tier, spread_over_window
from leadflow.demo.properties import PropertyTable
from leadflow.demo.truth import CHANNEL_VALUES

__all__ = [
    "ACTIVITY",
    "VISITORS_PER_CONTACT",
    "ActivityDraw",
    "ActivityRates",
    "MailDraw",
    "draw_activity",
    "draw_entry",
    "draw_history",
    "draw_visitors",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

_BUYING_PAGES = np.array(
    [
        WEB_PAGES.index(p)
        for p in (
            "/pricing",
            "/product/insights",
            "/product/connect",
            "/product/automate",
            "/customers",
            "/security",
            "/integrations",
            "/compare/spreadsheets",
            "/contact",
        )
    ]
)
_BROWSING_PAGES = np.setdiff1d(np.arange(len(WEB_PAGES)), _BUYING_PAGES)
VISITORS_PER_CONTACT = 0.6  # visitors who never identify, per contact
_VISITOR_CHANNELS = ("organic_search", "paid_search", "linkedin", "events")
_COLD = tuple(CHANNEL_VALUES.index(c) for c in ("outbound_list", "purchased"))
_ACTIVITY_TYPES = (
    "page_view",
    "email_open",
    "email_click",
    "content_download",
    "newsletter_signup",
    "form_submit",
    "webinar_registration",
    "event_attendance",
    "chat_started",
    "call_inbound",
)


@dataclass(frozen=True, slots=True)
class ActivityRates:
    """Events a month once identified: base * exp(intent * z + fit * (fit - centre) + noise)."""

    base_per_month: float = 5.2
    intent: float = 0.45
    fit: float = 0.2
    fit_centre: float = 0.4
    noise: float = 0.5
    cold_channels: float = 0.6  # outbound lists and purchased records engage less
    duplicates: float = 0.2
    # Type mix (order of _ACTIVITY_TYPES) for low, middle and high intent contacts who use
    # the web site; contacts reached only by e-mail view fewer pages and fill fewer forms.
    mix: tuple[tuple[float, ...], ...] = (
        (0.40, 0.38, 0.06, 0.04, 0.01, 0.02, 0.04, 0.01, 0.01, 0.002),
        (0.45, 0.30, 0.08, 0.06, 0.01, 0.03, 0.04, 0.012, 0.015, 0.005),
        (0.48, 0.22, 0.09, 0.08, 0.01, 0.04, 0.04, 0.015, 0.025, 0.01),
    )
    email_only: tuple[float, ...] = (0.25, 1.0, 1.0, 0.5, 1.0, 0.5, 1.0, 1.0, 0.3, 1.0)


ACTIVITY = ActivityRates()


@dataclass(frozen=True, slots=True)
class MailDraw:
    """Marketing e-mails a contact will react to: raw moments, snapped to sends later."""

    row: Ints  # contact row in the chunk
    at: Ints
    click: npt.NDArray[np.bool_]  # clicked (and so opened) rather than only opened


@dataclass(frozen=True, slots=True)
class ActivityDraw:
    events: Events
    mail: MailDraw


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What every builder needs: the world's calendar and table, and the chunk's people."""

    config: WorldConfig
    calendar: Calendar
    table: PropertyTable
    people: People
    visitor: Ints
    rng: np.random.Generator


def draw_history(
    table: PropertyTable, people: People, visitor: Ints, rng: np.random.Generator
) -> Events:
    """Anonymous page views between a visitor's first visit and the identifying form."""
    rows = np.flatnonzero(people.has_visitor & (people.created - people.first_seen >= 120))
    r = np.repeat(rows, 1 + rng.poisson(1.5 + np.maximum(people.intent[rows], 0.0)))
    landing = np.r_[True, r[1:] != r[:-1]] if r.size else np.zeros(0, dtype=np.bool_)
    span = people.created[r] - people.first_seen[r] - 60
    at = people.first_seen[r] + np.where(landing, 0, (rng.random(r.size) * span).astype(np.int64))
    source = np.where(landing, table.landing_source(people.channel[r], people.source[r]), 0)
    variant = table.page_view(_pages(people.intent[r], rng), source)
    return Events.of(people.number[r], "page_view", at, variant, visitor[r], anonymous=True)


def draw_entry(
    config: WorldConfig,
    calendar: Calendar,
    table: PropertyTable,
    people: People,
    visitor: Ints,
    at_entry: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> Events:
    """The exchange that made each contact known (list imports have none; sales-action
    entries are drawn with the sales actions)."""
    chunk = _Chunk(config, calendar, table, people, visitor, rng)
    channel, created = people.channel, people.created
    route = np.full(people.size, -1)  # 0 download, 1 newsletter, 2 webinar, 3 conference
    web = np.isin(
        channel,
        [
            CHANNEL_VALUES.index(c)
            for c in ("organic_search", "paid_search", "linkedin", "referral")
        ],
    )
    route[web & ~at_entry] = rng.choice(3, size=people.size, p=[0.65, 0.2, 0.15])[web & ~at_entry]
    route[channel == CHANNEL_VALUES.index("newsletter")] = 1
    events = channel == CHANNEL_VALUES.index("events")
    route[events] = np.where(people.occasion[events] >= 0, 3, 2)
    webinar = np.where(
        people.occasion < 0, -1 - people.occasion, calendar.webinars.next_after(created)
    )
    route[(route == 2) & (webinar >= calendar.webinars.at.size)] = 0
    parts = [
        _downloads(chunk, np.flatnonzero(route == 0), created[route == 0], gated=True),
        _signups(chunk, np.flatnonzero(route == 1), created[route == 1]),
        _webinars(chunk, np.flatnonzero(route == 2), created[route == 2], webinar[route == 2]),
    ]
    rows = np.flatnonzero(route == 3)
    conference = table.of("event_attendance", people.occasion[rows])
    parts.append(Events.of(people.number[rows], "event_attendance", created[rows], conference))
    return Events.concat(parts)


def draw_activity(
    config: WorldConfig,
    calendar: Calendar,
    table: PropertyTable,
    people: People,
    visitor: Ints,
    rng: np.random.Generator,
) -> ActivityDraw:
    """Engagement from identification to the end of the window."""
    chunk = _Chunk(config, calendar, table, people, visitor, rng)
    a = ACTIVITY
    lift = (
        a.intent * people.intent
        + a.fit * (people.fit - a.fit_centre)
        + rng.normal(0, a.noise, people.size)
    )
    cold = np.isin(people.channel, _COLD)
    rate = a.base_per_month * np.exp(lift) * np.where(cold, a.cold_channels, 1.0)
    rate *= np.where(people.duplicate_of > 0, a.duplicates, 1.0)
    months = (config.end_s - people.created) / (30 * 86_400)
    r = np.repeat(np.arange(people.size), rng.poisson(rate * months))
    span = np.maximum(config.end_s - people.created[r] - 2, 0)
    at = people.created[r] + 1 + (rng.random(r.size) * span).astype(np.int64)
    at = np.clip(_office_hours(at, rng), people.created[r] + 1, config.end_s - 1)
    kind = _activity_kinds(people, r, ~cold | people.has_visitor, rng)
    parts = []
    for code, name in enumerate(_ACTIVITY_TYPES):
        if name not in ("email_open", "email_click"):
            parts.append(_BUILDERS[name](chunk, r[kind == code], at[kind == code]))
    mail = (kind == 1) | (kind == 2)
    return ActivityDraw(Events.concat(parts), MailDraw(r[mail], at[mail], kind[mail] == 2))


def draw_visitors(
    config: WorldConfig,
    table: PropertyTable,
    first_serial: int,
    count: int,
    rng: np.random.Generator,
) -> Events:
    """Visitors who browse a few pages over some days and never say who they are."""
    serial = first_serial + np.arange(count, dtype=np.int64)
    first_seen = spread_over_window(config, (np.arange(count) + rng.random(count)) / count)
    r = np.repeat(np.arange(count), 1 + rng.poisson(1.2, size=count))
    landing = np.r_[True, r[1:] != r[:-1]] if r.size else np.zeros(0, dtype=np.bool_)
    gaps = np.where(landing, 0, rng.exponential(1.5 * 86_400, size=r.size).astype(np.int64))
    total = np.cumsum(gaps)
    at = first_seen[r] + total - total[np.flatnonzero(landing)][np.cumsum(landing) - 1]
    channel = rng.choice(len(_VISITOR_CHANNELS), size=r.size, p=[0.55, 0.25, 0.12, 0.08])
    options = np.array([len(CHANNEL_CAMPAIGNS[name]) for name in _VISITOR_CHANNELS])
    campaign = (rng.random(r.size) * options[channel]).astype(np.int64)
    channel = np.array([CHANNEL_VALUES.index(name) for name in _VISITOR_CHANNELS])[channel]
    source = np.where(landing, table.landing_source(channel, campaign), 0)
    variant = table.page_view(_pages(np.full(r.size, -0.5), rng), source)
    keep = at < config.end_s
    zero = np.zeros(r.size, dtype=np.int64)
    events = Events.of(zero, "page_view", at, variant, serial[r], anonymous=True)
    return events.take(keep)


def _office_hours(at: Ints, rng: np.random.Generator) -> Ints:
    """Move most moments to the working day (around 11:00 UTC); a fifth stay anywhere."""
    hour = np.clip(rng.normal(11.0, 2.8, size=at.size), 6.0, 21.0)
    working = rng.random(at.size) < 0.8
    day_start = at - at % 86_400
    return np.where(working, day_start + (hour * 3600).astype(np.int64), at)


def _activity_kinds(
    people: People, r: Ints, web: npt.NDArray[np.bool_], rng: np.random.Generator
) -> Ints:
    tier = intent_tier(people.intent)[r]
    uses_web = web[r]
    kind = np.zeros(r.size, dtype=np.int64)
    for level, mix in enumerate(ACTIVITY.mix):
        for site in (False, True):
            weights = np.array(mix) * (1.0 if site else np.array(ACTIVITY.email_only))
            rows = np.flatnonzero((tier == level) & (uses_web == site))
            kind[rows] = rng.choice(len(weights), size=rows.size, p=weights / weights.sum())
    return kind


def _pages(intent: Floats, rng: np.random.Generator) -> Ints:
    """Warmer people look at pricing and product pages more, colder ones at the blog."""
    buying = rng.random(intent.size) < 0.15 + 0.5 / (1.0 + np.exp(-(intent - 0.5)))
    pick = rng.random(intent.size)
    return np.where(
        buying,
        _BUYING_PAGES[(pick * _BUYING_PAGES.size).astype(np.int64)],
        _BROWSING_PAGES[(pick * _BROWSING_PAGES.size).astype(np.int64)],
    )


def _first_of_pairs(rows: Ints, key: Ints, keys: int) -> npt.NDArray[np.bool_]:
    """Keep one event per (contact, key): nobody attends the same webinar twice."""
    keep = np.zeros(rows.size, dtype=np.bool_)
    keep[np.unique(rows * keys + key, return_index=True)[1]] = True
    return keep


def _page_views(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    source = (chunk.rng.random(rows.size) < 0.3).astype(np.int64)  # 1 direct, else navigation
    variant = chunk.table.page_view(_pages(chunk.people.intent[rows], chunk.rng), source)
    return Events.of(chunk.people.number[rows], "page_view", at, variant, chunk.visitor[rows])


def _downloads(chunk: _Chunk, rows: Ints, at: Ints, gated: bool = False) -> Events:
    """A gated download is the form plus the asset; later downloads need no form."""
    tier = intent_tier(chunk.people.intent[rows])
    specific = chunk.rng.random(rows.size) < 0.2 + 0.12 * tier
    asset = np.where(
        specific,
        (chunk.rng.random(rows.size) * len(PRODUCT_ASSETS)).astype(np.int64),
        (chunk.rng.random(rows.size) * len(GENERAL_ASSETS)).astype(np.int64),
    )
    product = chunk.rng.integers(len(PRODUCTS), size=rows.size)
    contact, seen = chunk.people.number[rows], chunk.visitor[rows]
    download = Events.of(
        contact, "content_download", at, chunk.table.download(specific, asset, product), seen
    )
    if not gated:
        return download
    return Events.concat([_form(chunk, rows, at, "content-download"), download])


def _form(chunk: _Chunk, rows: Ints, at: Ints, form: str) -> Events:
    variant = np.full(rows.size, chunk.table.of("form_submit", FORMS.index(form)))
    return Events.of(chunk.people.number[rows], "form_submit", at, variant, chunk.visitor[rows])


def _signups(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    listed = chunk.rng.integers(len(LISTS), size=rows.size)
    keep = _first_of_pairs(rows, listed, len(LISTS))
    rows, at, listed = rows[keep], at[keep], listed[keep]
    signup = Events.of(
        chunk.people.number[rows],
        "newsletter_signup",
        at,
        chunk.table.of("newsletter_signup", listed),
    )
    return Events.concat([_form(chunk, rows, at, "newsletter-signup"), signup])


def _webinars(chunk: _Chunk, rows: Ints, at: Ints, webinar: Ints) -> Events:
    """Registration now, attendance (for some) when the webinar airs inside the window."""
    schedule = chunk.calendar.webinars
    keep = (webinar < schedule.at.size) & _first_of_pairs(rows, webinar, schedule.at.size + 1)
    rows, at, webinar = rows[keep], at[keep], webinar[keep]
    number = chunk.people.number[rows]
    registered = Events.of(
        number, "webinar_registration", at, chunk.table.of("webinar_registration", webinar)
    )
    airs = schedule.at[webinar] + chunk.rng.integers(0, 900, size=rows.size)
    tier = intent_tier(chunk.people.intent[rows])
    came = (chunk.rng.random(rows.size) < 0.35 + 0.12 * tier) & (airs < chunk.config.end_s)
    attended = Events.of(
        number[came],
        "webinar_attendance",
        airs[came],
        chunk.table.of("webinar_attendance", webinar[came]),
    )
    return Events.concat([_form(chunk, rows, at, "webinar-registration"), registered, attended])


def _webinar_activity(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    return _webinars(chunk, rows, at, chunk.calendar.webinars.next_after(at))


def _conferences(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    schedule = chunk.calendar.conferences
    conference = schedule.next_after(at)
    keep = (conference < schedule.at.size) & _first_of_pairs(rows, conference, schedule.at.size + 1)
    rows, conference = rows[keep], conference[keep]
    moment = schedule.at[conference] + chunk.rng.integers(0, 8 * 3600, size=rows.size)
    variant = chunk.table.of("event_attendance", conference)
    return Events.of(chunk.people.number[rows], "event_attendance", moment, variant)


def _contact_forms(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    return _form(chunk, rows, at, "contact-us")


def _chats(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    page = _BUYING_PAGES[chunk.rng.integers(_BUYING_PAGES.size, size=rows.size)]
    variant = chunk.table.of("chat_started", page)
    return Events.of(chunk.people.number[rows], "chat_started", at, variant, chunk.visitor[rows])


def _calls(chunk: _Chunk, rows: Ints, at: Ints) -> Events:
    variant = np.full(rows.size, chunk.table.of("call_inbound", 0))
    return Events.of(chunk.people.number[rows], "call_inbound", at, variant)


_BUILDERS = {
    "page_view": _page_views,
    "content_download": _downloads,
    "newsletter_signup": _signups,
    "form_submit": _contact_forms,
    "webinar_registration": _webinar_activity,
    "event_attendance": _conferences,
    "chat_started": _chats,
    "call_inbound": _calls,
}
