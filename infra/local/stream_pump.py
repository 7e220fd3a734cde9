"""Feeds a DynamoDB stream to a handler in Lambda-shaped batches, as the event source mapping does.

Per consumer: INSERT records only (the deployed filter), batches of up to `batch_size`, partial
batch failures honoured (the batch is retried from the first failed record), a bounded number of
attempts, then the record is set aside (logged, the local DLQ) so the stream moves on.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from infra.local.lambda_context import LocalLambdaContext
from infra.local.stream_tail import StreamTail

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams.client import DynamoDBStreamsClient

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any] | None]


@dataclass
class StreamConsumer:
    name: str
    handler: Handler
    batch_size: int = 100
    max_attempts: int = 5
    pending: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    dead_letters: list[dict[str, Any]] = field(default_factory=list)

    def deliver(self, stream_arn: str) -> bool:
        """Deliver one batch of what is pending; True when something was delivered."""
        if not self.pending:
            return False
        batch = self.pending[: self.batch_size]
        for record in batch:
            record["eventSourceARN"] = stream_arn
        context = LocalLambdaContext(function_name=self.name, timeout_seconds=60)
        try:
            response = self.handler({"Records": batch}, context) or {}
            failures = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
        except Exception:
            log.exception("%s failed on a batch of %d records", self.name, len(batch))
            failures = [batch[0]["dynamodb"]["SequenceNumber"]]
        if not failures:
            del self.pending[: len(batch)]
            self.attempts = 0
            return True
        first_failed = next(
            i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failures
        )
        del self.pending[:first_failed]  # everything before the failure is done
        self.attempts += 1
        if self.attempts >= self.max_attempts:
            record = self.pending.pop(0)
            self.dead_letters.append(record)
            self.attempts = 0
            log.error("%s gave up on record %s", self.name, record["dynamodb"]["SequenceNumber"])
        return True


class StreamPump:
    """Polls every shard of one table's stream and hands each consumer its own copy."""

    def __init__(
        self,
        client: "DynamoDBStreamsClient",
        stream_arn: str,
        consumers: list[StreamConsumer],
        poll_seconds: float = 0.2,
    ) -> None:
        self._tail = StreamTail(client, stream_arn)
        self._stream_arn = stream_arn
        self._consumers = consumers
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-pump", daemon=True)
        self._idle = threading.Event()

    def start(self) -> "StreamPump":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything appended so far has been delivered to every consumer."""
        self._idle.clear()
        return self._idle.wait(timeout)

    def pump_once(self) -> bool:
        """Read new records and deliver one batch per consumer; True if anything moved."""
        records = self._tail.poll()
        for consumer in self._consumers:
            consumer.pending.extend(_copy(r) for r in records)
        delivered = [consumer.deliver(self._stream_arn) for consumer in self._consumers]
        return bool(records) or any(delivered)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                moved = self.pump_once()
            except Exception:
                log.exception("stream pump failed; retrying")
                moved = False
            if not moved:
                self._idle.set()
                self._stop.wait(self._poll_seconds)


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    """Each consumer gets its own records (delivery stamps them with the stream's ARN)."""
    return {**record, "dynamodb": dict(record["dynamodb"])}
