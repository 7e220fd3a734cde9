"""Opening a connection (and its warehouses) and asking for an on-demand sync.

A connection is opened only with a refresh token Login with Amazon has just honoured: either one
the seller pasted (self-authorized apps; proven before anything is stored) or the one Amazon's
website authorization workflow gave (see `authorizations`). Each tenant holds at most its quota.
"""

from dataclasses import dataclass
from http import HTTPStatus

from domain.connection import (
    ChangeConnectionSettings,
    CreateConnection,
    Reauthorize,
    check_marketplaces,
    decide,
    decide_create,
)
from domain.errors import NotFound
from domain.marketplaces import Region
from domain.streams import StreamKind
from domain.warehouse import WarehouseCreated
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.api.commands.ports import Connecting, SyncJobs
from functions.api.errors import ApiError
from functions.connection_state.quota import QuotaReached
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.lwa import GrantRefused, LwaUnavailable
from functions.shared.aggregates import Aggregates


@dataclass(frozen=True)
class OpenedConnection:
    connection_id: str
    version: int
    warehouses: tuple[WarehouseCreated, ...]
    first_sync: SyncJob


def _prove(connecting: Connecting, refresh_token: str) -> None:
    try:
        connecting.grants.prove(refresh_token)
    except GrantRefused as refused:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "refresh_token_refused",
            f"Amazon refused this refresh token ({refused.error}); authorize the app again in "
            "Seller Central and send the new token. Nothing was stored.",
        ) from None
    except LwaUnavailable as failure:
        raise amazon_unavailable(failure) from None


def connect_with_token(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    seller_id: str,
    region: Region,
    marketplace_ids: tuple[str, ...],
    refresh_token: str,
) -> OpenedConnection:
    """A refresh token the seller pasted: Login with Amazon must honour it before it is kept."""
    check_marketplaces(region, marketplace_ids)  # refused before Amazon is asked
    command = new_connection(aggregates, seller_id, region, marketplace_ids)
    _prove(connecting, refresh_token)
    return open_connection(aggregates, connecting, caller, command, refresh_token)


def amazon_unavailable(failure: Exception) -> ApiError:
    return ApiError(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "amazon_unavailable",
        f"{failure}; nothing was stored, try again in a minute",
    )


def new_connection(
    aggregates: Aggregates, seller_id: str, region: Region, marketplace_ids: tuple[str, ...]
) -> CreateConnection:
    return CreateConnection(
        connection_id=f"conn-{aggregates.ids.new_id()}",
        seller_id=seller_id,
        region=region,
        marketplace_ids=marketplace_ids,
    )


def open_connection(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    command: CreateConnection,
    refresh_token: str,
) -> OpenedConnection:
    """With a proven token: a place in the tenant's quota, then the token in the secret store (a
    connection never exists without its token), then the events, then the first sync (the
    schedule only picks up connections that have synced). A failure undoes what was done."""
    decision = decide_create(command, None)
    connection_id, tenant = command.connection_id, caller.tenant_id
    try:
        connecting.quota.take(tenant)
    except QuotaReached as reached:
        raise ApiError(HTTPStatus.CONFLICT, "connection_quota_reached", str(reached)) from None
    try:
        connecting.tokens.store(tenant, connection_id, refresh_token)
        try:
            versions = aggregates.save(event_context(caller, aggregates.clock), decision, {})
        except Exception:
            connecting.tokens.discard(tenant, connection_id)
            raise
    except Exception:
        connecting.quota.give_back(tenant)
        raise
    warehouses = tuple(
        event
        for (kind, _), events in decision.items()
        if kind == StreamKind.WAREHOUSE
        for event in events
        if isinstance(event, WarehouseCreated)
    )
    first_sync = _job(aggregates, caller, connection_id)
    connecting.jobs.submit(first_sync)
    return OpenedConnection(
        connection_id=connection_id,
        version=versions[(StreamKind.CONNECTION, connection_id)],
        warehouses=warehouses,
        first_sync=first_sync,
    )


@dataclass(frozen=True)
class Reauthorized:
    version: int
    sync: SyncJob


def replace_credentials(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    connection_id: str,
    refresh_token: str,
) -> Reauthorized:
    """A new refresh token, proven with Login with Amazon first (refused: nothing changes), then
    stored; the connection is active again and a sync is queued at once."""
    if aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id).state is None:
        raise NotFound(f"connection {connection_id} not found")
    _prove(connecting, refresh_token)
    connecting.tokens.replace(caller.tenant_id, connection_id, refresh_token)
    key = (StreamKind.CONNECTION.value, connection_id)

    def attempt() -> int:
        loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
        events = decide(Reauthorize(connection_id=connection_id), loaded.state)
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    version = with_retries(attempt)
    job = _job(aggregates, caller, connection_id)
    connecting.jobs.submit(job)
    return Reauthorized(version=version, sync=job)


def request_sync(
    aggregates: Aggregates, jobs: SyncJobs, caller: Caller, connection_id: str
) -> SyncJob:
    """Queue a full sync of the connection; the queue's group per connection serializes runs.

    At most one on-demand job waits per connection: requests while it waits are covered by it.
    """
    loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
    if loaded.state is None:
        raise NotFound(f"connection {connection_id} not found")
    job = _job(aggregates, caller, connection_id)
    jobs.submit(job)  # one on-demand job waiting already covers this request
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
