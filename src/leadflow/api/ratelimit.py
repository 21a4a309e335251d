"""Per-key rate limiting: a token bucket for each API key (or client address), in process.

Each bucket holds up to ``burst`` tokens and refills at ``rate`` tokens per second; a
request takes one. An empty bucket answers how long until the next token, which the
API sends as ``Retry-After``. Buckets live in this process's memory: with several
server processes each one limits on its own, so the effective limit is multiplied by
the number of processes (docs/api.md says so). Time comes from a monotonic function
given at construction, so tests drive it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["RateLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by anything hashable; ``rate`` <= 0 turns limiting off."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        max_buckets: int = 100_000,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._monotonic = monotonic
        self._max_buckets = max_buckets
        self._buckets: dict[Hashable, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> float:
        """Take a token: 0.0 when allowed, else the seconds to wait for one."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self._monotonic()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._new_bucket(key, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """``Retry-After`` counts whole seconds; round up so the retry finds a token."""
        return str(max(1, math.ceil(wait)))

    def _new_bucket(self, key: Hashable, now: float) -> _Bucket:
        # Client addresses are unbounded; forget every bucket rather than grow forever.
        # A forgotten bucket comes back full, which only ever errs towards allowing.
        if len(self._buckets) >= self._max_buckets:
            self._buckets.clear()
        bucket = _Bucket(tokens=float(self.burst), updated=now)
        self._buckets[key] = bucket
        return bucket
