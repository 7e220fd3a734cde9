"""Running independent store calls: one after the other, or up to `concurrency` at once.

A batch is written in a few rounds (rows and ledger, then stock rows, then docs); the calls of
one round do not depend on each other, so on DynamoDB, where a call mostly waits on the
network, running them at once shortens a batch to a few call latencies. Every call's outcome is
kept apart, its result or the exception it raised, so that a failure fails only the streams
that depended on that call.
"""

import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Calls:
    def __init__(self, concurrency: int = 1) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.calls = 0  # every call run, for metrics and benches
        self.rounds = 0  # how many call latencies they took: ceil(calls / concurrency) per run

    def run(self, calls: Sequence[Callable[[], T]]) -> list[T | Exception]:
        """Each call's result, or the exception it raised, in order."""
        if not calls:
            return []
        self.calls += len(calls)
        self.rounds += math.ceil(len(calls) / self.concurrency)
        if self.concurrency == 1 or len(calls) == 1:
            return [_outcome(call) for call in calls]
        futures = [self._executor().submit(_outcome, call) for call in calls]
        return [future.result() for future in futures]

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:  # made on first use, then kept warm across invocations
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="views")
            return self._pool


def _outcome(call: Callable[[], T]) -> T | Exception:
    try:
        return call()
    except Exception as error:  # kept with the call it belongs to; the caller decides
        return error
