"""The local schedule ticks at EventBridge's fixed rate, one invocation at a time."""

import itertools
import threading
import time
from typing import Any

from infra.local.scheduler import Schedule


def run_schedule(
    interval: float, handler_seconds: float, run_seconds: float
) -> list[tuple[float, float]]:
    """(start, end) of each invocation, relative to the schedule's start."""
    runs: list[tuple[float, float]] = []
    started = time.monotonic()

    def handler(event: dict[str, Any], context: Any) -> None:
        begun = time.monotonic() - started
        time.sleep(handler_seconds)
        runs.append((begun, time.monotonic() - started))

    schedule = Schedule(handler, interval, "dispatcher").start()
    time.sleep(run_seconds)
    schedule.stop()
    return runs


def test_a_tick_is_due_one_interval_after_the_last_was_due_however_long_the_handler_ran() -> None:
    runs = run_schedule(interval=0.3, handler_seconds=0.2, run_seconds=2.05)
    # 0.3, 0.6, ... 1.8: six ticks; waiting 0.3 s after each run's end would give four
    assert len(runs) == 6
    assert all(abs(start - 0.3 * (n + 1)) < 0.1 for n, (start, _) in enumerate(runs))


def test_a_tick_due_during_a_run_waits_for_it_never_runs_beside_it() -> None:
    runs = run_schedule(interval=0.1, handler_seconds=0.25, run_seconds=1.2)
    assert len(runs) >= 3
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(runs))
    assert not any(thread.name == "schedule-dispatcher" for thread in threading.enumerate())
