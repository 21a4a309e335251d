"""What contacts do over time: browse anonymously, identify, engage, ask for sales.

Behaviour follows fit and intent. A contact's activity rate grows with its latent intent
and its fit, and so does its hazard of taking a sales-specific action (demo, trial,
quote, call, meeting), which is what hands it off to sales. Channels shift intent (a
referral arrives warm, a purchased record cold). The win itself is decided elsewhere
(truth.py) from what is observable here, so scores built on these events are meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.calendar import Calendar
from leadflow.demo.config import WorldConfig
from leadflow.demo.events import TYPE, Events
from leadflow.demo.mail import draw_mail
from leadflow.demo.people import People, intent_tier
from leadflow.demo.properties import PropertyTable
from leadflow.demo.sessions import ActivityDraw, draw_activity, draw_entry, draw_history
from leadflow.demo.truth import (
    CHANNEL_VALUES,
    ENGAGEMENT_TYPES,
    ENGAGEMENT_WINDOW_DAYS,
    channel_effect,
)
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS

__all__ = ["SALES_PROPENSITY", "Behaviour", "SalesPropensity", "draw_behaviour"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_FORMS_FOR_ACTION = {
    "demo_request": 4,  # index into catalog.FORMS: demo-request
    "trial_start": 5,  # trial-signup
    "quote_request": 6,  # quote-request
    "call_request": 7,  # callback-request
}
_INBOUND_WEB = tuple(
    CHANNEL_VALUES.index(c) for c in ("organic_search", "paid_search", "linkedin", "referral")
)


@dataclass(frozen=True, slots=True)
class SalesPropensity:
    """The hazard of a first sales-specific action, per day since the contact was created.

    hazard = exp(intercept + intent * z + fit * (fit_logit - fit_centre) + channel * effect)
    """

    intercept: float = -7.5
    intent: float = 0.85
    fit: float = 0.45
    fit_centre: float = 0.4
    channel: float = 0.8
    at_entry: float = 0.3  # inbound web contacts whose identifying form is the sales action
    second_action: float = 0.3  # takers who ask again later
    # First action mix for low, middle and high intent (SALES_ACTION_EVENTS order).
    mix: tuple[tuple[float, ...], ...] = (
        (0.36, 0.28, 0.06, 0.18, 0.12),
        (0.38, 0.22, 0.10, 0.15, 0.15),
        (0.34, 0.16, 0.16, 0.12, 0.22),
    )


SALES_PROPENSITY = SalesPropensity()


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A chunk's events (ordered by person, then time) and what they mean for sales."""

    events: Events
    visitor: Ints  # visitor serial per contact, 0 when the contact never browsed anonymously
    sales_at: Ints  # first sales action, epoch seconds, -1 when none in the window
    action: Ints  # index into SALES_ACTION_EVENTS of that action, -1 when none
    product: Ints  # index into catalog.PRODUCTS the action was about
    trigger: Ints  # row in ``events`` of that action, -1 when none
    iql: Bools  # downloaded a product-specific asset before the hand-off
    engaged: Ints  # engagement events in the window before the hand-off
    withdrawn: Bools  # unsubscribed from marketing e-mail
    bounced: Bools  # the address bounced


def draw_behaviour(
    config: WorldConfig,
    calendar: Calendar,
    table: PropertyTable,
    people: People,
    first_visitor: int,
    rng: np.random.Generator,
) -> Behaviour:
    visitor = np.zeros(people.size, dtype=np.int64)
    visitor[people.has_visitor] = first_visitor + np.arange(int(people.has_visitor.sum()))
    sales_at, action, product, at_entry = _first_sales_actions(config, people, rng)
    activity: ActivityDraw = draw_activity(config, calendar, table, people, visitor, rng)
    mail = draw_mail(config, calendar, table, people, activity.mail, rng)
    parts = [
        draw_history(table, people, visitor, rng),
        draw_entry(config, calendar, table, people, visitor, at_entry, rng),
        activity.events,
        _sales_events(config, table, people, visitor, sales_at, action, product, rng),
        mail.events,
    ]
    events = Events.concat(parts).by_person()
    row = events.contact - people.number[0]
    iql, engaged = _lead_signals(events, row, table, sales_at)
    return Behaviour(
        events=events,
        visitor=visitor,
        sales_at=sales_at,
        action=action,
        product=product,
        trigger=_trigger_rows(events, row, sales_at, action),
        iql=iql,
        engaged=engaged,
        withdrawn=mail.withdrawn,
        bounced=mail.bounced,
    )


