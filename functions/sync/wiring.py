"""The sync's composition root: real adapters built once per container, on first use.

Tests and the local runtime build their own (`build(...)` with their clients, clock, sleep) and
hand them over with `configure`; nothing is patched.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from domain.marketplaces import Region
from domain.ports import Clock, IdGenerator
from functions.connection_state.enqueue import SyncQueue
from functions.connection_state.pending import PendingJobs
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.credentials import CredentialStore
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import SyncSettings
from functions.sync.engine.service import ConnectionSync, SyncServices
from functions.sync.engine.settings import SyncTuning


@dataclass(frozen=True)
class Deps:
    """The worker's: the sync engine."""

    sync: ConnectionSync


def build(
    settings: SyncSettings,
    tuning: SyncTuning,
    clients: AwsClients,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    sleep: Callable[[float], None] = time.sleep,
    wall_time: Callable[[], float] = time.time,
) -> Deps:
    from functions.shared.adapters.lwa import LwaCredentials
    from functions.shared.adapters.reports_gateway import SpApiSellerReads

    clock = clock or SystemClock()
    ids = ids or RandomIds()
    dynamodb = clients.dynamodb
    state = StateTable(settings.state_table, dynamodb)

    enqueue = SyncQueue(lambda: clients.sqs, settings.sync_queue_url, PendingJobs(state)).submit

    def open_gateway(credentials: LwaCredentials, region: Region) -> SpApiSellerReads:
        return SpApiSellerReads(
            credentials,
            region,
            settings.spapi_endpoint,
            tuning.call_seconds,
            tuning.max_response_bytes,
        )

    services = SyncServices(
        aggregates=Aggregates(DynamoDBEventStore(settings.events_table, dynamodb), ids, clock),
        state=state,
        clock=clock,
        ids=ids,
        credentials=CredentialStore(
            lambda: clients.secrets,
            settings.lwa_app_secret_id,
            settings.refresh_token_secret_prefix,
            tuning.secret_max_age_seconds,
        ),
        open_gateway=open_gateway,
        enqueue=enqueue,
        notifications_destination=settings.notifications_queue_arn,
        tuning=tuning,
        sleep=sleep,
        wall_time=wall_time,
    )
    return Deps(sync=ConnectionSync(services))


@cache
def deps() -> Deps:
    """The worker's default, built from the environment once per container, on first use."""
    return settled(build(SyncSettings.from_env(), SyncTuning.from_env(), AwsClients()))
