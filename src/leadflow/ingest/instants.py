"""Dates and times as exports write them, to timezone-aware UTC.

Accepted, in this order:

    1700000000000 / 1700000000       epoch milliseconds (HubSpot API) / seconds
    2024-03-05T14:22:11.000+0000     ISO 8601, with or without time, offset or "Z"
    05.03.2024 14:22                 dotted: always day first (German, Norwegian, Dutch)
    05/03/2024, 3/5/2024 2:22 PM     slashed or dashed: as ``day_first`` says (the
                                     caller's region or mapping); a date that can only be
                                     read the other way (13/03 month first, 3/13 day
                                     first) is refused: read alone, it would be right
                                     while every ambiguous date of the same file (3/4)
                                     was silently read the other way round
    5 Mar 2024, March 5, 2024        English month names
    05-Mar-2024, 5. März 2024,       day, month name, year: the month in any of the
    5 mars 2024 14:22                 European languages of ``MONTH_LANGUAGES``
    2024-03-05 14:22:11 UTC          a trailing "UTC" or "GMT" is the offset +00:00
    45356, 45356.5986, 45356,5986    an Excel serial date (days since 1899-12-30, the
                                     fraction the time of day): what a date cell
                                     formatted as a number, or as "General", writes
    20240305                         eight digits: year, month, day (SAP, ERP exports)
    Dienstag, 5. März 2024,          Excel's "Long Date" format: a weekday in front (it
    martes, 5 de marzo de 2024,      must be the date's), Spanish and Portuguese "de",
    tirsdag den 5. marts 2024        Danish and Swedish "den"; the weekday names in the
                                     languages of ``MONTH_LANGUAGES``

A time without an offset is read in ``zone`` (the file's time zone, UTC unless told),
because HubSpot and Salesforce reports write local times without saying which.

Excel saves a date cell in a CSV as it shows it, so the spelling depends on the cell's
format and the exporting user's language: hence month names in several languages and
serial numbers. A serial is five digits (years 1927-2173), which no other spelling has.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache

from babel import Locale

from leadflow.ingest.countries import fold
from leadflow.ingest.normalise import InvalidValueError

__all__ = ["MONTH_LANGUAGES", "parse_instant"]

# Languages whose month names (full and abbreviated) are read: Europe's common ones. No
# word names two different months among them (a test checks).
MONTH_LANGUAGES = ("en", "de", "fr", "nl", "es", "it", "pt", "da", "sv", "nb", "pl", "fi", "cs")
# Abbreviations in use that CLDR does not list: German Excel's "Mrz", "Sept".
_MORE_MONTHS = {"mrz": 3, "sept": 9}

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
# Day, month name, year: "05-Mar-2024", "5. März 2024", "5 mars 2024 14:22".
_WORDED = re.compile(
    r"(?P<day>\d{1,2})\.?[ -]+(?P<month>[^\W\d_]+)\.?,?[ -]+(?P<year>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_EXCEL_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")  # German Excel: "45356,5986"
_EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a calendar day; zone attached after
_UTC_WORDS = (" utc", " gmt")
# A long date's leading weekday: a word (Portuguese "terça-feira" has a hyphen), its
# abbreviation's dot, a comma.
_WEEKDAY = re.compile(r"(?P<word>[^\W\d_]+(?:-[^\W\d_]+)?)\.?,?\s+")
# The little words of a long date: "24 de noviembre de 2026", "den 24. november 2026".
_PARTICLES = re.compile(r"^den\s+|(?<=\w)\s+de\s+(?=\w)", re.IGNORECASE)


# Where slashed dates put the month first (03/02 is the 2nd of March).
_MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH"})


def day_first_in(region: str | None) -> bool:
    """Whether a file from ``region`` writes slashed dates day first (``03/02`` the 3rd of
    February): everywhere but the United States, Canada and the Philippines; day first
    when the region is unknown, as in Europe."""
    return region not in _MONTH_FIRST_REGIONS


def parse_instant(text: str, *, zone: tzinfo = UTC, day_first: bool = True) -> datetime:
    """An aware UTC datetime from any of the spellings above; InvalidValueError otherwise."""
    value = text.strip()
    # ISO 8601 first: what nearly every export writes (an epoch is all digits, so the
    # order of the first two readers does not change any answer).
    moment = _iso(value) or _epoch(value) or _numeric(value, zone, day_first)
    if moment is None:  # the rarer spellings: a few regular expressions, then strptime's
        moment = _unusual(value) or _named(value) or _long(value)
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
        month, day = _order(a, b, match["sep"], day_first, value)
    hour = _hour(int(match["hour"] or 0), match["ampm"])
    try:
        minute, second = int(match["minute"] or 0), int(match["second"] or 0)
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        raise InvalidValueError(f"{value!r} is not a calendar date") from None


def _order(first: int, second: int, separator: str, day_first: bool, value: str) -> tuple[int, int]:
    """(month, day) from two leading numbers, in the file's one order."""
    if separator == ".":  # dotted dates are day first wherever they are written
        return second, first
    if day_first and second > 12 and first <= 12:
        raise InvalidValueError(_other_order(value, "month first", "day first"))
    if not day_first and first > 12 and second <= 12:
        raise InvalidValueError(_other_order(value, "day first", "month first"))
    return (second, first) if day_first else (first, second)


