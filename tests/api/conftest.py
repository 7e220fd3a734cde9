"""API tests: the real handler on moto (DynamoDB, SQS FIFO, Secrets Manager), one set of tables
per session; every test works in its own fresh tenants, so tests never see each other's data."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from functions.api.wiring import AwsClients, Services, build_services
from functions.shared.settings import ApiSettings
from infra.local.provision import create_events_table
from tests.api.gateway import ApiClient
from tests.conftest import REGION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class Aws:
    clients: AwsClients
    settings: ApiSettings


def _client(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def create_idempotency_table(client: "DynamoDBClient", name: str) -> None:
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )


@pytest.fixture(scope="session")
def aws(moto_server: str) -> Iterator[Aws]:
    clients = AwsClients(
        dynamodb=_client("dynamodb", moto_server),
        sqs=_client("sqs", moto_server),
        secretsmanager=_client("secretsmanager", moto_server),
    )
    suffix = uuid.uuid4().hex[:8]
    queue = clients.sqs.create_queue(
        QueueName=f"sync-{suffix}.fifo", Attributes={"FifoQueue": "true"}
    )
    settings = ApiSettings(
        events_table=f"events-{suffix}",
        views_table=f"views-{suffix}",
        state_table=f"state-{suffix}",
        idempotency_table=f"idempotency-{suffix}",
        sync_queue_url=queue["QueueUrl"],
        refresh_token_secret_prefix=f"fba/{suffix}/refresh-token/",
    )
    create_events_table(clients.dynamodb, settings.events_table)
    try:  # TEMP until the views module lands
        from infra.local.provision_views import create_views_table

        create_views_table(clients.dynamodb, settings.views_table)
    except ImportError:
        pass
    create_idempotency_table(clients.dynamodb, settings.idempotency_table)
    yield Aws(clients=clients, settings=settings)


@pytest.fixture
def services(aws: Aws) -> Services:
    try:  # TEMP until the views module lands
        return build_services(aws.settings, aws.clients)
    except ImportError:
        from functions.api.adapters import SecretsManagerRefreshTokens, SqsSyncJobs
        from functions.api.idempotency import IdempotentCommands
        from functions.shared.aggregates import Aggregates
        from functions.shared.dynamodb_event_store import DynamoDBEventStore
        from functions.shared.system import RandomIds, SystemClock

        store = DynamoDBEventStore(aws.settings.events_table, aws.clients.dynamodb)
        return Services(
            aggregates=Aggregates(store, RandomIds(), SystemClock()),
            events=store,
            views=None,  # type: ignore[arg-type]
            tokens=SecretsManagerRefreshTokens(
                aws.clients.secretsmanager, aws.settings.refresh_token_secret_prefix
            ),
            sync_jobs=SqsSyncJobs(aws.clients.sqs, aws.settings.sync_queue_url),
            idempotency=IdempotentCommands(aws.settings.idempotency_table, aws.clients.dynamodb),
        )


@pytest.fixture
def api(services: Services) -> ApiClient:
    return ApiClient(services)
