"""Amazon's usage plans, mirrored: a token bucket per seller and operation, persisted in the state
table so that every invocation of the worker, concurrent ones included, draws from one bucket.

Each take is one conditional write on the bucket's revision; a lost race re-reads and tries again.
The rate follows Amazon's `x-amzn-RateLimit-Limit` header when a response carries it.
"""

import time
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from domain.amazon_gateway import (
    GET_INVENTORY_SUMMARIES,
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
)
from domain.sales.gateway import CREATE_REPORT, GET_REPORT, GET_REPORT_DOCUMENT
from functions.shared.adapters.state_store import StaleRevision, StateTable, Stored

WRITE_ATTEMPTS = 5
CONTENDED_WAIT_SECONDS = 0.05
# Amazon's bucket started a little after ours (its first request arrived after the LWA token
# exchange) and answers arrive late: wait this much past the moment ours holds a token. The
# throughput stays the rate; only the phase shifts.
SAFETY_SECONDS = 0.1


class RateLimit(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    rate: float = Field(gt=0)  # requests per second
    burst: float = Field(ge=1)

    def scaled(self, factor: float) -> "RateLimit":
        return RateLimit(rate=self.rate * factor, burst=max(self.burst * factor, 1.0))


PUBLISHED_LIMITS: Mapping[str, RateLimit] = {
    GET_SHIPMENTS: RateLimit(rate=2.0, burst=30),
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID: RateLimit(rate=2.0, burst=30),
    GET_SHIPMENT_ITEMS: RateLimit(rate=2.0, burst=30),
    GET_INVENTORY_SUMMARIES: RateLimit(rate=2.0, burst=2),
    # Reports API 2021-06-30 (docs/amazon-sales.md): a backfill is paced by createReport.
    CREATE_REPORT: RateLimit(rate=0.0167, burst=15),
    GET_REPORT: RateLimit(rate=2.0, burst=15),
    GET_REPORT_DOCUMENT: RateLimit(rate=0.0167, burst=15),
}


class Bucket(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tokens: float
    rate: float
    burst: float
    updated_at: float  # epoch seconds

    def refilled(self, now: float) -> "Bucket":
        elapsed = max(now - self.updated_at, 0.0)
        tokens = min(self.burst, self.tokens + elapsed * self.rate)
        return self.model_copy(update={"tokens": tokens, "updated_at": max(now, self.updated_at)})


class TokenBuckets:
    """The buckets of one seller (`pk`), one per operation."""

    def __init__(
        self,
        table: StateTable,
        pk: str,
        limits: Mapping[str, RateLimit] = PUBLISHED_LIMITS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._pk = pk
        self._limits = limits
        self._now = now
        self._known: dict[str, Stored[Bucket]] = {}

    def take(self, operation: str) -> float:
        """Take a token (returns 0) or say how many seconds until one is there."""
        for _ in range(WRITE_ATTEMPTS):
            stored = self._current(operation)
            bucket = stored.doc.refilled(self._now())
            if bucket.tokens < 1.0:
                return (1.0 - bucket.tokens) / bucket.rate + SAFETY_SECONDS
            if self._write(
                operation, stored, bucket.model_copy(update={"tokens": bucket.tokens - 1})
            ):
                return 0.0
        return CONTENDED_WAIT_SECONDS

    def rate(self, operation: str) -> float:
        return self._current(operation).doc.rate

    def throttled(self, operation: str, rate: float | None) -> None:
        """Amazon said 429: its bucket is empty, so ours is too."""
        self._change(operation, lambda b: b.model_copy(update={"tokens": 0.0, **_rate(rate)}))

    def observe_rate(self, operation: str, rate: float | None) -> None:
        """Follow the rate Amazon says it applies, when it differs from ours."""
        known = self._known.get(operation)
        if rate and rate > 0 and (known is None or abs(known.doc.rate - rate) > 1e-9):
            self._change(operation, lambda b: b.model_copy(update=_rate(rate)))

    def _change(self, operation: str, change: Callable[[Bucket], Bucket]) -> None:
        for _ in range(WRITE_ATTEMPTS):
            stored = self._current(operation)
            if self._write(operation, stored, change(stored.doc.refilled(self._now()))):
                return

    def _current(self, operation: str) -> Stored[Bucket]:
        if operation not in self._known:
            found = self._table.get(self._pk, operation, Bucket)
            if found is None:
                limit = self._limits[operation]
                full = Bucket(
                    tokens=limit.burst, rate=limit.rate, burst=limit.burst, updated_at=self._now()
                )
                found = Stored(doc=full, rev=0, expires_at=None)
            self._known[operation] = found
        return self._known[operation]

    def _write(self, operation: str, stored: Stored[Bucket], bucket: Bucket) -> bool:
        try:
            rev = self._table.put_at_revision(self._pk, operation, bucket, stored.rev)
        except StaleRevision:
            self._known.pop(operation, None)  # another invocation moved it: read it again
            return False
        self._known[operation] = Stored(doc=bucket, rev=rev, expires_at=None)
        return True


def _rate(rate: float | None) -> dict[str, float]:
    return {"rate": rate} if rate and rate > 0 else {}
