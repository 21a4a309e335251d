"""Shared fixtures: a fixed clock, and the data folder that evaluation tests may skip on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadflow.domain.clock import FixedClock

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(now: datetime) -> FixedClock:
    return FixedClock(now)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public data sets not present at {SHARED_DATA}")
    return SHARED_DATA
