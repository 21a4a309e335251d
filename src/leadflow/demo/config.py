"""What a demo world is asked to be: size, seed, window and file format, validated once.

The window is fixed by ``end`` and ``months``, never by the wall clock, so that the same
request always describes the same world.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args

import numpy as np

__all__ = [
    "CHUNK_CONTACTS",
    "DEFAULT_END",
    "MAX_CONTACTS",
    "DemoInputError",
    "WorldConfig",
    "WorldFormat",
]

WorldFormat = Literal["jsonl", "parquet"]

DEFAULT_END = date(2026, 6, 30)
MAX_CONTACTS = 5_000_000
MIN_MONTHS, MAX_MONTHS = 12, 18
# Contacts are simulated and written this many at a time, which bounds memory. It is a
# constant, not a tuning knob: changing it changes the random streams, hence the world.
CHUNK_CONTACTS = 20_000


class DemoInputError(ValueError):
    """A request for a demo world that cannot be honoured; the message is one line."""


@dataclass(frozen=True, slots=True)
class WorldConfig:
    contacts: int
    seed: int
    months: int = 15
    end: date = DEFAULT_END
    fmt: WorldFormat = "jsonl"

    def __post_init__(self) -> None:
        if not 1 <= self.contacts <= MAX_CONTACTS:
            raise DemoInputError(
                f"--contacts must be between 1 and {MAX_CONTACTS:,}, got {self.contacts}"
            )
        if not MIN_MONTHS <= self.months <= MAX_MONTHS:
            raise DemoInputError(
                f"--months must be between {MIN_MONTHS} and {MAX_MONTHS}, got {self.months}"
            )
        if self.seed < 0:
            raise DemoInputError(f"--seed must be zero or positive, got {self.seed}")
        if self.fmt not in get_args(WorldFormat):
            raise DemoInputError(f"--format must be jsonl or parquet, got {self.fmt!r}")
        if not date(2000, 1, 1) <= self.end <= date(2100, 1, 1):
            raise DemoInputError(f"--end must be a date between 2000 and 2100, got {self.end}")

    @property
    def window_end(self) -> datetime:
        """Exclusive end of the simulated window: midnight UTC after ``end``."""
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + timedelta(days=1)

    @property
    def window_start(self) -> datetime:
        """``months`` calendar months before the window end (day clipped to the month)."""
        close = self.window_end
        index = close.year * 12 + close.month - 1 - self.months
        year, month = divmod(index, 12)
        day = min(close.day, _days_in_month(year, month + 1))
        return close.replace(year=year, month=month + 1, day=day)

    @property
    def start_s(self) -> int:
        return int(self.window_start.timestamp())

    @property
    def end_s(self) -> int:
        return int(self.window_end.timestamp())

    def rng(self, stream: int, chunk: int = 0) -> np.random.Generator:
        """An independent random stream per (purpose, chunk), so chunks never share draws."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=(stream, chunk))
        return np.random.Generator(np.random.PCG64(sequence))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
