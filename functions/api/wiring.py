"""The composition root: the adapters the API runs on, built once per cold start.

`default_services()` reads `ApiSettings` from the environment at the first request (not at
import), and each boto3 client is built when an adapter first needs it (`AwsClients`); tests
build `Services` from their own clients or fakes with `build_services` and hand them to
`functions.api.handler.handle`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.event_store import EventStore
from domain.ports import Clock, IdGenerator
from functions.api.adapters import (
    AmazonAuthorization,
    ConsentPage,
    SecretsManagerRefreshTokens,
    SqsSyncJobs,
    StateTableSyncStatuses,
)
from functions.api.commands.ports import Connecting
from functions.api.idempotency import IdempotentCommands
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import ApiSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    from functions.api.commands.ports import SyncStatuses
    from functions.shared.adapters.job_queue import JobQueue
    from functions.shared.views.queries import ViewQueries


@dataclass(frozen=True)
class Services:
    aggregates: Aggregates
    events: EventStore
    views: "ViewQueries"
    # The connection routes' adapters, built at their first use: other requests need none.
    open_connecting: Callable[[], Connecting]
    sync_status: "SyncStatuses"
    idempotency: IdempotentCommands
    amazon_jobs: "JobQueue"

    @functools.cached_property
    def connecting(self) -> Connecting:
        return self.open_connecting()


@functools.cache
def _config() -> "Config":
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5
    )


def build_services(
    settings: ApiSettings,
    clients: AwsClients,
    events: EventStore | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Services:
    from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
    from functions.shared.adapters.job_queue import JobQueue
    from functions.shared.adapters.snapshots import StateTableSnapshots
    from functions.shared.adapters.state_store import StateTable
    from functions.shared.views.cursor import CursorCodec
    from functions.shared.views.queries import ViewQueries

    store = events or DynamoDBEventStore(settings.events_table, clients.dynamodb)
    snapshots = StateTableSnapshots(StateTable(settings.state_table, clients.dynamodb))
    return Services(
        aggregates=Aggregates(store, ids or RandomIds(), clock or SystemClock(), snapshots),
        events=store,
        views=ViewQueries(
            settings.views_table,
            clients.dynamodb,
            CursorCodec(lambda: cursor_key(clients.secrets, settings.cursor_key_secret_id)),
            store,
        ),
        open_connecting=functools.partial(_connecting, settings, clients),
        sync_status=StateTableSyncStatuses(settings.state_table, clients.dynamodb),
        idempotency=IdempotentCommands(settings.idempotency_table, clients.dynamodb),
        amazon_jobs=JobQueue(lambda: clients.sqs, settings.amazon_jobs_queue_url),
    )


def _connecting(settings: ApiSettings, clients: AwsClients) -> Connecting:
    from functions.connection_state.authorizations import PendingAuthorizations
    from functions.connection_state.pending import PendingJobs
    from functions.connection_state.quota import ConnectionQuota
    from functions.shared.adapters.lwa import LwaTokenEndpoint, token_url
    from functions.shared.adapters.state_store import StateTable

    state = StateTable(settings.state_table, clients.dynamodb)
    local = settings.spapi_endpoint.rstrip("/") if settings.spapi_endpoint else None
    consent = ConsentPage(
        application_id=settings.spapi_application_id,
        redirect_uri=settings.authorization_redirect_uri,
        base_url=f"{local}/_sim/consent" if local else None,
        beta=settings.spapi_app_draft,
    )
    return Connecting(
        tokens=SecretsManagerRefreshTokens(
            lambda: clients.secretsmanager, settings.refresh_token_secret_prefix
        ),
        jobs=SqsSyncJobs(lambda: clients.sqs, settings.sync_queue_url, PendingJobs(state)),
        quota=ConnectionQuota(state, settings.connection_quota),
        grants=AmazonAuthorization(
            lambda: clients.secrets,
            settings.lwa_app_secret_id,
            LwaTokenEndpoint(token_url(settings.spapi_endpoint)),
            consent,
        ),
        pending=PendingAuthorizations(state),
    )


def cursor_key(secrets: "SecretsProvider", secret_id: str) -> bytes:
    from functions.shared.adapters.lwa import UnreadableSecret, read_secret

    key = read_secret(secrets, secret_id, max_age=300, force_fetch=False).encode()
    if len(key) < 32:
        raise UnreadableSecret(f"{secret_id} must hold at least 32 characters")
    return key


@functools.cache
def default_services() -> Services:
    settings = ApiSettings.from_env()
    return settled(build_services(settings, AwsClients(config=_config())))
