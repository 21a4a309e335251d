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


def test_ensure_utc_converts() -> None:
    cet = timezone(timedelta(hours=1))
    assert ensure_utc(datetime(2026, 1, 1, 1, tzinfo=cet)).tzinfo is UTC


def test_clocks() -> None:
    fixed = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert fixed.now() == datetime(2026, 1, 1, tzinfo=UTC)
    assert SystemClock().now().tzinfo is UTC
