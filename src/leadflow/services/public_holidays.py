"""A country's public holidays as a team's days off, from the ``holidays`` package.

Sales teams in Europe keep their country's (or region's) public holidays: Norway's
17 May, Germany's Corpus Christi in Bavaria but not in Berlin. Typing them by hand each
year is how an SLA clock ends up ticking on a day nobody works; the ``holidays``
package keeps them per country and subdivision, with their names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import holidays

from leadflow.ingest.countries import country_code
from leadflow.services.refusals import InvalidInputError

__all__ = ["public_holidays"]

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the days a team's calendar takes (services.reps)
MOST_YEARS = 5


def public_holidays(
    country: str, years: Sequence[int], subdivision: str | None = None
) -> dict[date, str]:
    """Day -> English name of the country's public holidays in those years (the
    subdivision's own included: a German Land, a Swiss canton, a Spanish community)."""
    code = _country(country)
    _check_years(years)
    supported = holidays.list_supported_countries()
    regions = supported[code]
    region = None if subdivision is None else subdivision.strip().upper()
    if region is not None and region not in regions:
        known = ", ".join(regions) or "none"
        raise InvalidInputError(
            f"{code} has no subdivision {subdivision!r}; its subdivisions: {known}"
        )
    calendar = holidays.country_holidays(code, subdiv=region, years=years, language="en_US")
    return dict(sorted(calendar.items()))


def _country(text: str) -> str:
    code = country_code(text)
    if code is None or code not in holidays.list_supported_countries():
        raise InvalidInputError(
            f"no public holidays known for country {text!r}: give its ISO code (NO, DE, NL, ...)"
        )
    return code


def _check_years(years: Sequence[int]) -> None:
    if not years:
        raise InvalidInputError("name at least one year, e.g. 2027")
    if len(set(years)) > MOST_YEARS:
        raise InvalidInputError(f"at most {MOST_YEARS} years at once")
    for year in years:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInputError(f"year {year} must fall between {FIRST_YEAR} and {LAST_YEAR}")
