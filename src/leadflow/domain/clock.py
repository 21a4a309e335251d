"""Time is a parameter: every layer gets a Clock or a `now`; none reads the wall clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "ensure_utc", "parse_instant"]


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
