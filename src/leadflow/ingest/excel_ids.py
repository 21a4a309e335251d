"""Record ids a spreadsheet shortened: refused, never stored as another record's id.

Excel reads a cell of digits as a number and keeps 15 significant digits of it. A CRM
export opened and saved again in Excel so loses the end of every long numeric id, and
the saved file holds one of two things:

    1.23457E+14            the number as Excel shows it in a narrow column (scientific
                           notation, the digits after the sixth gone); ``1,23457E+14``
                           where the decimal separator is a comma
    123456789012345000     an id of more than 15 digits, every digit after the 15th
                           turned into 0 (Zoho's 19-digit ids, HubSpot's long ones)

A Salesforce id that starts with digits and holds one ``E`` (``0015000000123E4``) is
read as a number too, and comes back as the first form. Either way the original id
cannot be recovered from the file, and stored, it would name another record, or none:
the row is refused with the reason, and the fix is to export again and import the
CRM's file as it is (or open it with the id columns as Text).

A numeric id column someone formatted as a number with thousands separators is saved as
Excel shows it, every digit kept: ``1.234.567`` (German, Dutch, Spanish, Italian),
``1,234,567``, ``1 234 567`` (French), ``12'345'678`` (Swiss). Kept so, it would be a
second id for the record (``hubspot:1.234.567`` beside ``hubspot:1234567``) and would
match nothing in the CRM: the grouping is dropped (no record id of a CRM is written so).
"""

from __future__ import annotations

import re

from leadflow.ingest.normalise import InvalidValueError

__all__ = ["EXCEL_DIGITS", "excel_shortened", "whole_id"]

# Excel keeps this many significant digits of a number.
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?E[+-]?[0-9]+", re.IGNORECASE)
# Digits grouped by threes with one thousands separator throughout: "1.234.567".
_GROUPED = re.compile(r"[0-9]{1,3}(?P<mark>[.,'\u2019 \u00a0\u202f])[0-9]{3}(?:(?P=mark)[0-9]{3})*")
_NOT_DIGITS = re.compile(r"[^0-9]")


def excel_shortened(text: str) -> str | None:
    """Why ``text`` cannot be a whole record id (Excel shortened it), or None."""
    cell = text.strip()
    if _SCIENTIFIC.fullmatch(cell):
        return (
            f"{cell!r} is an id Excel turned into a number (scientific notation, the "
            f"digits after the first few lost; Excel keeps {EXCEL_DIGITS} digits at most)"
        )
    digits = cell.isascii() and cell.isdigit()
    if digits and len(cell) > EXCEL_DIGITS and not cell[EXCEL_DIGITS:].strip("0"):
        return (
            f"{cell!r} is an id of {len(cell)} digits ending in zeros after the "
            f"{EXCEL_DIGITS}th: Excel keeps {EXCEL_DIGITS} significant digits, so its "
            "last digits were lost"
        )
    return None


def whole_id(text: str) -> str:
    """``text`` without a thousands grouping, unless Excel shortened it: InvalidValueError
    saying so and what to do."""
    if not text.isdigit() and _GROUPED.fullmatch(cell := text.strip()):
        text = _NOT_DIGITS.sub("", cell)
    reason = excel_shortened(text)
    if reason is not None:
        raise InvalidValueError(
            f"{reason}; export the file again and import it as the CRM wrote it (or open "
            "it with the id columns as Text)"
        )
    return text
