"""How long this invocation may still work, keeping a reserve to save its checkpoint.

Nothing in the sync sleeps or calls Amazon past the deadline: it raises `OutOfTime` instead, and
the run saves where it stopped and queues the rest.
"""

from collections.abc import Callable


class OutOfTime(Exception):
    pass


class Deadline:
    def __init__(self, remaining_ms: Callable[[], int], reserve_seconds: float) -> None:
        self._remaining_ms = remaining_ms  # e.g. the Lambda context's get_remaining_time_in_millis
        self._reserve = reserve_seconds

    def seconds_left(self) -> float:
        return self._remaining_ms() / 1000 - self._reserve

    def require(self, seconds: float) -> None:
        """Raise OutOfTime unless `seconds` of work still fit before the reserve."""
        left = self.seconds_left()
        if left < seconds:
            raise OutOfTime(f"{left:.1f}s left before the reserve, {seconds:.1f}s needed")
