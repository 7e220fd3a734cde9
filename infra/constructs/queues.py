"""SQS defaults: SSE-SQS (SP-API can send without KMS grants), TLS only, DLQs kept 14 days."""

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

MAX_RECEIVE_COUNT = 5
DLQ_RETENTION = Duration.days(14)  # SQS's maximum: time to notice, fix and redrive


def queue(scope: Construct, construct_id: str, **props: object) -> sqs.Queue:
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        **props,  # type: ignore[arg-type]
    )


def dead_letter_queue(scope: Construct, construct_id: str, *, fifo: bool = False) -> sqs.Queue:
    return queue(scope, construct_id, retention_period=DLQ_RETENTION, fifo=fifo or None)


def redrive_to(dlq: sqs.IQueue) -> sqs.DeadLetterQueue:
    return sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT)
