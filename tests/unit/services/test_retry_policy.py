"""The webhook worker's retry policy: backoff, and a lease that outlasts a request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadflow.services.webhook_delivery import RetryPolicy


def test_the_delay_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(first_delay=10, max_delay=60)

    delays = [policy.delay(attempts) for attempts in range(1, 6)]

    assert delays == [timedelta(seconds=s) for s in (10, 20, 40, 60, 60)]


def test_a_lease_no_longer_than_the_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match=r"lease \(10 s\) must be longer than the timeout"):
        RetryPolicy(lease=10, timeout=10)
