"""Creating what the sync and the notifications consumer use besides tables, on any endpoint (moto
locally and in tests), the way CDK does: the FIFO sync queue and the notifications queue (each
with its DLQ), and the LWA secrets. Tables: `infra.local.tables`."""

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

MAX_RECEIVE_COUNT = 5
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


def create_sync_queue(
    client: "SQSClient", name: str, visibility_timeout_seconds: int = 960
) -> Queue:
    """The FIFO sync queue (one message group per connection) and its FIFO DLQ.

    `name` without the `.fifo` suffix. The visibility timeout outlasts a 15-minute worker.
    """
    return _queue_with_dlq(
        client,
        f"{name}.fifo",
        f"{name}-dlq.fifo",
        {"FifoQueue": "true", "ContentBasedDeduplication": "false"},
        visibility_timeout_seconds,
    )


def create_notifications_queue(
    client: "SQSClient", name: str, visibility_timeout_seconds: int = 60
) -> Queue:
    """The standard queue SP-API notifications arrive on, and its DLQ."""
    return _queue_with_dlq(client, name, f"{name}-dlq", {}, visibility_timeout_seconds)


def create_amazon_jobs_queue(
    client: "SQSClient", name: str, visibility_timeout_seconds: int = 960
) -> Queue:
    """The standard queue of Save-to-Amazon jobs (a job waits by queueing itself with a delay),
    and its DLQ. The visibility timeout outlasts a 15-minute run."""
    return _queue_with_dlq(client, name, f"{name}-dlq", {}, visibility_timeout_seconds)


def create_lwa_app_secret(
    client: "SecretsManagerClient", secret_id: str, lwa_app_id: str, lwa_client_secret: str
) -> None:
    value = {"lwa_app_id": lwa_app_id, "lwa_client_secret": lwa_client_secret}
    client.create_secret(Name=secret_id, SecretString=json.dumps(value))


def create_cursor_key_secret(client: "SecretsManagerClient", secret_id: str) -> None:
    """The key that signs the API's page cursors: random, as the stack generates it."""
    client.create_secret(Name=secret_id, SecretString=secrets.token_urlsafe(48))


def put_refresh_token(
    client: "SecretsManagerClient",
    prefix: str,
    tenant_id: str,
    connection_id: str,
    refresh_token: str,
) -> str:
    """Create or update the connection's refresh-token secret, `{prefix}{tenant}/{connection}`."""
    name = f"{prefix}{tenant_id}/{connection_id}"
    try:
        client.create_secret(Name=name, SecretString=refresh_token)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=refresh_token)
    return name


def _queue_with_dlq(
    client: "SQSClient",
    name: str,
    dlq_name: str,
    attributes: "dict[QueueAttributeNameType, str]",
    visibility_timeout_seconds: int,
) -> Queue:
    dlq_url = client.create_queue(
        QueueName=dlq_name,
        Attributes={**attributes, "MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = _arn(client, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
    url = client.create_queue(
        QueueName=name,
        Attributes={
            **attributes,
            "VisibilityTimeout": str(visibility_timeout_seconds),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return Queue(url=url, arn=_arn(client, url), dlq_url=dlq_url, dlq_arn=dlq_arn)


def _arn(client: "SQSClient", url: str) -> str:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return attributes["Attributes"]["QueueArn"]
