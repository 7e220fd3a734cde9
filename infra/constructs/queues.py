"""SQS defaults: SSE-SQS (SP-API can send without KMS grants), TLS only, DLQs kept 14 days."""

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
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


def grant_send(queue: sqs.IQueue, grantee: iam.IGrantable) -> iam.Grant:
    """SendMessage only: our senders (`enqueue_sync`, the API's `SqsSyncJobs`) have the queue URL
    from the environment and never call GetQueueUrl or GetQueueAttributes, which CDK's
    `grant_send_messages` adds. SSE-SQS: no key to grant."""
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=["sqs:SendMessage"], resource_arns=[queue.queue_arn]
    )
