"""Amazon's usage plans: a token bucket per seller and operation.

Rates and bursts are Amazon's published ones times `rate_scale`, so a test can raise them
(rate_scale=10) or keep them real (1.0). Buckets refill from the simulated clock's monotonic
time, so `POST /_sim/clock` refills them without sleeping. `header_on_429` says whether a 429
announces the rate (see rate_header.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .rate_header import RateHeaderOn429


@dataclass(frozen=True)
class RateLimit:
    requests_per_second: float
    burst: float

    def scaled(self, factor: float) -> RateLimit:
        # A burst under one request would make the operation unusable; keep at least one.
        return RateLimit(self.requests_per_second * factor, max(self.burst * factor, 1.0))

    def header_value(self) -> str:
        """The x-amzn-RateLimit-Limit value: the rate as a decimal string, e.g. "2.0"."""
        return str(round(self.requests_per_second, 6))


AMAZON_RATE_LIMITS: dict[str, RateLimit] = {
    "getShipments": RateLimit(2.0, 30),
    "getShipmentItemsByShipmentId": RateLimit(2.0, 30),
    "getShipmentItems": RateLimit(2.0, 30),
    "getInventorySummaries": RateLimit(2.0, 2),
}


class TokenBucket:
    def __init__(self, limit: RateLimit, now: float) -> None:
        self._limit = limit
        self._tokens = limit.burst
        self._last_refill = now

    def try_take(self, now: float) -> bool:
        elapsed = max(now - self._last_refill, 0.0)
        self._tokens = min(
            self._limit.burst, self._tokens + elapsed * self._limit.requests_per_second
        )
        self._last_refill = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class RateLimiter:
    def __init__(
        self,
        monotonic: Callable[[], float],
        rate_scale: float = 1.0,
        limits: dict[str, RateLimit] | None = None,
        header_on_429: RateHeaderOn429 | None = None,
    ) -> None:
        if rate_scale <= 0:
            raise ValueError("rate_scale must be > 0")
        # Configuration, not state: /_sim/reset leaves it as it is.
        self.header_on_429 = header_on_429 or RateHeaderOn429()
        self._monotonic = monotonic
        self._limits = {
            name: limit.scaled(rate_scale) for name, limit in (limits or AMAZON_RATE_LIMITS).items()
        }
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def limit_for(self, operation: str) -> RateLimit:
        return self._limits[operation]

    def try_acquire(self, seller_id: str, operation: str) -> bool:
        with self._lock:
            now = self._monotonic()
            bucket = self._buckets.get((seller_id, operation))
            if bucket is None:
                bucket = self._buckets[(seller_id, operation)] = TokenBucket(
                    self._limits[operation], now
                )
            return bucket.try_take(now)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
