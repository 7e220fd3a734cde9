"""Feeds a DynamoDB stream to a handler in Lambda-shaped batches, as the event source mapping does.

Per consumer: INSERT records only (the deployed filter), batches of up to `batch_size`, partial
batch failures honoured (the batch is retried from the first failed record), a bounded number of
attempts, then the record is set aside (logged, the local DLQ) so the stream moves on.

Running, one thread reads the stream and each consumer delivers on its own thread, as each
deployed function has its own event source mapping: a slow consumer (the reactor's batch of
imports) never holds the projector's views back.
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
    lock: threading.Lock = field(default_factory=threading.Lock)  # pending: reader vs delivery
    busy: bool = False  # a batch is being delivered

    def add(self, records: list[dict[str, Any]]) -> None:
        with self.lock:
            self.pending.extend(_copy(r) for r in records)

    @property
    def settled(self) -> bool:
        with self.lock:
            return not self.pending and not self.busy

    def deliver(self, stream_arn: str) -> bool:
        """Deliver one batch of what is pending; True when something was delivered."""
        with self.lock:
            if not self.pending:
                return False
            batch = self.pending[: self.batch_size]
            self.busy = True
        try:
            return self._deliver(batch, stream_arn)
        finally:
            self.busy = False

    def _deliver(self, batch: list[dict[str, Any]], stream_arn: str) -> bool:
        for record in batch:
            record["eventSourceARN"] = stream_arn
        context = LocalLambdaContext(function_name=self.name, timeout_seconds=60)
        try:
            response = self.handler({"Records": batch}, context) or {}
            failures = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
        except Exception:
            log.exception("%s failed on a batch of %d records", self.name, len(batch))
            failures = [batch[0]["dynamodb"]["SequenceNumber"]]
        with self.lock:  # the reader only appends: the batch is still the list's head
            if not failures:
                del self.pending[: len(batch)]
                self.attempts = 0
                return True
            first_failed = next(
                i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failures
            )
            del self.pending[:first_failed]  # everything before the failure is done
            self.attempts += 1
            if self.attempts < self.max_attempts:
                return True
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
        self._threads = [threading.Thread(target=self._read, name="stream-pump", daemon=True)] + [
            threading.Thread(target=self._serve, args=(c,), name=f"stream-{c.name}", daemon=True)
            for c in consumers
        ]
        self._idle = threading.Event()

    def start(self) -> "StreamPump":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything appended so far has been delivered to every consumer."""
        self._idle.clear()
        return self._idle.wait(timeout)

    def pump_once(self) -> bool:
        """Read new records and deliver one batch per consumer, on the caller's thread (tests);
        True if anything moved."""
        records = self._read_once()
        delivered = [consumer.deliver(self._stream_arn) for consumer in self._consumers]
        return bool(records) or any(delivered)

    def _read_once(self) -> list[dict[str, Any]]:
        records = self._tail.poll()
        for consumer in self._consumers:
            consumer.add(records)
        return records

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                records = self._read_once()
            except Exception:
                log.exception("stream pump failed; retrying")
                records = []
            if not records:
                if all(consumer.settled for consumer in self._consumers):
                    self._idle.set()
                self._stop.wait(self._poll_seconds)

    def _serve(self, consumer: StreamConsumer) -> None:
        while not self._stop.is_set():
            try:
                moved = consumer.deliver(self._stream_arn)
            except Exception:
                log.exception("%s delivery failed; retrying", consumer.name)
                moved = False
            if not moved:
                self._stop.wait(self._poll_seconds)


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    """Each consumer gets its own records (delivery stamps them with the stream's ARN)."""
    return {**record, "dynamodb": dict(record["dynamodb"])}
