"""A number of days written as a duration (``2w``, ``90 days``, ``6 months``): the number meant.

Keys that count days (``half_life_days``, ``within_days``) take a number. Teams write
the span they think in, in their own language, so the refusal names the number to
write. ``m`` is a month here, never a minute: nobody lets a request go stale in six
minutes, and a long-cycle team writes ``half_life_days: 6m`` for half a year. Months
and years have no fixed length, so the answer says how it counted them.
"""

from __future__ import annotations

import re

__all__ = ["days_meant"]

# Unit words (English, German, Dutch, French, Norwegian: the UI's languages), the days
# in one, and how a unit of no fixed length was counted.
_UNIT_WORDS: tuple[tuple[str, float, str | None], ...] = (
    ("h hr hrs hour hours stunde stunden uur heure heures time timer", 1 / 24, None),
    ("d day days tag tage tagen dag dagen dager jour jours", 1.0, None),
    ("w wk wks week weeks woche wochen weken semaine semaines uke uker", 7.0, None),
    (
        "m mo mon month months monat monate monaten maand maanden mois måned måneder",
        30.0,
        "a month as 30 days",
    ),
    ("y yr yrs year years jahr jahre jahren jaar jaren an ans år", 365.0, "a year as 365 days"),
)
_UNITS = {word: (days, counted) for words, days, counted in _UNIT_WORDS for word in words.split()}
_SHAPE = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")


def days_meant(text: str) -> str | None:
    """``"6 months"`` -> ``"180 (counting a month as 30 days)"``; None when it is no span."""
    found = _SHAPE.fullmatch(text.strip().lower())
    if found is None or found.group(2) not in _UNITS:
        return None
    per_unit, counted = _UNITS[found.group(2)]
    days = float(found.group(1).replace(",", ".")) * per_unit
    if days <= 0:
        return None
    return f"{days:g}" if counted is None else f"{days:g} (counting {counted})"
