"""What one API application holds: built by ``create_app``, reached through ``deps``.

Nothing here is created at import time. ``ApiLimits`` are the knobs ``leadflow serve``
exposes; ``ApiState`` is the set of long-lived objects one app shares between requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from leadflow.api.keycache import KeyCache
from leadflow.api.metrics import ApiMetrics
from leadflow.api.outage import OutageLog
from leadflow.api.ratelimit import RateLimiter
from leadflow.api.recording import Recorders
from leadflow.domain.clock import Clock
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings

__all__ = ["ApiLimits", "ApiState"]

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ApiLimits:
    """Request limits. Rate limits are per key (per client address for public routes)."""

    rate_per_second: float = 100.0  # <= 0: no rate limit
    burst: int = 200
    public_rate_per_second: float = 5.0  # forms and confirmation links, per address
    public_burst: int = 20
    max_body_bytes: int = MIB
    max_batch_body_bytes: int = 16 * MIB  # POST /events/batch: up to 1,000 events
    key_cache_seconds: float = 5.0  # a key revoked elsewhere stops working within this


@dataclass(slots=True)
class ApiState:
    settings: Settings
    engine: Engine
    reads: sessionmaker[Session]
    writes: sessionmaker[Session]
    clock: Clock
    limits: ApiLimits
    forms: FormsConfig
    metrics: ApiMetrics = field(default_factory=ApiMetrics)
    outages: OutageLog = field(default_factory=OutageLog)  # requests refused: the database is down
    limiter: RateLimiter = field(init=False)
    public_limiter: RateLimiter = field(init=False)
    keys: KeyCache = field(init=False)
    recorders: Recorders = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.limits.rate_per_second, self.limits.burst)
        self.public_limiter = RateLimiter(
            self.limits.public_rate_per_second, self.limits.public_burst
        )
        self.keys = KeyCache(self.limits.key_cache_seconds)
        self.recorders = Recorders(self.engine, self.reads, self.clock)
