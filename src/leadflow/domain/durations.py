"""Durations as people write them for retention windows and schedules: ``30m``, ``24h``, ``7d``.

    parse_duration("7d")              -> timedelta(days=7)
    format_duration(timedelta(hours=36)) -> "36h"

A whole number and one unit (``m`` minutes, ``h`` hours, ``d`` days, ``w`` weeks): no
fractions and no mixed units, so a window reads the same in a setting, an option and
the command's answer. Between a minute and about a hundred years; a larger window would
put the cut-off before year 1 and is a typo anyway.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["MAX_DURATION", "format_duration", "parse_duration"]

_UNITS: dict[str, timedelta] = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}
_SHAPE = re.compile(r"(\d{1,9})\s*([mhdw])")
MAX_DURATION = timedelta(days=36_500)


def parse_duration(text: str) -> timedelta:
    """``text`` as a duration; ValueError says what is wrong in words a user can act on."""
    found = _SHAPE.fullmatch(text.strip().lower())
    if found is None:
        raise ValueError(f"{text!r} is not a duration like 30m, 24h, 7d or 2w")
    amount, unit = int(found.group(1)), found.group(2)
    if amount == 0:
        raise ValueError(f"{text!r}: a duration must be longer than 0")
    duration = amount * _UNITS[unit]
    if duration > MAX_DURATION:
        raise ValueError(f"{text!r}: a duration may be at most {MAX_DURATION.days}d")
    return duration


def format_duration(duration: timedelta) -> str:
    """Whole days, else hours, else minutes (seconds round down), as ``parse_duration`` reads.

    Weeks are read but not written: "14d" is plainer than "2w" next to "30d".
    """
    for unit in ("d", "h"):
        if duration >= _UNITS[unit] and duration % _UNITS[unit] == timedelta(0):
            return f"{duration // _UNITS[unit]}{unit}"
    return f"{duration // _UNITS['m']}m"
