"""Numbers written as text, read as the people who wrote them meant them.

A custom column of a CRM export (``Seats``, ``Budget``) reaches the engine as text, in
the writer's conventions: ``1.234.567,89`` in most of Europe, ``1,234,567.89`` in
Britain, ``1 234 567`` in France and Norway, ``1'234.50`` in Switzerland, ``2,5`` for
two and a half. Python's ``float`` reads none of these, so a fit rule comparing such a
column failed every contact.

Only well-formed numbers are read: digits grouped by threes under one mark (``.``,
``,``, an apostrophe or a space), then a decimal part behind the other mark. A date
(``05.03.2026``) or a slip (``1..2``) is no number.

One form is ambiguous: a single mark before exactly three digits. ``25.000`` keeps the
reading a number with a decimal point has everywhere else in leadflow's text (25: an
English export's ``4.857`` must stay 4.857), and ``25,000`` is English thousands
(25000: three decimals behind a comma are rare in CRM data). A German team's thousands
are read when the value has two groups or a decimal part (``1.250.000``,
``25.000,00``); a column of sizes or amounts belongs in ``employees`` or ``revenue``,
which the imports read as such.
"""

from __future__ import annotations

import math
import re

__all__ = ["written_number"]

# One mark between digits: a decimal point or comma, or a comma grouping thousands
# ("25,000": a 1-3 digit head, not 0, and three digits after it).
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
        thousands = one["mark"] == "," and len(tail) == 3 and len(head) <= 3 and head[0] != "0"
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
