"""Per-operation call counters, read by tests through `GET /_sim/calls`."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Literal

Outcome = Literal["served", "throttled", "faulted"]


class CallStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: defaultdict[str, dict[str, int]] = defaultdict(
            lambda: {"served": 0, "throttled": 0, "faulted": 0}
        )

    def record(self, operation: str, outcome: Outcome) -> None:
        with self._lock:
            self._counts[operation][outcome] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {operation: dict(counts) for operation, counts in self._counts.items()}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
