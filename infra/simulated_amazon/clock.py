"""Simulated wall clock shared by every part of the simulator.

Time runs with the real clock (so a standalone server behaves naturally) plus an offset that
tests push forward with ``POST /_sim/clock``. Token buckets refill from ``monotonic()``, which
includes the same offset, so advancing the clock also refills rate limits: tests never sleep.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimulatedClock:
    def __init__(self, start_time: datetime | None = None) -> None:
        start = start_time or datetime.now(UTC)
        if start.tzinfo is None:
            # A naive start time is taken as UTC: every time the simulator shows is UTC.
            start = start.replace(tzinfo=UTC)
        self._start = start.astimezone(UTC)
        self._real_start = time.monotonic()
        self._advanced_seconds = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back, including manual advances."""
        with self._lock:
            return time.monotonic() + self._advanced_seconds

    def now(self) -> datetime:
        """The simulated time, to the millisecond: the precision timestamps are shown with,
        so a time read from the control API can be sent back as an exact, inclusive bound."""
        with self._lock:
            elapsed = time.monotonic() - self._real_start + self._advanced_seconds
        moment = self._start + timedelta(seconds=elapsed)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            # Going back would let "last updated" times run backwards, which Amazon never does.
            raise ValueError("advance_seconds must be >= 0: the simulated clock never goes back")
        with self._lock:
            self._advanced_seconds += seconds
        return self.now()


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a trailing Z, as Amazon writes timestamps."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp as clients send it; a missing offset means UTC.

    Raises ValueError on anything else.
    """
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
