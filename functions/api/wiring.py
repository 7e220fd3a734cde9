"""The composition root: the adapters the API runs on, built once per cold start.

`default_services()` reads `ApiSettings` from the environment and builds boto3 clients on the
first request (not at import); tests build `Services` from their own clients or fakes with
`build_services` and hand them to `functions.api.handler.handle`.
"""

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.event_store import EventStore
from domain.ports import Clock, IdGenerator
from functions.api.adapters import SecretsManagerRefreshTokens, SqsSyncJobs
from functions.api.commands.connections import RefreshTokens, SyncJobs, SyncStatuses
from functions.api.idempotency import IdempotentCommands
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import ApiSettings
from functions.shared.system import RandomIds, SystemClock

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient

    from functions.shared.views.queries import ViewQueries


@dataclass(frozen=True)
class Services:
    aggregates: Aggregates
    events: EventStore
    views: "ViewQueries"
    tokens: RefreshTokens
    sync_jobs: SyncJobs
    sync_status: SyncStatuses
    idempotency: IdempotentCommands


@dataclass(frozen=True)
class AwsClients:
    dynamodb: "DynamoDBClient"
    sqs: "SQSClient"
    secretsmanager: "SecretsManagerClient"

    @classmethod
    def from_environment(cls) -> "AwsClients":
        """Region, credentials and endpoints (AWS_ENDPOINT_URL locally) from the environment."""
        import boto3
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "total_max_attempts": 3},
            connect_timeout=2,
            read_timeout=5,
        )
        return cls(
            dynamodb=boto3.client("dynamodb", config=config),
            sqs=boto3.client("sqs", config=config),
            secretsmanager=boto3.client("secretsmanager", config=config),
        )


def build_services(
    settings: ApiSettings,
    clients: AwsClients,
    events: EventStore | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Services:
    from functions.connection_state.status import SyncStatusReader
    from functions.shared.dynamodb_event_store import DynamoDBEventStore
    from functions.shared.views.queries import ViewQueries

    store = events or DynamoDBEventStore(settings.events_table, clients.dynamodb)
    return Services(
        aggregates=Aggregates(store, ids or RandomIds(), clock or SystemClock()),
        events=store,
        views=ViewQueries(settings.views_table, clients.dynamodb),
        tokens=SecretsManagerRefreshTokens(
            clients.secretsmanager, settings.refresh_token_secret_prefix
        ),
        sync_jobs=SqsSyncJobs(clients.sqs, settings.sync_queue_url),
        sync_status=SyncStatusReader(settings.state_table, clients.dynamodb),
        idempotency=IdempotentCommands(settings.idempotency_table, clients.dynamodb),
    )


@functools.cache
def default_services() -> Services:
    settings = ApiSettings.from_env()
    return settled(build_services(settings, AwsClients.from_environment()))
