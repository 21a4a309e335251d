"""Business hours: SLA clocks that only tick while a team is at work.

A hand-off made on Friday at 18:00 with "accept within 4 business hours" is due on
Monday around noon, not at 22:00 the same night. The arithmetic here is done in the
team's own time zone, because working hours are wall-clock times ("09:00-17:00 in
Oslo"), and measured in real elapsed time, because an SLA is a promise about how long
someone waits:

    WorkingWeek       opening hours per weekday, as local wall-clock minutes
                      ("mon-fri 09:00-17:00; sat 10:00-13:00")
    BusinessCalendar  a WorkingWeek in a time zone, minus holidays (local dates)
        add_hours(start, h)        the moment h working hours after start
        hours_between(a, b)        working hours elapsed from a to b
        is_open(moment)            inside working hours?
        day_open(start, n)         opening of the n-th business day from start
        day_close(start, n)        close of the n-th business day from start

Daylight saving time: a local time is turned into an instant with ``zoneinfo``'s
default ``fold=0``. A day whose clocks jump forward inside the working hours has one
working hour less, a day whose clocks fall back has one more: the promise is in
elapsed time. A wall-clock time that does not exist (02:30 on the spring-forward
night) is read with the offset in force before the jump, as ``zoneinfo`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadflow.domain.clock import ensure_utc

__all__ = [
    "OFFICE_WEEK",
    "WEEKDAYS",
    "BusinessCalendar",
    "WorkingWeek",
    "time_zone",
]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 24 * 60
# How far ahead the arithmetic looks for open hours before deciding there are none:
# ten years covers any holiday list a team could write.
_HORIZON_DAYS = 3660

Span = tuple[int, int]  # minutes after local midnight, start < end <= 1440

_DAYS = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?$")
_SPAN = re.compile(r"^(?P<h1>\d{1,2}):(?P<m1>\d{2})-(?P<h2>\d{1,2}):(?P<m2>\d{2})$")


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Oslo``); ValueError with one line if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"unknown time zone {name!r} (use an IANA name, e.g. Europe/Amsterdam)"
        raise ValueError(message) from None


def _day_range(names: str) -> range:
    match = _DAYS.match(names)
    if match is None or match["first"] not in WEEKDAYS or (match["last"] or "mon") not in WEEKDAYS:
        raise ValueError(f"{names!r} is not a weekday or range of weekdays (e.g. mon-fri)")
    first = WEEKDAYS.index(match["first"])
    last = WEEKDAYS.index(match["last"]) if match["last"] else first
    if last < first:
        raise ValueError(f"{names!r}: a range of days runs from Monday towards Sunday")
    return range(first, last + 1)


def _span(text: str) -> Span:
    match = _SPAN.match(text.strip())
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a span of hours like 09:00-17:00")
    first = int(match["h1"]) * 60 + int(match["m1"])
    last = int(match["h2"]) * 60 + int(match["m2"])
    if int(match["m1"]) > 59 or int(match["m2"]) > 59:
        raise ValueError(f"{text.strip()!r}: minutes run from 00 to 59")
    return first, last


def _check_spans(spans: tuple[Span, ...]) -> None:
    previous_end = -1
    for first, last in spans:
        if not 0 <= first < last <= _MINUTES_PER_DAY:
            raise ValueError(
                f"{_span_text((first, last))}: a span starts before it ends, within one day"
            )
        if first < previous_end:
            raise ValueError(f"{_span_text((first, last))} overlaps the span before it")
        previous_end = last


def _span_text(span: Span) -> str:
    first, last = span
    return f"{first // 60:02d}:{first % 60:02d}-{last // 60:02d}:{last % 60:02d}"


@dataclass(frozen=True, slots=True)
class WorkingWeek:
    """Opening hours for each weekday (Monday first), in local wall-clock minutes."""

    days: tuple[tuple[Span, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("a working week has seven days")
        for spans in self.days:
            _check_spans(spans)
        if not any(self.days):
            raise ValueError("a working week needs some working hours")

    @classmethod
    def parse(cls, text: str) -> WorkingWeek:
        """``"mon-fri 09:00-17:00; sat 10:00-13:00"``; a day may list several spans
        (``"mon-fri 08:30-12:00,13:00-17:30"``). Days not named are closed."""
        days: list[list[Span]] = [[] for _ in WEEKDAYS]
        parts = [part.strip() for part in text.casefold().split(";") if part.strip()]
        if not parts:
            raise ValueError("working hours are empty; write e.g. 'mon-fri 09:00-17:00'")
        for part in parts:
            names, _, spans = part.partition(" ")
            for index in _day_range(names):
                days[index].extend(_span(item) for item in spans.split(","))
        return cls(tuple(tuple(sorted(spans)) for spans in days))

    def __str__(self) -> str:
        """The canonical text, consecutive days with equal hours joined (``mon-fri ...``);
        ``parse(str(week)) == week``."""
        parts: list[str] = []
        index = 0
        while index < len(WEEKDAYS):
            last = index
            while last + 1 < len(WEEKDAYS) and self.days[last + 1] == self.days[index]:
                last += 1
            if self.days[index]:
                names = WEEKDAYS[index] if last == index else f"{WEEKDAYS[index]}-{WEEKDAYS[last]}"
                parts.append(f"{names} {','.join(_span_text(span) for span in self.days[index])}")
            index = last + 1
        return "; ".join(parts)


OFFICE_WEEK = WorkingWeek.parse("mon-fri 09:00-17:00")


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When a team works: a week of opening hours in its time zone, minus its holidays."""

    zone: ZoneInfo
    week: WorkingWeek = OFFICE_WEEK
    holidays: frozenset[date] = frozenset()

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``start`` (``start`` itself for 0)."""
        if hours < 0:
            raise ValueError("business hours to add must not be negative")
        remaining = timedelta(hours=hours)
        for opens, closes in self._spans_from(ensure_utc(start)):
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
        raise AssertionError("unreachable: _spans_from raises when it runs out")

    def hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours elapsed from ``start`` to ``end`` (0 when end is not later)."""
        start, end = ensure_utc(start), ensure_utc(end)
        elapsed = timedelta()
        if end <= start:
            return 0.0
        for opens, closes in self._spans_from(start):
            if opens >= end:
                break
            elapsed += min(closes, end) - opens
        return elapsed / timedelta(hours=1)

    def is_open(self, moment: datetime) -> bool:
        moment = ensure_utc(moment)
        local_day = moment.astimezone(self.zone).date()
        return any(opens <= moment < closes for opens, closes in self.spans_on(local_day))

    def day_open(self, start: datetime, number: int) -> datetime:
        """When the ``number``-th business day counted from ``start`` opens (day 1 is the
        first with working time left after ``start``; on it, ``start`` if it is open)."""
        opens, _ = self._business_day(ensure_utc(start), number)
        return opens

    def day_close(self, start: datetime, number: int) -> datetime:
        """When the ``number``-th business day counted from ``start`` closes."""
        _, closes = self._business_day(ensure_utc(start), number)
        return closes

    def spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working spans of a local date as UTC instants (none on a holiday)."""
        if day in self.holidays:
            return []
        spans: list[tuple[datetime, datetime]] = []
        for first, last in self.week.days[day.weekday()]:
            opens, closes = self._instant(day, first), self._instant(day, last)
            if spans:  # a span ending at a time the clocks skipped may overlap the next
                opens = max(opens, spans[-1][1])
            if closes > opens:
                spans.append((opens, closes))
        return spans

    def _business_day(self, start: datetime, number: int) -> tuple[datetime, datetime]:
        if number < 1:
            raise ValueError("business days are counted from 1")
        seen = 0
        for day in self._days_from(start):
            spans = [(max(a, start), b) for a, b in self.spans_on(day) if b > start]
            if spans:
                seen += 1
                if seen == number:
                    return spans[0][0], spans[-1][1]
        raise AssertionError("unreachable: _days_from raises when it runs out")

    def _spans_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working spans ending after ``start``, in order, the first clipped to it."""
        for day in self._days_from(start):
            for opens, closes in self.spans_on(day):
                if closes > start:
                    yield max(opens, start), closes

    def _days_from(self, start: datetime) -> Iterator[date]:
        # Spans of a local date lie within that date, so nothing before it can matter.
        first = start.astimezone(self.zone).date()
        for offset in range(_HORIZON_DAYS):
            yield first + timedelta(days=offset)
        raise ValueError(f"no working hours within {_HORIZON_DAYS} days of {start.isoformat()}")

    def _instant(self, day: date, minutes: int) -> datetime:
        if minutes == _MINUTES_PER_DAY:
            day, minutes = day + timedelta(days=1), 0
        wall = time(minutes // 60, minutes % 60)
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)
