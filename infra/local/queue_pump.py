"""Feeds an SQS queue to a handler in Lambda-shaped batches, as the SQS event source does.

Succeeded messages are deleted; failed ones (batchItemFailures, or the whole batch when the
handler raises) stay on the queue and come back after their visibility timeout, so the queue's
own redrive policy moves poison messages to its DLQ, as in AWS.

`concurrency` pollers, each a thread that receives a batch, waits for the handler's answer and
deletes what succeeded, as Lambda scales out an SQS-triggered function: up to that many
invocations run at once, so the handler must be thread-safe (`ExecutionEnvironments` gives
each invocation a process of its own). Receives take turns: moto decides which FIFO message
groups are in flight once per ReceiveMessage call, so two receives at once could hand out two
messages of one group; one at a time, a group's next message waits for its previous one to be
deleted, as on SQS.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from infra.local.lambda_context import LocalLambdaContext

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any] | None]
STOP_SECONDS = 10.0


class QueuePump:
    def __init__(
        self,
        client: "SQSClient",
        queue_url: str,
        queue_arn: str,
        handler: Handler,
        name: str,
        batch_size: int = 10,
        timeout_seconds: float = 300.0,
        concurrency: int = 1,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self._client = client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._handler = handler
        self._name = name
        self._batch_size = batch_size
        self._timeout_seconds = timeout_seconds
        self._stop = threading.Event()
        self._receiving = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, name=f"queue-pump-{name}-{n}", daemon=True)
            for n in range(concurrency)
        ]

    def start(self) -> "QueuePump":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        deadline = time.monotonic() + STOP_SECONDS
        for thread in self._threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.0))

    def pump_once(self, wait_seconds: int = 1) -> int:
        """Receive one batch and hand it to the handler; the number of messages received."""
        with self._receiving:
            messages = self._client.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=self._batch_size,
                WaitTimeSeconds=wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        if not messages:
            return 0
        records = [self._record(m) for m in messages]
        context = LocalLambdaContext(
            function_name=self._name, timeout_seconds=self._timeout_seconds
        )
        try:
            response = self._handler({"Records": records}, context) or {}
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        except Exception:
            if self._stop.is_set():  # the runtime stops: the batch comes back after its timeout
                log.warning("%s stopped during a batch of %d messages", self._name, len(records))
            else:
                log.exception("%s failed on a batch of %d messages", self._name, len(records))
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] not in failed:
                self._client.delete_message(
                    QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return len(messages)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pump_once()
            except Exception:
                log.exception("queue pump %s failed; retrying", self._name)
                self._stop.wait(1)

    def _record(self, message: Any) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": "us-east-1",
        }