def _other_order(value: str, written: str, read: str) -> str:
    if written == "month first":
        how = "contacts and deals: --default-region US, or day_first: false in the mapping file"
        events = "false"
    else:
        how = (
            "contacts and deals: day_first: true in the mapping file, or a --default-region"
            " such as GB"
        )
        events = "true"
    return (
        f"{value!r} can only be {written}, but this file's dates are read {read}: one "
        "order holds for the whole file, or a date such as 3/4 would be read the other way "
        f"round without a word; say which ({how}; events: at.day_first: {events})"
    )


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


def _unusual(value: str) -> datetime | None:
    """The rarer spellings (see the module doc), tried after the common ones."""
    if value[-4:].lower() in _UTC_WORDS:
        try:
            return parse_instant(value[:-4], zone=UTC)
        except InvalidValueError:
            return None
    if value.isdecimal() and len(value) == 8:
        return _compact(value)
    if _EXCEL_SERIAL.fullmatch(value):
        # to the second: Excel writes the fraction rounded to 15 digits (.5868 is 14:04:59.52)
        days = float(value.replace(",", "."))
        return _EXCEL_EPOCH + timedelta(seconds=round(days * 86_400))
    return _worded(value)


def _compact(value: str) -> datetime | None:
    try:
        return datetime(int(value[:4]), int(value[4:6]), int(value[6:]))  # noqa: DTZ001
    except ValueError:
        return None


def _worded(value: str) -> datetime | None:
    match = _WORDED.fullmatch(value)
    if match is None:
        return None
    month = _months().get(fold(match["month"]))
    if month is None:
        return None
    year = int(match["year"])
    year += 2000 if year < 100 else 0
    try:
        return datetime(  # noqa: DTZ001 - zone is attached after
            year, month, int(match["day"]),
            int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0),
        )  # fmt: skip
    except ValueError:
        raise InvalidValueError(f"{value!r} is not a calendar date") from None


def _long(value: str) -> datetime | None:
    """Excel's "Long Date" (see the module doc): tried last, so no spelling read before
    changes. A weekday that is not the date's is refused: the cell says two things."""
    rest, weekdays = value, None
    match = _WEEKDAY.match(value)
    if match is not None:
        weekdays = _weekdays().get(fold(match["word"]))
        if weekdays is not None:
            rest = value[match.end() :]
    rest = _PARTICLES.sub(" ", rest).strip()
    if rest == value:
        return None
    moment = _worded(rest) or _named(rest)
    if moment is not None and weekdays is not None and moment.weekday() not in weekdays:
        raise InvalidValueError(f"{value!r} names the wrong weekday for the date")
    return moment


@cache
def _weekdays() -> dict[str, frozenset[int]]:
    """Folded weekday name or abbreviation -> the days it names (0 Monday), built once.
    An abbreviation may name different days in two languages (Danish "to" Thursday,
    Finnish "to" Thursday too, but Czech "po" Monday, Finnish "pe" Friday ...)."""
    days: dict[str, set[int]] = {}
    for language in MONTH_LANGUAGES:
        names = Locale.parse(language).days
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in names[context][width].items():
                    days.setdefault(fold(name).rstrip(". "), set()).add(number)
    return {word: frozenset(numbers) for word, numbers in days.items()}


@cache
def _months() -> dict[str, int]:
    """Folded month name or abbreviation (without its dot) -> month number, built once."""
    months = dict(_MORE_MONTHS)
    for language in MONTH_LANGUAGES:
        names = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in names[context][width].items():
                    months.setdefault(fold(name).rstrip(". "), number)
    return months
