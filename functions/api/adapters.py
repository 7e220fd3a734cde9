"""The API's own adapters: the refresh-token secrets and the sync queue."""

from typing import TYPE_CHECKING

from functions.shared.sync_jobs import SyncJob

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient


class SecretsManagerRefreshTokens:
    """One secret per connection: `{prefix}{tenant}/{connection_id}`. The token is never logged."""

    def __init__(self, client: "SecretsManagerClient", prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def secret_name(self, tenant_id: str, connection_id: str) -> str:
        return f"{self._prefix}{tenant_id}/{connection_id}"

    def store(self, tenant_id: str, connection_id: str, refresh_token: str) -> None:
        self._client.create_secret(
            Name=self.secret_name(tenant_id, connection_id),
            SecretString=refresh_token,
            Tags=[{"Key": "tenant_id", "Value": tenant_id}],
        )

    def discard(self, tenant_id: str, connection_id: str) -> None:
        self._client.delete_secret(
            SecretId=self.secret_name(tenant_id, connection_id), ForceDeleteWithoutRecovery=True
        )


class SqsSyncJobs:
    """Sync jobs on the FIFO queue: one message group per connection, so runs never overlap."""

    def __init__(self, client: "SQSClient", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, job: SyncJob, deduplication_id: str) -> None:
        self._client.send_message(
            QueueUrl=self._queue_url,
            MessageBody=job.model_dump_json(),
            MessageGroupId=job.message_group_id,
            MessageDeduplicationId=deduplication_id[:128],
        )
