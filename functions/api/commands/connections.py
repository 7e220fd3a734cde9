"""Opening a connection (and its warehouses) and asking for an on-demand sync."""

from dataclasses import dataclass
from typing import Protocol

from domain.connection import (
    ChangeConnectionSettings,
    CreateConnection,
    decide,
    decide_create,
)
from domain.errors import NotFound
from domain.marketplaces import Region
from domain.streams import StreamKind
from domain.warehouse import WarehouseCreated
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.connection_state.status import SyncStatus
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.aggregates import Aggregates


class RefreshTokens(Protocol):
    def store(self, tenant_id: str, connection_id: str, refresh_token: str) -> None: ...

    def discard(self, tenant_id: str, connection_id: str) -> None: ...


class SyncJobs(Protocol):
    def send(self, job: SyncJob, deduplication_id: str) -> None: ...


class SyncStatuses(Protocol):
    def get(self, tenant_id: str, connection_id: str) -> SyncStatus | None: ...


@dataclass(frozen=True)
class OpenedConnection:
    connection_id: str
    version: int
    warehouses: tuple[WarehouseCreated, ...]
    first_sync: SyncJob


def open_connection(
    aggregates: Aggregates,
    tokens: RefreshTokens,
    jobs: SyncJobs,
    caller: Caller,
    seller_id: str,
    region: Region,
    marketplace_ids: tuple[str, ...],
    refresh_token: str,
) -> OpenedConnection:
    """The token goes to the secret store first: a connection never exists without its token.
    Then the first sync is queued (the schedule only picks up connections that have synced)."""
    connection_id = f"conn-{aggregates.ids.new_id()}"
    command = CreateConnection(
        connection_id=connection_id,
        seller_id=seller_id,
        region=region,
        marketplace_ids=marketplace_ids,
    )
    decision = decide_create(command, None)  # refuses bad marketplaces before the secret exists
    tokens.store(caller.tenant_id, connection_id, refresh_token)
    try:
        versions = aggregates.save(event_context(caller, aggregates.clock), decision, {})
    except Exception:
        tokens.discard(caller.tenant_id, connection_id)
        raise
    warehouses = tuple(
        event
        for (kind, _), events in decision.items()
        if kind == StreamKind.WAREHOUSE
        for event in events
        if isinstance(event, WarehouseCreated)
    )
    first_sync = _job(aggregates, caller, connection_id)
    jobs.send(first_sync, deduplication_id=f"first-sync-{caller.tenant_id}-{connection_id}")
    return OpenedConnection(
        connection_id=connection_id,
        version=versions[(StreamKind.CONNECTION, connection_id)],
        warehouses=warehouses,
        first_sync=first_sync,
    )


def request_sync(
    aggregates: Aggregates, jobs: SyncJobs, caller: Caller, connection_id: str
) -> SyncJob:
    """Queue a full sync of the connection; the queue's group per connection serializes runs.

    Deduplicated on the request id: API Gateway or client retries of one request queue one job.
    """
    loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
    if loaded.state is None:
        raise NotFound(f"connection {connection_id} not found")
    job = _job(aggregates, caller, connection_id)
    jobs.send(job, deduplication_id=f"on-demand-{caller.correlation_id}")
    return job


def change_settings(
    aggregates: Aggregates, caller: Caller, connection_id: str, watch_window_days: int
) -> int:
    """Set how long closed shipments with a discrepancy are watched; returns the version."""
    key = (StreamKind.CONNECTION.value, connection_id)

    def attempt() -> int:
        loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
        command = ChangeConnectionSettings(
            connection_id=connection_id, watch_window_days=watch_window_days
        )
        events = decide(command, loaded.state)
        if not events:
            return loaded.version
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)


def _job(aggregates: Aggregates, caller: Caller, connection_id: str) -> SyncJob:
    return SyncJob(
        tenant_id=caller.tenant_id,
        connection_id=connection_id,
        reason=SyncReason.ON_DEMAND,
        requested_at=aggregates.clock.now(),
        correlation_id=caller.correlation_id,
    )
