"""The team's days: holidays and absences are days a calendar can hold."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from leadflow.services.refusals import InvalidInputError
from leadflow.services.reps import add_absence, add_holidays, add_team
from leadflow.store.models import RepAbsence, TeamHoliday
from tests.integration.handoff.conftest import START, Desk

ABSURD = (date(9999, 12, 31), date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1))


@pytest.mark.parametrize("day", ABSURD)
def test_an_absence_outside_2000_to_2100_is_refused_in_one_line(desk: Desk, day: date) -> None:
    # 9999-12-31 overflowed (a traceback on the command line), 9000-01-01 was stored:
    # the API takes days of 2000 to 2100, and so does the service now.
    desk.team("benelux")
    desk.rep("eva", "benelux")
    first, last = sorted((date(2026, 12, 10), day))
    with pytest.raises(InvalidInputError, match=f"{day} must fall between 2000 and 2100"):
        add_absence(desk.session, "eva", first, last, "holiday")
    assert desk.session.scalar(select(func.count()).select_from(RepAbsence)) == 0


@pytest.mark.parametrize("day", ABSURD)
def test_a_holiday_outside_2000_to_2100_is_refused_and_none_of_the_days_is_kept(
    desk: Desk, day: date
) -> None:
    desk.team("benelux")
    with pytest.raises(InvalidInputError, match=f"{day} must fall between 2000 and 2100"):
        add_holidays(desk.session, "benelux", [date(2026, 12, 25), day])
    with pytest.raises(InvalidInputError, match=f"{day} must fall between 2000 and 2100"):
        add_team(
            desk.session, key="nordics", name=None, zone="Europe/Oslo",
            working_hours="mon-fri 08:00-16:00", holidays=[day], now=START,
        )  # fmt: skip
    assert desk.session.scalar(select(func.count()).select_from(TeamHoliday)) == 0


def test_the_bounds_themselves_are_days_off(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    assert add_holidays(desk.session, "benelux", [date(2000, 1, 1), date(2100, 12, 31)]) == 2
    add_absence(desk.session, "eva", date(2100, 12, 1), date(2100, 12, 31), None)


def test_a_team_key_with_a_non_ascii_letter_is_refused_saying_ascii(desk: Desk) -> None:
    with pytest.raises(InvalidInputError, match="'øst': use 1-100 ASCII letters"):
        add_team(
            desk.session, key="øst", name=None, zone="Europe/Oslo",
            working_hours="mon-fri 08:00-16:00", now=START,
        )  # fmt: skip
