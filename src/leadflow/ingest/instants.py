"""Dates and times as exports write them, to timezone-aware UTC.

Accepted, in this order:

    1700000000000 / 1700000000       epoch milliseconds (HubSpot API) / seconds
    2024-03-05T14:22:11.000+0000     ISO 8601, with or without time, offset or "Z"
    05.03.2024 14:22                 dotted: always day first (German, Norwegian, Dutch)
    05/03/2024, 3/5/2024 2:22 PM     slashed or dashed: day first when the first number
                                     is above 12, month first when the second is, else
                                     as ``day_first`` says (the caller's default region)
    5 Mar 2024, March 5, 2024        English month names

A time without an offset is read in ``zone`` (the file's time zone, UTC unless told),
because HubSpot and Salesforce reports write local times without saying which.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from leadflow.ingest.normalise import InvalidValueError

__all__ = ["parse_instant"]

_NUMERIC = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})"
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?",
    re.IGNORECASE,
)
_NAMED_FORMATS: tuple[str, ...] = (
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y %H:%M",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M %p",
)
_EARLIEST, _LATEST = 1900, 2200


def parse_instant(text: str, *, zone: tzinfo = UTC, day_first: bool = True) -> datetime:
    """An aware UTC datetime from any of the spellings above; InvalidValueError otherwise."""
    value = text.strip()
    # ISO 8601 first: what nearly every export writes (an epoch is all digits, so the
    # order of the first two readers does not change any answer).
    moment = _iso(value) or _epoch(value) or _numeric(value, zone, day_first) or _named(value)
    if moment is None:
        raise InvalidValueError(f"{text!r} is not a date or time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if not _EARLIEST <= moment.year <= _LATEST:
        raise InvalidValueError(f"{text!r} is out of range (years {_EARLIEST}-{_LATEST})")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _epoch(value: str) -> datetime | None:
    # isdecimal, not isdigit: "²" is a digit to isdigit but not to int().
    if not value.isdecimal() or len(value) not in (10, 13):
        return None
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC)


def _iso(value: str) -> datetime | None:
    if len(value) < 10 or value[4] != "-":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _numeric(value: str, zone: tzinfo, day_first: bool) -> datetime | None:
    match = _NUMERIC.fullmatch(value)
    if match is None:
        return None
    a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
    if len(match["a"]) == 4:
        year, month, day = a, b, c
    else:
        year = c + 2000 if c < 100 else c
        month, day = _order(a, b, match["sep"], day_first)
    hour = _hour(int(match["hour"] or 0), match["ampm"])
    try:
        minute, second = int(match["minute"] or 0), int(match["second"] or 0)
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        raise InvalidValueError(f"{value!r} is not a calendar date") from None


def _order(first: int, second: int, separator: str, day_first: bool) -> tuple[int, int]:
    """(month, day) from two leading numbers."""
    if separator == "." or first > 12:
        return second, first
    if second > 12:
        return first, second
    return (second, first) if day_first else (first, second)


def _hour(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    afternoon = ampm.lower().startswith("p")
    return hour % 12 + (12 if afternoon else 0)


def _named(value: str) -> datetime | None:
    for pattern in _NAMED_FORMATS:
        try:
            return datetime.strptime(value, pattern)  # noqa: DTZ007 - zone is attached after
        except ValueError:
            continue
    return None
