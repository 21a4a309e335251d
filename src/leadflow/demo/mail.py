"""Marketing e-mail: opens and clicks on the send calendar, bounces and unsubscribes.

Reactions are drawn as raw moments and snapped to the next send, then consent shapes
them: an address that bounces gets one bounce and nothing else; a contact who
unsubscribes does so from one e-mail and reacts to none after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leadflow.demo.calendar import Calendar
from leadflow.demo.config import WorldConfig
from leadflow.demo.events import Events
from leadflow.demo.people import People
from leadflow.demo.properties import CLICK_PAGES, PropertyTable
from leadflow.demo.sessions import MailDraw
from leadflow.demo.truth import CHANNEL_VALUES

__all__ = ["BOUNCE", "UNSUBSCRIBE", "Mail", "draw_mail"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# Per channel: the share of addresses that bounce, and of readers who unsubscribe.
BOUNCE: dict[str, float] = {"purchased": 0.10, "outbound_list": 0.06, "events": 0.02}
UNSUBSCRIBE: dict[str, float] = {"purchased": 0.14, "outbound_list": 0.12}
_BOUNCE_DEFAULT, _UNSUBSCRIBE_DEFAULT = 0.005, 0.05


@dataclass(frozen=True, slots=True)
class Mail:
    events: Events
    withdrawn: Bools  # per contact row
    bounced: Bools


def draw_mail(
    config: WorldConfig,
    calendar: Calendar,
    table: PropertyTable,
    people: People,
    draw: MailDraw,
    rng: np.random.Generator,
) -> Mail:
    sends = calendar.sends
    send = sends.next_after(draw.at)
    valid = send < sends.at.size
    row, send, click = draw.row[valid], send[valid], draw.click[valid]
    opened = sends.at[send] + 60 + rng.exponential(5 * 3600, size=row.size).astype(np.int64)
    clicked = opened + rng.integers(10, 600, size=row.size)
    bounced = rng.random(people.size) < _per_channel(people, BOUNCE, _BOUNCE_DEFAULT)
    readers = ~bounced[row] & (opened < config.end_s)
    row, send, click, opened, clicked = (
        row[readers],
        send[readers],
        click[readers],
        opened[readers],
        clicked[readers],
    )
    withdrawn, quit_at, quit_send = _unsubscribes(config, people, row, send, opened, rng)
    keep = opened <= quit_at[row]
    row, send, click, opened, clicked = (
        row[keep],
        send[keep],
        click[keep],
        opened[keep],
        clicked[keep],
    )
    click &= (clicked <= quit_at[row]) & (clicked < config.end_s)
    page = rng.integers(len(CLICK_PAGES), size=int(click.sum()))
    number = people.number
    parts = [
        Events.of(number[row], "email_open", opened, table.email("email_open", send)),
        Events.of(
            number[row[click]],
            "email_click",
            clicked[click],
            table.email("email_click", send[click], page),
        ),
        _bounces(config, calendar, table, people, bounced),
    ]
    gone = np.flatnonzero(withdrawn)
    parts.append(
        Events.of(
            number[gone], "unsubscribe", quit_at[gone], table.email("unsubscribe", quit_send[gone])
        )
    )
    return Mail(Events.concat(parts), withdrawn, bounced)


def _unsubscribes(
    config: WorldConfig,
    people: People,
    row: Ints,
    send: Ints,
    opened: Ints,
    rng: np.random.Generator,
) -> tuple[Bools, Ints, Ints]:
    """Some readers leave from one of the e-mails they opened; a moment after opening it."""
    wants = rng.random(people.size) < _per_channel(people, UNSUBSCRIBE, _UNSUBSCRIBE_DEFAULT)
    order = np.lexsort((rng.random(row.size), row))
    last = order[np.r_[row[order][1:] != row[order][:-1], True]] if row.size else order
    chosen = last[wants[row[last]]]
    moment = opened[chosen] + rng.integers(30, 1800, size=chosen.size)
    chosen, moment = chosen[moment < config.end_s], moment[moment < config.end_s]
    quit_at = np.full(people.size, np.iinfo(np.int64).max, dtype=np.int64)
    quit_send = np.zeros(people.size, dtype=np.int64)
    quit_at[row[chosen]] = moment
    quit_send[row[chosen]] = send[chosen]
    withdrawn = np.zeros(people.size, dtype=np.bool_)
    withdrawn[row[chosen]] = True
    return withdrawn, quit_at, quit_send


def _bounces(
    config: WorldConfig, calendar: Calendar, table: PropertyTable, people: People, bounced: Bools
) -> Events:
    """The first send after an undeliverable address was added bounces."""
    rows = np.flatnonzero(bounced)
    send = calendar.sends.next_after(people.created[rows] + 1)
    valid = send < calendar.sends.at.size
    rows, send = rows[valid], send[valid]
    moment = calendar.sends.at[send] + 120
    inside = moment < config.end_s
    rows, send, moment = rows[inside], send[inside], moment[inside]
    return Events.of(people.number[rows], "email_bounce", moment, table.email("email_bounce", send))


def _per_channel(
    people: People, shares: dict[str, float], default: float
) -> npt.NDArray[np.float64]:
    table = np.array([shares.get(name, default) for name in CHANNEL_VALUES])
    return np.asarray(table[people.channel], dtype=np.float64)
