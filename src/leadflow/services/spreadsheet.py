"""CSV cells a spreadsheet opens safely: leadflow's downloads (reports, leads) are opened
in Excel or LibreOffice more often than read by a program.

A text that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) would be run by the spreadsheet, and a contact's name is whatever a web form
was sent: it gets a leading apostrophe, which spreadsheets show as text. An absent
value (None, or NaN for "not applicable") is an empty cell.
"""

from __future__ import annotations

__all__ = ["spreadsheet_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value
