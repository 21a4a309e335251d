"""WorldConfig: the window is fixed by --end and --months; bad requests fail in one line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadflow.demo import DemoInputError, WorldConfig


def test_the_window_ends_after_the_last_day_and_spans_whole_months() -> None:
    config = WorldConfig(contacts=10, seed=1)  # defaults: 15 months up to 2026-06-30
    assert config.window_end == datetime(2026, 7, 1, tzinfo=UTC)
    assert config.window_start == datetime(2025, 4, 1, tzinfo=UTC)
    short = WorldConfig(contacts=10, seed=1, months=12, end=date(2026, 3, 30))
    assert short.window_start == datetime(2025, 3, 31, tzinfo=UTC)
    assert short.end_s - short.start_s == 365 * 86_400


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contacts": 0}, "--contacts must be between 1 and"),
        ({"contacts": 5_000_001}, "--contacts must be between 1 and"),
        ({"months": 11}, "--months must be between 12 and 18, got 11"),
        ({"months": 19}, "--months must be between 12 and 18, got 19"),
        ({"seed": -1}, "--seed must be zero or positive"),
        ({"fmt": "csv"}, "--format must be jsonl or parquet"),
        ({"end": date(1999, 12, 31)}, "--end must be a date between 2000 and 2100"),
    ],
)
def test_bad_requests_are_refused_with_one_line(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"contacts": 10, "seed": 1} | changes
    with pytest.raises(DemoInputError, match=message) as caught:
        WorldConfig(**arguments)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_random_streams_differ_by_purpose_and_chunk_and_repeat_by_seed() -> None:
    config = WorldConfig(contacts=10, seed=42)
    first = config.rng(3, 0).random(4).tolist()
    assert first == WorldConfig(contacts=99, seed=42).rng(3, 0).random(4).tolist()
    assert first != config.rng(3, 1).random(4).tolist()
    assert first != config.rng(4, 0).random(4).tolist()
    assert first != WorldConfig(contacts=10, seed=43).rng(3, 0).random(4).tolist()
