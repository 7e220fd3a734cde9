"""The API's own adapters: the refresh-token secrets, the sync queue and the sync statuses.

Only the connection routes use them: the secrets and the queue get their boto3 client from a
function called on first use (see `functions.api.wiring.AwsClients`), and the sync statuses
import their reader on first use, so other requests' cold starts pay for neither.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient

    from functions.connection_state.status import SyncStatus, SyncStatusReader
    from functions.connection_state.sync_jobs import SyncJob


class SecretsManagerRefreshTokens:
    """One secret per connection: `{prefix}{tenant}/{connection_id}`. The token is never logged."""

    def __init__(self, client: Callable[[], "SecretsManagerClient"], prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def secret_name(self, tenant_id: str, connection_id: str) -> str:
        return f"{self._prefix}{tenant_id}/{connection_id}"

    def store(self, tenant_id: str, connection_id: str, refresh_token: str) -> None:
        self._client().create_secret(
            Name=self.secret_name(tenant_id, connection_id),
            SecretString=refresh_token,
            Tags=[{"Key": "tenant_id", "Value": tenant_id}],
        )

    def discard(self, tenant_id: str, connection_id: str) -> None:
        self._client().delete_secret(
            SecretId=self.secret_name(tenant_id, connection_id), ForceDeleteWithoutRecovery=True
        )


class SqsSyncJobs:
    """Sync jobs on the FIFO queue: one message group per connection, so runs never overlap."""

    def __init__(self, client: Callable[[], "SQSClient"], queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, job: "SyncJob", deduplication_id: str) -> None:
        self._client().send_message(
            QueueUrl=self._queue_url,
            MessageBody=job.model_dump_json(),
            MessageGroupId=job.message_group_id,
            MessageDeduplicationId=deduplication_id[:128],
        )


class StateTableSyncStatuses:
    """Each connection's sync status, as the sync worker records it in the state table."""

    def __init__(self, table_name: str, client: "DynamoDBClient") -> None:
        self._table_name = table_name
        self._client = client
        self._reader: SyncStatusReader | None = None

    def get(self, tenant_id: str, connection_id: str) -> "SyncStatus | None":
        if self._reader is None:
            from functions.connection_state.status import SyncStatusReader

            self._reader = SyncStatusReader(self._table_name, self._client)
        return self._reader.get(tenant_id, connection_id)
