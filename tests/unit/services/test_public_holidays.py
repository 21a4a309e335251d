"""A country's (and region's) public holidays, named, for a team's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from leadflow.services.public_holidays import public_holidays
from leadflow.services.refusals import InvalidInputError


def test_norways_holidays_carry_their_names() -> None:
    days = public_holidays("NO", [2027])

    assert "Constitution Day" in days[date(2027, 5, 17)]
    assert days[date(2027, 12, 26)] == "Second Day of Christmas"
    assert date(2027, 7, 17) not in days
    assert all(day.year == 2027 for day in days)


def test_a_region_adds_its_own_and_a_country_is_read_by_its_name() -> None:
    corpus_christi = date(2027, 5, 27)

    assert corpus_christi in public_holidays("Germany", [2027], "BY")  # Bavaria
    assert corpus_christi not in public_holidays("DE", [2027], "be")  # Berlin
    assert corpus_christi not in public_holidays("DE", [2027])


def test_several_years_at_once() -> None:
    days = public_holidays("NL", [2026, 2027])

    assert {date(2026, 4, 27), date(2027, 4, 27)} <= set(days)  # King's Day


@pytest.mark.parametrize(
    ("country", "years", "region", "message"),
    [
        ("Atlantis", [2027], None, "no public holidays known for country 'Atlantis'"),
        ("DE", [2027], "XX", "DE has no subdivision 'XX'; its subdivisions: BB, BE, BW, BY"),
        ("NO", [], None, "name at least one year"),
        ("NO", [1999], None, "year 1999 must fall between 2000 and 2100"),
        ("NO", list(range(2026, 2032)), None, "at most 5 years at once"),
    ],
)
def test_what_cannot_be_read_is_refused_saying_why(
    country: str, years: list[int], region: str | None, message: str
) -> None:
    with pytest.raises(InvalidInputError, match="^" + message.replace("(", r"\(")):
        public_holidays(country, years, region)
