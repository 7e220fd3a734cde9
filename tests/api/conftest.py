"""API tests: the real handler on moto (DynamoDB, SQS FIFO, Secrets Manager) and the simulated
Amazon (Login with Amazon proves refresh tokens and exchanges consent codes), one set of tables
per module; every test works in its own fresh tenants, so tests never see each other's data."""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from domain.event_store import EventStore, RecordedEvent, StreamAppend
from domain.streams import StreamId
from functions.api.wiring import Services, build_services
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.projector import Projector
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.settings import ApiSettings
from infra.local.provision_sync import create_cursor_key_secret, create_lwa_app_secret
from infra.local.tables import (
    create_events_table,
    create_idempotency_table,
    create_state_table,
    create_views_table,
)
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.notifications import SIMULATED_APPLICATION_ID
from tests.api.gateway import ApiClient
from tests.api.givens import CA, REFRESH_TOKEN, SELLER, US
from tests.conftest import REGION

if TYPE_CHECKING:
    pass

REDIRECT_URI = "https://app.example.test/amazon/authorized"


@dataclass(frozen=True)
class Aws:
    clients: AwsClients
    settings: ApiSettings


def _client(service: Any, endpoint: str) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def aws_clients(moto_server: str) -> AwsClients:
    return AwsClients(
        dynamodb=_client("dynamodb", moto_server),
        sqs=_client("sqs", moto_server),
        secretsmanager=_client("secretsmanager", moto_server),
    )


@pytest.fixture(scope="session")
def amazon() -> Iterator[SimulatedAmazon]:
    """Amazon, with the seller the givens connect: its refresh token is one LWA honours."""
    with SimulatedAmazon(rate_scale=100) as simulator, ControlClient(simulator.url) as control:
        control.create_seller(SELLER, [US, CA], refresh_token=REFRESH_TOKEN)
        yield simulator


@pytest.fixture(scope="module")
def aws(aws_clients: AwsClients, amazon: SimulatedAmazon) -> Iterator[Aws]:
    """Fresh tables per test module: moto copies a whole table for each action of a
    transaction, so small tables keep multi-stream commands fast."""
    clients = aws_clients
    suffix = uuid.uuid4().hex[:8]
    queue = clients.sqs.create_queue(
        QueueName=f"sync-{suffix}.fifo", Attributes={"FifoQueue": "true"}
    )
    jobs = clients.sqs.create_queue(QueueName=f"amazon-jobs-{suffix}")
    settings = ApiSettings(
        events_table=f"events-{suffix}",
        views_table=f"views-{suffix}",
        state_table=f"state-{suffix}",
        idempotency_table=f"idempotency-{suffix}",
        sync_queue_url=queue["QueueUrl"],
        amazon_jobs_queue_url=jobs["QueueUrl"],
        refresh_token_secret_prefix=f"fba/{suffix}/refresh-token/",
        lwa_app_secret_id=f"fba/{suffix}/lwa-app",
        cursor_key_secret_id=f"fba/{suffix}/cursor-key",
        spapi_application_id=SIMULATED_APPLICATION_ID,
        authorization_redirect_uri=REDIRECT_URI,
        spapi_endpoint=amazon.url,
    )
    create_lwa_app_secret(clients.secretsmanager, settings.lwa_app_secret_id, "app", "secret")
    create_cursor_key_secret(clients.secretsmanager, settings.cursor_key_secret_id)
    create_events_table(clients.dynamodb, settings.events_table)
    create_views_table(clients.dynamodb, settings.views_table)
    create_idempotency_table(clients.dynamodb, settings.idempotency_table)
    create_state_table(clients.dynamodb, settings.state_table)
    yield Aws(clients=clients, settings=settings)


class ProjectingStore:
    """The event store, with the projector applying each append at once: the views are
    eventually consistent; in these tests "eventually" is "before the command returns"."""

    def __init__(self, store: EventStore, projector: Projector) -> None:
        self._store = store
        self._projector = projector

    def append(self, appends: Sequence[StreamAppend]) -> None:
        self._store.append(appends)
        for append in appends:
            for event in append.events:
                self._projector.project(event)

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return self._store.read(stream_id, from_version, limit)

    def read_all(self) -> Iterator[RecordedEvent]:
        return self._store.read_all()


@pytest.fixture
def services(aws: Aws, request: pytest.FixtureRequest) -> Services:
    """The API's adapters on moto; in modules that set `READS_VIEWS = True`, with each append
    projected into the views at once."""
    store = DynamoDBEventStore(aws.settings.events_table, aws.clients.dynamodb)
    if getattr(request.module, "READS_VIEWS", False):
        views = DynamoDBViewStore(aws.settings.views_table, aws.clients.dynamodb)
        store = ProjectingStore(store, Projector(store, views))  # type: ignore[assignment]
    return build_services(aws.settings, aws.clients, events=store)


@pytest.fixture
def api(services: Services) -> ApiClient:
    return ApiClient(services)
