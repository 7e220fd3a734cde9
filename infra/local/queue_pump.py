"""Feeds an SQS queue to a handler in Lambda-shaped batches, as the SQS event source does.

Succeeded messages are deleted; failed ones (batchItemFailures, or the whole batch when the
handler raises) stay on the queue and come back after their visibility timeout, so the queue's
own redrive policy moves poison messages to its DLQ, as in AWS.
"""

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from infra.local.lambda_context import LocalLambdaContext

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any] | None]


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
    ) -> None:
        self._client = client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._handler = handler
        self._name = name
        self._batch_size = batch_size
        self._timeout_seconds = timeout_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"queue-pump-{name}", daemon=True)

    def start(self) -> "QueuePump":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def pump_once(self, wait_seconds: int = 1) -> int:
        """Receive one batch and hand it to the handler; the number of messages received."""
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
