"""The local EventBridge schedule: invokes a handler with a Scheduled Event every interval.

At a fixed rate, as EventBridge does: a tick is due `interval` after the previous one was due,
however long the handler took (the dispatcher's run grows with the connections it enqueues).
One invocation at a time: a tick that falls due while the handler still runs is invoked as soon
as it returns; ticks missed meanwhile are not made up (EventBridge would have invoked them side
by side; the dispatcher's next run covers them).
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.lambda_context import LocalLambdaContext

log = logging.getLogger(__name__)


def scheduled_event(rule_arn: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [rule_arn],
        "detail": {},
    }


class Schedule:
    def __init__(
        self, handler: Callable[[dict[str, Any], Any], Any], interval_seconds: float, name: str
    ) -> None:
        self._handler = handler
        self._interval = interval_seconds
        self._name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"schedule-{name}", daemon=True)

    def start(self) -> "Schedule":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def fire(self) -> None:
        rule = f"arn:aws:events:us-east-1:123456789012:rule/{self._name}"
        try:
            self._handler(scheduled_event(rule), LocalLambdaContext(function_name=self._name))
        except Exception:
            log.exception("scheduled %s failed", self._name)

    def _run(self) -> None:
        due = time.monotonic() + self._interval
        while not self._stop.wait(max(due - time.monotonic(), 0.0)):
            self.fire()
            due = max(due + self._interval, time.monotonic())
