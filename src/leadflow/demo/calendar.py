"""The seller's marketing calendar inside the window: e-mail sends, webinars, trade events.

E-mail opens happen after a send, webinar attendance on the webinar's day, badge scans
at a conference: behaviour snaps its raw times onto this calendar, which is what makes
the event stream look like a real company's and not like uniform noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from leadflow.demo.catalog import CONFERENCES, WEBINAR_TOPICS
from leadflow.demo.config import WorldConfig

__all__ = ["Calendar", "Schedule", "build_calendar"]

Times = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Schedule:
    """Dated occasions in time order: ``at[i]`` (epoch seconds) is called ``names[i]``."""

    at: Times
    names: tuple[str, ...]

    def next_after(self, moments: Times) -> npt.NDArray[np.intp]:
        """Index of the first occasion at or after each moment; ``len`` when there is none."""
        return np.searchsorted(self.at, moments, side="left")

    def last_before(self, moments: Times) -> npt.NDArray[np.intp]:
        """Index of the last occasion at or before each moment; -1 when there is none."""
        return np.searchsorted(self.at, moments, side="right") - 1


@dataclass(frozen=True, slots=True)
class Calendar:
    sends: Schedule  # marketing e-mails: a Tuesday newsletter and a Thursday nurture mail
    webinars: Schedule  # one a month, second Wednesday 14:00 UTC
    conferences: Schedule  # yearly trade events, 09:00 UTC on their first day


def build_calendar(config: WorldConfig) -> Calendar:
    start, end = config.window_start, config.window_end
    return Calendar(_sends(start, end), _webinars(start, end), _conferences(start, end))


def _schedule(items: list[tuple[datetime, str]]) -> Schedule:
    items.sort()
    at = np.array([int(moment.timestamp()) for moment, _ in items], dtype=np.int64)
    return Schedule(at, tuple(name for _, name in items))


def _sends(start: datetime, end: datetime) -> Schedule:
    items: list[tuple[datetime, str]] = []
    day = start
    while day < end:
        if day.weekday() == 1:
            items.append((day.replace(hour=8), f"newsletter-{day:%Y-%m-%d}"))
        elif day.weekday() == 3:
            items.append((day.replace(hour=9), f"nurture-{day:%Y-%m-%d}"))
        day += timedelta(days=1)
    return _schedule(items)


def _webinars(start: datetime, end: datetime) -> Schedule:
    items: list[tuple[datetime, str]] = []
    for year, month in _months(start, end):
        first = datetime(year, month, 1, 14, tzinfo=UTC)
        second_wednesday = first + timedelta(days=(2 - first.weekday()) % 7 + 7)
        if start <= second_wednesday < end:
            topic = WEBINAR_TOPICS[(year * 12 + month) % len(WEBINAR_TOPICS)]
            items.append((second_wednesday, f"webinar-{year}-{month:02d}-{topic}"))
    return _schedule(items)


def _conferences(start: datetime, end: datetime) -> Schedule:
    items: list[tuple[datetime, str]] = []
    for year in range(start.year, end.year + 1):
        for slug, month, day in CONFERENCES:
            moment = datetime(year, month, day, 9, tzinfo=UTC)
            if start <= moment < end:
                items.append((moment, f"{slug}-{year}"))
    return _schedule(items)


def _months(start: datetime, end: datetime) -> list[tuple[int, int]]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]
