"""Deal amounts in one currency, so a report never adds euros to pounds.

A workspace's deals may be in several currencies (a European company sells in EUR, GBP,
CHF, SEK). The reports' value columns are in one *report currency*: ``costs.yaml``'s
``currency`` when it names one, else the currency most deals are in. A deal in another
currency is converted at ``exchange_rates`` (report-currency units per unit of the
deal's currency); one whose currency has no rate is left out of the values, never
added as if it were the report currency, and the report's notes say how many.
A deal without a currency is taken to be in the report currency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_CURRENCY", "Amounts", "convert", "money_notes", "most_common_currency"]

DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class Amounts:
    currency: str  # the report currency
    values: npt.NDArray[np.float64]  # each deal in it; 0 for one left out
    converted: tuple[str, ...] = ()  # other currencies converted at a rate
    left_out: Mapping[str, int] = field(default_factory=dict)  # currency -> deals left out


def convert(
    amounts: Sequence[float | None],
    currencies: Sequence[str | None],
    *,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
) -> Amounts:
    """Each deal's amount in the report currency (``currency``, else the most common)."""
    rates = rates or {}
    codes = [_normal(code) for code in currencies]
    report = currency or _most_common(codes)
    values = np.array([0.0 if a is None else float(a) for a in amounts], dtype=np.float64)
    values = np.nan_to_num(values)
    converted: set[str] = set()
    left_out: Counter[str] = Counter()
    for index, code in enumerate(codes):
        if code is None or code == report:
            continue
        rate = rates.get(code)
        if rate is None:
            left_out[code] += 1
            values[index] = 0.0
        else:
            converted.add(code)
            values[index] *= rate
    return Amounts(report, values, tuple(sorted(converted)), dict(sorted(left_out.items())))


def most_common_currency(counts: Mapping[str | None, int]) -> str:
    """The currency most deals are in, from deal counts per currency as stored (any
    case, None for a deal without one); EUR when none says."""
    tally: Counter[str] = Counter()
    for code, count in counts.items():
        normal = _normal(code)
        if normal is not None:
            tally[normal] += count
    return _most_common(list(tally.elements()))


def _normal(code: str | None) -> str | None:
    return None if code is None else code.strip().upper() or None


def _most_common(codes: Sequence[str | None]) -> str:
    counts = Counter(code for code in codes if code is not None)
    if not counts:
        return DEFAULT_CURRENCY
    # The most deals; a tie goes to the alphabetically first, so reports are stable.
    return min(counts, key=lambda code: (-counts[code], code))


def money_notes(amounts: Amounts) -> list[str]:
    """What a report says of its values when its deals were in several currencies."""
    notes = []
    if amounts.converted:
        notes.append(
            f"values in {amounts.currency}; deals in {', '.join(amounts.converted)} converted "
            "at the exchange rates of costs.yaml"
        )
    if amounts.left_out:
        counts = ", ".join(f"{code}: {count}" for code, count in amounts.left_out.items())
        notes.append(
            f"values in {amounts.currency}; deals left out of them (no exchange rate in "
            f"costs.yaml): {counts}"
        )
    return notes
