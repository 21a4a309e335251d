"""Numbers written as text in one column of an export, read by the column's convention.

``domain.numbers.written_number`` reads one value as a fit rule does: ``25,000`` is
English thousands (25000), ``2,5`` a decimal comma, ``25.000`` a decimal point (25). A
column tells more than one value: when any of its values can only be a decimal comma
(``2,5``, ``0,75``, ``1.250.000``, ``12.500,50``) and none only a decimal point or comma
thousands (``2.5``, ``3,400,000``, ``12,500.50``), the column is European and its ``1,250``
is 1.25 and its ``25.000`` is 25000. Otherwise every value is read as ``written_number``
reads it, so learning, fit rules and scoring agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from leadflow.domain.numbers import written_number

__all__ = ["column_number", "reads_decimal_comma"]

# One mark between digits: "1,250", "2,5", "25.000", "2.5".
_ONE_MARK = re.compile(r"(?P<head>[0-9]+)(?P<mark>[.,])(?P<tail>[0-9]+)")
# Two or more groups of three under one mark, maybe a decimal part behind the other.
_GROUPED = re.compile(r"[0-9]{1,3}(?P<group>[.,])[0-9]{3}(?:(?P=group)[0-9]{3})*(?:[.,][0-9]+)?")


def reads_decimal_comma(texts: Iterable[str]) -> bool:
    """Whether a column's values are written with a decimal comma (and dot thousands)."""
    comma = point = False
    for text in texts:
        mark = _decimal_mark(text.strip().lstrip("+-"))
        comma |= mark == ","
        point |= mark == "."
    return comma and not point


def column_number(text: str, *, decimal_comma: bool) -> float | None:
    """One value of a column whose convention is known (None: no number)."""
    if decimal_comma:
        digits = text.strip()
        sign = -1.0 if digits.startswith("-") else 1.0
        one = _ONE_MARK.fullmatch(digits.lstrip("+-"))
        if one is not None:
            head, tail = one["head"], one["tail"]
            if one["mark"] == ",":
                return sign * float(f"{head}.{tail}")
            if len(tail) == 3 and len(head) <= 3:
                return sign * float(head + tail)  # "25.000": dot thousands
    return written_number(text)


def _decimal_mark(digits: str) -> str | None:
    """The mark a value can only have as its decimal mark (None: no evidence)."""
    one = _ONE_MARK.fullmatch(digits)
    if one is not None:
        head, tail = one["head"], one["tail"]
        could_group = len(tail) == 3 and len(head) <= 3 and head[0] != "0"
        return None if could_group else one["mark"]
    grouped = _GROUPED.fullmatch(digits)
    if grouped is None:
        return None
    return "," if grouped["group"] == "." else "."
