"""Time is a parameter: every layer gets a Clock or a `now`; none reads the wall clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

__all__ = [
    "Clock",
    "FixedClock",
    "SystemClock",
    "ensure_utc",
    "moments_in_utc",
    "parse_instant",
    "utc_text",
]

# A moment as ``datetime.isoformat`` writes one with its offset: what older code wrote
# into webhook payloads and exports (``2026-06-01T12:00:00+00:00``).
_OFFSET_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told; tests and replays move it forward."""

    current: datetime

    def now(self) -> datetime:
        return self.current


def ensure_utc(moment: datetime) -> datetime:
    """Refuse naive datetimes (their meaning depends on the machine) and convert to UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment.isoformat()} has no time zone; give an offset or 'Z'")
    return moment.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant (``2026-01-31T09:00:00Z``); a date alone means midnight UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:  # Python's wording ("Invalid isoformat string", offsets as timedelta)
        raise ValueError(f"{text!r} is not an ISO 8601 moment like 2026-06-30T12:00:00Z") from None
    if moment.tzinfo is None and len(value) == 10:
        moment = moment.replace(tzinfo=UTC)
    return ensure_utc(moment)


def utc_text(moment: datetime) -> str:
    """A moment as leadflow writes it for clients: ISO 8601 in UTC ending in ``Z``
    (``2026-06-01T12:00:00Z``, ``...12:00:00.250000Z``), as pydantic writes the API's
    replies, so a webhook's moment and the API's compare as text."""
    return ensure_utc(moment).isoformat().removesuffix("+00:00") + "Z"


def moments_in_utc(document: Any) -> Any:
    """A JSON document with every moment in it written by ``utc_text``: ``datetime``
    values, and text that is a moment with an offset (``+00:00``, ``+01:00``); other
    values, and text that merely starts like a date, are left as they are."""
    if isinstance(document, datetime):
        return utc_text(document)
    if isinstance(document, str):
        if _OFFSET_MOMENT.fullmatch(document):
            return utc_text(datetime.fromisoformat(document))
        return document
    if isinstance(document, dict):
        return {key: moments_in_utc(value) for key, value in document.items()}
    if isinstance(document, list):
        return [moments_in_utc(value) for value in document]
    return document
