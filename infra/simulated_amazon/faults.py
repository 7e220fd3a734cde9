"""Injected failures: the next N calls of an operation answer 429/500/503 with a JSON, HTML
or empty body, optionally after a delay. Real Amazon produces all of these now and then."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass

from .control_schema import FaultRequest


@dataclass
class _PendingFault:
    fault: FaultRequest
    remaining: int


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: defaultdict[str, deque[_PendingFault]] = defaultdict(deque)

    def add(self, fault: FaultRequest) -> None:
        with self._lock:
            self._pending[fault.operation].append(_PendingFault(fault, fault.count))

    def take(self, operation: str) -> FaultRequest | None:
        """The fault the next call of `operation` suffers, if any (uses it up once)."""
        with self._lock:
            queue = self._pending.get(operation)
            if not queue:
                return None
            head = queue[0]
            head.remaining -= 1
            if head.remaining == 0:
                queue.popleft()
            return head.fault

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {**entry.fault.model_dump(), "count": entry.remaining}
                for queue in self._pending.values()
                for entry in queue
            ]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
