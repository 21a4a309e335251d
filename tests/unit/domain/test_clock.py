import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadflow.domain.clock import FixedClock, SystemClock, ensure_utc, parse_instant


def test_parse_instant_accepts_z_and_offsets() -> None:
    assert parse_instant("2026-03-01T10:00:00Z") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_instant("2026-03-01T11:00:00+01:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_parse_instant_date_alone_is_midnight_utc() -> None:
    assert parse_instant("2026-03-01") == datetime(2026, 3, 1, tzinfo=UTC)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        parse_instant("2026-03-01T10:00:00")
    with pytest.raises(ValueError, match="no time zone"):
        ensure_utc(datetime(2026, 3, 1))  # noqa: DTZ001 - the naive value is the point


@pytest.mark.parametrize(
    "text", ["yesterday", "2026-13-01", "2026-01-01T00:00:00+25:00", "99999-01-01", ""]
)
def test_a_moment_that_is_not_one_is_refused_in_the_user_s_words(text: str) -> None:
    # Not Python's "Invalid isoformat string" or "offset must be a timedelta ...".
    expected = f"^{re.escape(repr(text))} is not an ISO 8601 moment like 2026-06-30T12:00:00Z$"
    with pytest.raises(ValueError, match=expected):
        parse_instant(text)


def test_ensure_utc_converts() -> None:
    cet = timezone(timedelta(hours=1))
    assert ensure_utc(datetime(2026, 1, 1, 1, tzinfo=cet)).tzinfo is UTC


def test_clocks() -> None:
    fixed = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert fixed.now() == datetime(2026, 1, 1, tzinfo=UTC)
    assert SystemClock().now().tzinfo is UTC
