"""Numbers written as text, read as the people who wrote them meant them.

A custom column of a CRM export (``Seats``, ``Budget``) reaches the engine as text, in
the writer's conventions: ``25.000`` is twenty-five thousand to a German, Dutch or
Norwegian team and ``25,000`` to a British one; ``2,5`` is two and a half in most of
Europe. The imports read sizes and amounts that way (``ingest.normalise.parse_amount``);
a fit rule comparing a text attribute must read it the same way, or ``seats: {at_least:
1000}`` fails a company with ``25.000`` seats.

Only well-formed numbers are read: digits grouped by threes under one mark (``.``,
``,``, an apostrophe or a space), then a decimal part behind the other mark. A date
(``05.03.2026``) or a slip (``1..2``) is no number.
"""

from __future__ import annotations

import math
import re

__all__ = ["written_number"]

# One mark between a 1-3 digit head and a 3 digit tail: thousands ("25.000", "1,234"),
# unless the head is 0 ("0,500" is a half).
_ONE_MARK = re.compile(r"(?P<head>[0-9]+)(?P<mark>[.,])(?P<tail>[0-9]+)")
# Groups of three under one mark, then maybe a decimal part behind another.
_GROUPED = re.compile(
    r"[0-9]{1,3}(?P<group>[.,'\u2019 \u00a0\u202f])[0-9]{3}(?:(?P=group)[0-9]{3})*"
    r"(?:(?P<decimal>[.,])(?P<fraction>[0-9]+))?"
)


def written_number(text: str) -> float | None:
    """``"25.000"`` -> 25000.0, ``"2,5"`` -> 2.5, ``"1.234.567,89"``, ``"1 234"``,
    ``"1'234.50"``, ``"1_000"``, ``"-3"``, ``"1e3"``; None for text that is no number."""
    value = text.strip().replace("_", "")
    negative = value.startswith("-")
    digits = value[1:] if value.startswith(("+", "-")) else value
    read = _grouped(digits) if digits[:1].isdigit() else None
    if read is None:
        read = _plain(digits)
    return None if read is None else (-read if negative else read)


def _grouped(digits: str) -> float | None:
    one = _ONE_MARK.fullmatch(digits)
    if one is not None:
        head, tail = one["head"], one["tail"]
        thousands = len(tail) == 3 and len(head) <= 3 and head[0] != "0"
        return float(head + tail) if thousands else float(f"{head}.{tail}")
    grouped = _GROUPED.fullmatch(digits)
    if grouped is None or grouped["decimal"] == grouped["group"]:
        return None
    if grouped["decimal"] is None:
        return float(re.sub(r"[^0-9]", "", digits))
    whole = re.sub(r"[^0-9]", "", digits[: grouped.start("decimal")])
    return float(f"{whole}.{grouped['fraction']}")


def _plain(digits: str) -> float | None:
    """Python's own reading (``1e3``, ``.5``), for what has no comma, at most one dot and
    no second sign."""
    if "," in digits or digits.count(".") > 1 or digits.startswith(("+", "-")):
        return None
    try:
        number = float(digits)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