def _first_sales_actions(
    config: WorldConfig, people: People, rng: np.random.Generator
) -> tuple[Ints, Ints, Ints, Bools]:
    p = SALES_PROPENSITY
    logit = (
        p.intercept
        + p.intent * people.intent
        + p.fit * (people.fit - p.fit_centre)
        + p.channel * channel_effect(people.channel)
    )
    wait = rng.exponential(1.0, size=people.size) / np.exp(logit) * 86_400
    sales_at = people.created + 60 + np.minimum(wait, 1e10).astype(np.int64)
    taken = (sales_at < config.end_s) & (people.duplicate_of == 0)
    at_entry = (
        taken & np.isin(people.channel, _INBOUND_WEB) & (rng.random(people.size) < p.at_entry)
    )
    sales_at = np.where(at_entry, people.created, sales_at)
    tier = intent_tier(people.intent)
    action = np.full(people.size, -1, dtype=np.int64)
    for level, mix in enumerate(p.mix):
        rows = np.flatnonzero(taken & (tier == level))
        action[rows] = rng.choice(len(SALES_ACTION_EVENTS), size=rows.size, p=mix)
    product = rng.choice(3, size=people.size, p=[0.5, 0.3, 0.2])
    return np.where(taken, sales_at, -1), action, product, at_entry


def _sales_events(
    config: WorldConfig,
    table: PropertyTable,
    people: People,
    visitor: Ints,
    sales_at: Ints,
    action: Ints,
    product: Ints,
    rng: np.random.Generator,
) -> Events:
    """The first sales action (with the form that carried it) and, for some, a second one."""
    rows = np.flatnonzero(sales_at >= 0)
    again = rows[rng.random(rows.size) < SALES_PROPENSITY.second_action]
    later = sales_at[again] + 3600 + rng.exponential(20 * 86_400, size=again.size).astype(np.int64)
    keep = later < config.end_s
    again, later = again[keep], later[keep]
    second = rng.integers(len(SALES_ACTION_EVENTS), size=again.size)
    parts: list[Events] = []
    for who, when, what in ((rows, sales_at[rows], action[rows]), (again, later, second)):
        for code, name in enumerate(SALES_ACTION_EVENTS):
            pick = what == code
            people_rows, moments = who[pick], when[pick]
            contact, seen = people.number[people_rows], visitor[people_rows]
            if name in _FORMS_FOR_ACTION:
                form = table.of("form_submit", _FORMS_FOR_ACTION[name])
                variant = np.full(people_rows.size, form)
                parts.append(Events.of(contact, "form_submit", moments, variant, seen))
            variant = table.of(name, product[people_rows])
            parts.append(Events.of(contact, name, moments, variant, seen))
    return Events.concat(parts)


def _lead_signals(
    events: Events, row: Ints, table: PropertyTable, sales_at: Ints
) -> tuple[Bools, Ints]:
    """The behaviour terms of the hidden win model, counted strictly before the hand-off."""
    handed = sales_at[row]
    before = (events.contact > 0) & (handed >= 0) & (events.at < handed)
    specific = (
        before
        & (events.type == TYPE["content_download"])
        & table.is_product_download(events.variant)
    )
    window = ENGAGEMENT_WINDOW_DAYS * 86_400
    engaging = np.isin(events.type, [TYPE[name] for name in ENGAGEMENT_TYPES])
    counted = before & engaging & (events.at >= handed - window)
    size = sales_at.size
    iql = np.bincount(row[specific], minlength=size) > 0
    return iql, np.bincount(row[counted], minlength=size).astype(np.int64)


def _trigger_rows(events: Events, row: Ints, sales_at: Ints, action: Ints) -> Ints:
    """Where each contact's first sales action sits in the ordered events."""
    codes = np.array([TYPE[name] for name in SALES_ACTION_EVENTS])
    expected = np.where(action[row] >= 0, codes[np.maximum(action[row], 0)], -1)
    match = np.flatnonzero(
        (events.contact > 0) & (events.type == expected) & (events.at == sales_at[row])
    )
    trigger = np.full(sales_at.size, -1, dtype=np.int64)
    owners, first = np.unique(row[match], return_index=True)
    trigger[owners] = match[first]
    return trigger
