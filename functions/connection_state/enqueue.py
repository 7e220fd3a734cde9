"""Putting a sync job on the FIFO sync queue (API, dispatcher, notifications, the worker itself),
coalesced with the job of its kind already waiting (see `pending`).

The deduplication id is built from the job's fields and a time bucket, so a double click or a
dispatcher retried within the bucket queues the job once (SQS keeps ids for five minutes). A
continuation carries its exact request time instead: one run may continue many times.
"""

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from functions.connection_state.pending import PendingJobs
from functions.connection_state.sync_jobs import SyncJob, SyncReason

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

DEDUP_BUCKET_SECONDS = 60


def deduplication_id(job: SyncJob, bucket_seconds: int = DEDUP_BUCKET_SECONDS) -> str:
    if job.reason is SyncReason.CONTINUATION:
        when = job.requested_at.isoformat()
    else:
        when = str(int(job.requested_at.timestamp()) // bucket_seconds)
    parts = (
        job.tenant_id,
        job.connection_id,
        job.reason.value,
        job.run_id or "",
        # A retried request keeps its correlation id; two requests differ: the second, queued
        # once the first was picked up, must not be dropped as the first's duplicate.
        job.correlation_id,
        ",".join(sorted(job.shipment_ids)),
        when,
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def enqueue_sync(sqs_client: "SQSClient", queue_url: str, job: SyncJob) -> str:
    """Send the job in its connection's message group; returns the SQS message id."""
    sent = sqs_client.send_message(
        QueueUrl=queue_url,
        MessageBody=job.model_dump_json(),
        MessageGroupId=job.message_group_id,
        MessageDeduplicationId=deduplication_id(job),
    )
    return sent["MessageId"]


class SyncQueue:
    def __init__(
        self, sqs: Callable[[], "SQSClient"], queue_url: str, pending: PendingJobs
    ) -> None:
        """`sqs` gives the client when a job is first queued (a cold start that queues none
        builds none)."""
        self._sqs = sqs
        self._queue_url = queue_url
        self._pending = pending

    def submit(self, job: SyncJob) -> bool:
        """Queue the job unless one of its kind already waits for the connection (it then
        covers this request: False)."""
        if not self._pending.claim(job):
            return False
        try:
            enqueue_sync(self._sqs(), self._queue_url, job)
        except Exception:
            self._pending.release(job)
            raise
        return True
