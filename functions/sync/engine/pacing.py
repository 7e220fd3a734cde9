"""Every SP-API call of a run goes through the pacer: it takes a token from the persisted bucket
(waiting only while the deadline allows), counts the call, backs off with jitter on 429 and on
5xx/empty answers, and re-reads the credentials once after an auth failure."""

import random
import time
from collections.abc import Callable
from typing import TypeVar

from domain.amazon_gateway import (
    AmazonAuthFailed,
    AmazonError,
    AmazonThrottled,
    AmazonUnavailable,
    Page,
)
from domain.sales.gateway import SellerReads
from functions.connection_state.status import RunCounters
from functions.sync.engine.deadline import Deadline
from functions.sync.engine.rate_limit import TokenBuckets

P = TypeVar("P", bound=Page)


class GatewaySession:
    """The gateway of one run; `renew` rebuilds it from freshly read credentials."""

    def __init__(self, open_gateway: Callable[[bool], SellerReads]) -> None:
        self._open = open_gateway  # argument: force a fresh read of the secrets
        self._gateway: SellerReads | None = None

    @property
    def gateway(self) -> SellerReads:
        if self._gateway is None:
            self._gateway = self._open(False)
        return self._gateway

    def renew(self) -> None:
        self.close()
        self._gateway = self._open(True)

    def close(self) -> None:
        if self._gateway is not None:
            self._gateway.close()
            self._gateway = None


class Pacer:
    def __init__(
        self,
        session: GatewaySession,
        buckets: TokenBuckets,
        deadline: Deadline,
        counters: RunCounters,
        *,
        call_seconds: float,
        max_attempts: int,
        max_backoff_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._session = session
        self._buckets = buckets
        self._deadline = deadline
        self._counters = counters
        self._call_seconds = call_seconds
        self._max_attempts = max_attempts
        self._max_backoff = max_backoff_seconds
        self._sleep = sleep
        self._jitter = jitter

    def call(self, operation: str, request: Callable[[SellerReads], P]) -> P:
        failures = 0
        renewed = False
        while True:
            self._wait_for_token(operation)
            self._counters.count(self._counters.calls, operation)
            try:
                page = request(self._session.gateway)
            except AmazonThrottled as throttled:
                self._counters.count(self._counters.throttled, operation)
                self._buckets.throttled(operation, throttled.rate_limit)
                failures += 1
                self._back_off(operation, failures, throttled)
            except AmazonUnavailable as unavailable:
                self._counters.count(self._counters.retried_errors, operation)
                failures += 1
                self._back_off(operation, failures, unavailable)
            except AmazonAuthFailed:
                if renewed:
                    raise
                renewed = True
                self._session.renew()
            else:
                self._buckets.observe_rate(operation, page.rate_limit)
                return page

    def _wait_for_token(self, operation: str) -> None:
        while (wait := self._buckets.take(operation)) > 0:
            self._deadline.require(wait + self._call_seconds)
            self._sleep(wait)
        self._deadline.require(self._call_seconds)

    def _back_off(self, operation: str, failures: int, error: AmazonError) -> None:
        """Equal jitter: half the exponential delay for sure, the other half at random."""
        if failures >= self._max_attempts:
            raise error
        step = 1.0 / self._buckets.rate(operation)
        ceiling = min(self._max_backoff, step * 2 ** (failures - 1))
        delay = ceiling / 2 + self._jitter() * ceiling / 2
        self._deadline.require(delay + self._call_seconds)
        self._sleep(delay)
