from datetime import timedelta

import pytest

from leadflow.domain.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("24h", timedelta(hours=24)),
        (" 7d ", timedelta(days=7)),
        ("2W", timedelta(weeks=2)),
        ("36500d", timedelta(days=36_500)),
    ],
)
def test_a_whole_number_and_one_unit_is_read(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("7", "not a duration like 30m, 24h, 7d or 2w"),
        ("1.5h", "not a duration"),
        ("1d12h", "not a duration"),
        ("-1d", "not a duration"),
        ("7y", "not a duration"),
        ("", "not a duration"),
        ("0h", "longer than 0"),
        ("36501d", "at most 36500d"),
        ("9999999999w", "not a duration"),
    ],
)
def test_anything_else_is_refused_with_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_duration(text)


@pytest.mark.parametrize("text", ["45m", "36h", "7d", "2w", "90m"])
def test_the_short_spelling_reads_back(text: str) -> None:
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


def test_days_then_hours_then_minutes_are_written() -> None:
    assert format_duration(timedelta(hours=24)) == "1d"
    assert format_duration(timedelta(weeks=2)) == "14d"
    assert format_duration(timedelta(hours=36)) == "36h"
    assert format_duration(timedelta(minutes=90, seconds=30)) == "90m"
