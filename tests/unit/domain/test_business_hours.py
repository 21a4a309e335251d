"""Business-hours arithmetic across weekends, holidays, time zones and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.domain.business_hours import OFFICE_WEEK, BusinessCalendar, WorkingWeek, time_zone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


# --- Working weeks -------------------------------------------------------------------


def test_a_week_reads_ranges_several_spans_and_prints_itself_back() -> None:
    week = WorkingWeek.parse("Mon-Fri 08:30-12:00,13:00-17:30; sat 10:00-13:00")

    assert week.days[0] == ((510, 720), (780, 1050))
    assert week.days[5] == ((600, 780),)
    assert week.days[6] == ()
    assert str(week) == "mon-fri 08:30-12:00,13:00-17:30; sat 10:00-13:00"
    assert str(WorkingWeek.parse("mon 9:00-12:00; tue-wed 09:00-12:00; fri 01:00-02:00")) == (
        "mon-wed 09:00-12:00; fri 01:00-02:00"
    )
    assert WorkingWeek.parse(str(week)) == week


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("mon-fri", "not a span"),
        ("fri-mon 09:00-17:00", "from Monday towards Sunday"),
        ("funday 09:00-17:00", "not a weekday"),
        ("mon 17:00-09:00", "starts before it ends"),
        ("mon 09:00-12:00,11:00-13:00", "overlaps"),
        ("mon 09:75-10:00", "minutes run from 00 to 59"),
        ("mon 09:00-25:00", "within one day"),
    ],
)
def test_a_bad_week_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingWeek.parse(text)


def test_an_unknown_time_zone_is_named() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Atlantis'"):
        time_zone("Europe/Atlantis")
    assert time_zone("Europe/Oslo") == OSLO


# --- Weekends and holidays -------------------------------------------------------------


def test_friday_evening_plus_four_hours_is_monday_noon() -> None:
    calendar = BusinessCalendar(AMSTERDAM)
    friday_evening = local(AMSTERDAM, 2026, 6, 5, 18, 0)

    due = calendar.add_hours(friday_evening, 4)

    assert due == local(AMSTERDAM, 2026, 6, 8, 13, 0)
    assert calendar.hours_between(friday_evening, due) == 4


def test_friday_afternoon_carries_the_rest_over_the_weekend() -> None:
    calendar = BusinessCalendar(AMSTERDAM)

    due = calendar.add_hours(local(AMSTERDAM, 2026, 6, 5, 15, 30), 4)

    assert due == local(AMSTERDAM, 2026, 6, 8, 11, 30)


def test_a_holiday_is_skipped_like_a_weekend() -> None:
    # Ascension Day 2026 (Thursday 14 May) is a public holiday in Norway.
    calendar = BusinessCalendar(OSLO, OFFICE_WEEK, frozenset({date(2026, 5, 14)}))
    wednesday = local(OSLO, 2026, 5, 13, 15, 0)

    assert calendar.add_hours(wednesday, 4) == local(OSLO, 2026, 5, 15, 11, 0)
    assert calendar.hours_between(wednesday, local(OSLO, 2026, 5, 15, 9, 0)) == 2
    assert not calendar.is_open(local(OSLO, 2026, 5, 14, 11, 0))


def test_a_holiday_before_a_weekend_makes_a_long_wait() -> None:
    calendar = BusinessCalendar(AMSTERDAM, OFFICE_WEEK, frozenset({date(2026, 12, 25)}))
    # Christmas Day 2026 is a Friday; Boxing Day is on the weekend.
    thursday = local(AMSTERDAM, 2026, 12, 24, 16, 0)

    assert calendar.add_hours(thursday, 2) == local(AMSTERDAM, 2026, 12, 28, 10, 0)


def test_is_open_follows_the_spans() -> None:
    calendar = BusinessCalendar(AMSTERDAM, WorkingWeek.parse("mon-fri 09:00-12:00,13:00-17:00"))

    assert calendar.is_open(local(AMSTERDAM, 2026, 6, 1, 9, 0))
    assert not calendar.is_open(local(AMSTERDAM, 2026, 6, 1, 12, 30))
    assert not calendar.is_open(local(AMSTERDAM, 2026, 6, 1, 17, 0))
    assert not calendar.is_open(local(AMSTERDAM, 2026, 6, 6, 10, 0))  # a Saturday


# --- Time zones ------------------------------------------------------------------------


def test_the_same_instant_is_a_different_working_moment_per_team() -> None:
    instant = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 16:00 in Amsterdam, 10:00 in New York
    amsterdam = BusinessCalendar(AMSTERDAM)
    new_york = BusinessCalendar(NEW_YORK)

    assert amsterdam.add_hours(instant, 2) == local(AMSTERDAM, 2026, 6, 2, 10, 0)
    assert new_york.add_hours(instant, 2) == local(NEW_YORK, 2026, 6, 1, 12, 0)


def test_an_instant_given_in_another_zone_means_the_same() -> None:
    calendar = BusinessCalendar(OSLO)
    instant = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)

    assert calendar.add_hours(instant.astimezone(NEW_YORK), 3) == calendar.add_hours(instant, 3)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        BusinessCalendar(OSLO).add_hours(datetime(2026, 6, 1, 9), 1)  # noqa: DTZ001


# --- Daylight saving time --------------------------------------------------------------


def test_office_hours_stay_on_the_wall_clock_across_the_spring_change() -> None:
    # Amsterdam moves from CET (+1) to CEST (+2) on Sunday 29 March 2026.
    calendar = BusinessCalendar(AMSTERDAM)
    friday = local(AMSTERDAM, 2026, 3, 27, 16, 0)

    due = calendar.add_hours(friday, 2)

    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert due.astimezone(AMSTERDAM).hour == 10
    assert due - friday == timedelta(hours=65)  # one hour of the weekend vanished


def test_a_round_the_clock_team_has_a_23_and_a_25_hour_day() -> None:
    calendar = BusinessCalendar(OSLO, WorkingWeek.parse("mon-sun 00:00-24:00"))
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)

    def day_length(day: date) -> float:
        start = local(OSLO, day.year, day.month, day.day)
        end = local(OSLO, *(day + timedelta(days=1)).timetuple()[:3])
        return calendar.hours_between(start, end)

    assert day_length(spring) == 23
    assert day_length(autumn) == 25
    assert day_length(date(2026, 6, 1)) == 24


def test_a_night_shift_over_the_skipped_hour_is_an_hour_shorter() -> None:
    # 01:00-04:00 on the night New York skips 02:00-03:00 (8 March 2026).
    calendar = BusinessCalendar(NEW_YORK, WorkingWeek.parse("mon-sun 01:00-04:00"))
    opening = local(NEW_YORK, 2026, 3, 8, 1, 0)

    assert calendar.hours_between(opening, opening + timedelta(hours=4)) == 2
    assert calendar.add_hours(opening, 2) == local(NEW_YORK, 2026, 3, 8, 4, 0)


def test_the_gap_between_europe_and_america_changes_for_three_weeks() -> None:
    # New York springs forward on 8 March, Europe on 29 March 2026: in between, a New
    # York team opens at 13:00 UTC instead of 14:00.
    calendar = BusinessCalendar(NEW_YORK)
    sunday = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    assert calendar.day_open(sunday, 1) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    later = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    assert calendar.day_open(later, 1) == datetime(2026, 3, 16, 13, 0, tzinfo=UTC)


# --- Business days ---------------------------------------------------------------------


def test_business_days_skip_weekends_and_holidays() -> None:
    calendar = BusinessCalendar(AMSTERDAM, OFFICE_WEEK, frozenset({date(2026, 6, 3)}))
    monday_noon = local(AMSTERDAM, 2026, 6, 1, 12, 0)

    assert calendar.day_open(monday_noon, 1) == monday_noon  # already open: now
    assert calendar.day_open(monday_noon, 2) == local(AMSTERDAM, 2026, 6, 2, 9, 0)
    assert calendar.day_open(monday_noon, 3) == local(AMSTERDAM, 2026, 6, 4, 9, 0)
    assert calendar.day_close(monday_noon, 5) == local(AMSTERDAM, 2026, 6, 8, 17, 0)
    after_hours = local(AMSTERDAM, 2026, 6, 5, 18, 0)
    assert calendar.day_open(after_hours, 1) == local(AMSTERDAM, 2026, 6, 8, 9, 0)
    with pytest.raises(ValueError, match="counted from 1"):
        calendar.day_open(monday_noon, 0)


def test_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        BusinessCalendar(OSLO).add_hours(datetime(2026, 6, 1, tzinfo=UTC), -1)


# --- Properties ------------------------------------------------------------------------

ZONES = st.sampled_from([AMSTERDAM, OSLO, NEW_YORK])
WEEKS = st.sampled_from(
    [
        OFFICE_WEEK,
        WorkingWeek.parse("mon-sun 00:00-24:00"),
        WorkingWeek.parse("mon-fri 08:30-12:00,13:00-17:30; sat 10:00-13:00"),
        WorkingWeek.parse("mon-sun 01:00-03:30"),  # over the DST hours of both continents
        WorkingWeek.parse("sun 22:00-24:00; mon 00:00-02:00"),
    ]
)
DAYS_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))
CALENDARS = st.builds(BusinessCalendar, ZONES, WEEKS, st.frozensets(DAYS_2026, max_size=40))


# Instants all over 2026, with extra weight on the DST weekends of both continents.
def _around(first: date, last: date) -> st.SearchStrategy[datetime]:
    """Instants between two dates (naive bounds, as hypothesis wants), read as UTC."""
    bounds = (
        datetime.combine(first, datetime.min.time()),
        datetime.combine(last, datetime.min.time()),
    )
    return st.datetimes(*bounds, timezones=st.just(UTC))


INSTANTS = st.one_of(
    _around(date(2026, 1, 1), date(2026, 12, 31)),
    _around(date(2026, 3, 6), date(2026, 3, 10)),
    _around(date(2026, 3, 27), date(2026, 3, 31)),
    _around(date(2026, 10, 23), date(2026, 10, 27)),
    _around(date(2026, 10, 30), date(2026, 11, 3)),
)
HOURS = st.floats(0, 200, allow_nan=False)
TOLERANCE = 1e-6  # hours: float hours become whole microseconds


@settings(max_examples=150, deadline=None)
@given(CALENDARS, INSTANTS, HOURS)
def test_adding_hours_then_measuring_gives_them_back(
    calendar: BusinessCalendar, start: datetime, hours: float
) -> None:
    due = calendar.add_hours(start, hours)

    assert due >= start
    assert calendar.hours_between(start, due) == pytest.approx(hours, abs=TOLERANCE)


@settings(max_examples=150, deadline=None)
@given(CALENDARS, INSTANTS, st.floats(0.001, 100), st.floats(0, 100))
def test_adding_in_two_steps_lands_where_adding_once_does(
    calendar: BusinessCalendar, start: datetime, first: float, second: float
) -> None:
    once = calendar.add_hours(start, first + second)
    twice = calendar.add_hours(calendar.add_hours(start, first), second)

    early, late = sorted((once, twice))
    assert calendar.hours_between(early, late) <= TOLERANCE
    assert calendar.add_hours(start, first) <= once  # more hours never end earlier


@settings(max_examples=150, deadline=None)
@given(CALENDARS, INSTANTS, st.floats(0.001, 100))
def test_a_due_moment_falls_inside_working_hours(
    calendar: BusinessCalendar, start: datetime, hours: float
) -> None:
    due = calendar.add_hours(start, hours)

    assert calendar.is_open(due - timedelta(microseconds=1))


@settings(max_examples=150, deadline=None)
@given(CALENDARS, INSTANTS, st.timedeltas(timedelta(0), timedelta(days=20)), st.data())
def test_working_hours_add_up_and_never_exceed_the_clock(
    calendar: BusinessCalendar, start: datetime, span: timedelta, data: st.DataObject
) -> None:
    end = start + span
    middle = start + data.draw(st.timedeltas(timedelta(0), span))

    whole = calendar.hours_between(start, end)

    assert whole == pytest.approx(
        calendar.hours_between(start, middle) + calendar.hours_between(middle, end),
        abs=TOLERANCE,
    )
    assert whole <= span / timedelta(hours=1) + TOLERANCE


@settings(max_examples=100, deadline=None)
@given(ZONES, WEEKS, DAYS_2026)
def test_a_holiday_has_no_working_hours(zone: ZoneInfo, week: WorkingWeek, day: date) -> None:
    calendar = BusinessCalendar(zone, week, frozenset({day}))
    start = local(zone, day.year, day.month, day.day)
    following = day + timedelta(days=1)
    end = local(zone, following.year, following.month, following.day)

    assert calendar.hours_between(start, end) == 0
    assert calendar.add_hours(start, 0.5) >= end


@given(
    st.lists(
        st.lists(st.sampled_from([(0, 60), (480, 720), (780, 1020), (1380, 1440)]), unique=True),
        min_size=7,
        max_size=7,
    ).filter(any)
)
def test_a_week_reads_back_what_it_prints(days: list[list[tuple[int, int]]]) -> None:
    week = WorkingWeek(tuple(tuple(sorted(spans)) for spans in days))

    assert WorkingWeek.parse(str(week)) == week
