"""Token buckets: burst, refill at the rate, Retry-After rounded up, one bucket per key."""

from __future__ import annotations

from leadflow.api.ratelimit import RateLimiter


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    ticks = Ticks()
    limiter = RateLimiter(rate=2.0, burst=3, monotonic=ticks)

    waits = [limiter.take("k") for _ in range(4)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == 0.5
    assert limiter.retry_after(waits[3]) == "1"


def test_tokens_come_back_at_the_rate_and_never_above_the_burst() -> None:
    ticks = Ticks()
    limiter = RateLimiter(rate=1.0, burst=2, monotonic=ticks)
    limiter.take("k")
    limiter.take("k")

    ticks.now = 1.0
    assert limiter.take("k") == 0.0
    assert limiter.take("k") > 0

    ticks.now = 100.0
    assert [limiter.take("k") for _ in range(3)][2] > 0  # two tokens at most, not a hundred


def test_keys_do_not_share_buckets_and_rate_zero_disables() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, monotonic=Ticks())
    assert limiter.take("a") == limiter.take("b") == 0.0
    assert limiter.take("a") > 0

    unlimited = RateLimiter(rate=0, burst=1)
    assert all(unlimited.take("a") == 0.0 for _ in range(100))
