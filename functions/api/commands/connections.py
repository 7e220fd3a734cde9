"""Opening a connection (and its warehouses), changing its settings and marketplaces, asking for
an on-demand sync, and disconnecting it.

A connection is opened only with a refresh token Login with Amazon has just honoured: either one
the seller pasted (self-authorized apps; proven before anything is stored) or the one Amazon's
website authorization workflow gave (see `authorizations`). Each tenant holds at most its quota.

The order rules it opens or is changed with are checked before anything is stored: a default
source must be one of the tenant's own warehouses, enabled.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import reduce
from http import HTTPStatus

from domain import warehouse
from domain.connection import (
    ChangeConnectionMarketplaces,
    ChangeConnectionSettings,
    Connection,
    ConnectionMarketplacesChanged,
    ConnectionStatus,
    CreateConnection,
    Disconnect,
    OrderRule,
    OrderType,
    Reauthorize,
    check_marketplaces,
    check_overrides,
    check_source,
    checked_rule,
    decide,
    decide_create,
    decide_marketplaces,
    evolve,
    sources_of,
)
from domain.errors import NotFound
from domain.marketplaces import Region
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseCreated, fba_warehouse_id
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.api.commands.ports import Connecting, SyncJobs
from functions.api.errors import ApiError
from functions.connection_state.authorizations import OpeningSettings
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
    settings: OpeningSettings | None = None,
) -> OpenedConnection:
    """A refresh token the seller pasted: Login with Amazon must honour it before it is kept."""
    settings = settings or OpeningSettings()
    # Refused before Amazon is asked.
    check_opening(aggregates, caller, region, marketplace_ids, settings)
    command = new_connection(aggregates, seller_id, region, marketplace_ids, settings)
    _prove(connecting, refresh_token)
    return open_connection(aggregates, connecting, caller, command, refresh_token)


def check_opening(
    aggregates: Aggregates,
    caller: Caller,
    region: Region,
    marketplace_ids: tuple[str, ...],
    settings: OpeningSettings,
) -> None:
    """The marketplaces, the overrides' marketplaces and every default source, checked."""
    check_marketplaces(region, marketplace_ids)
    check_overrides(marketplace_ids, settings.marketplace_overrides)
    check_sources(aggregates, caller, settings.order_rule, settings.marketplace_overrides)


def check_sources(
    aggregates: Aggregates,
    caller: Caller,
    order_rule: OrderRule | None,
    overrides: Mapping[str, OrderRule] | None,
) -> None:
    """Each default source these rules name is one of the tenant's own warehouses, enabled."""
    for field, warehouse_id in sources_of(order_rule, overrides).items():
        found = aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, warehouse_id).state
        check_source(warehouse_id, found, field)


def amazon_unavailable(failure: Exception) -> ApiError:
    return ApiError(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "amazon_unavailable",
        f"{failure}; nothing was stored, try again in a minute",
    )


def new_connection(
    aggregates: Aggregates,
    seller_id: str,
    region: Region,
    marketplace_ids: tuple[str, ...],
    settings: OpeningSettings,
) -> CreateConnection:
    return CreateConnection(
        connection_id=f"conn-{aggregates.ids.new_id()}",
        seller_id=seller_id,
        region=region,
        marketplace_ids=marketplace_ids,
        watch_window_days=settings.watch_window_days,
        order_rule=settings.order_rule,
        marketplace_overrides=settings.marketplace_overrides,
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
    A disconnected connection does not sync (409) until it is authorized again.
    """
    loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
    if loaded.state is None:
        raise NotFound(f"connection {connection_id} not found")
    if loaded.state.status is ConnectionStatus.DISCONNECTED:
        raise ApiError(
            HTTPStatus.CONFLICT,
            "connection_disconnected",
            f"connection {connection_id} is disconnected: send a new refresh token with "
            f"PUT /connections/{connection_id}/credentials to sync it again",
        )
    job = _job(aggregates, caller, connection_id)
    jobs.submit(job)  # one on-demand job waiting already covers this request
    return job


@dataclass(frozen=True)
class SettingsChange:
    """What a settings request asks; None leaves a setting as it is. `source_sent`: the request
    named `default_source_warehouse_id` (null clears it)."""

    watch_window_days: int | None = None
    default_order_type: OrderType | None = None
    default_source_warehouse_id: str | None = None
    source_sent: bool = False
    marketplace_overrides: dict[str, OrderRule] | None = None


@dataclass(frozen=True)
class ConnectionChanged:
    connection: Connection
    version: int


def change_settings(
    aggregates: Aggregates, caller: Caller, connection_id: str, change: SettingsChange
) -> ConnectionChanged:
    """The watch window and the order rules: the rule sent is merged into the one in force
    and checked whole (a transfer needs its source); a source named, or in force for transfers,
    must be an enabled own warehouse. Returns the connection as it now is."""
    key = (StreamKind.CONNECTION.value, connection_id)

    def attempt() -> ConnectionChanged:
        loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
        if loaded.state is None:
            raise NotFound(f"connection {connection_id} not found")
        rule = _merged_rule(loaded.state.order_rule, change)
        command = ChangeConnectionSettings(
            connection_id=connection_id,
            watch_window_days=change.watch_window_days,
            order_rule=rule,
            marketplace_overrides=change.marketplace_overrides,
        )
        events = decide(command, loaded.state)
        # An inherited source matters only to transfers: one left from them is not re-checked.
        in_force = rule is not None and (
            change.source_sent or rule.default_order_type is OrderType.TRANSFER_ORDER
        )
        check_sources(aggregates, caller, rule if in_force else None, change.marketplace_overrides)
        before: Connection | None = loaded.state
        state = reduce(evolve, events, before)
        assert state is not None
        if not events:
            return ConnectionChanged(state, loaded.version)
        context = event_context(caller, aggregates.clock)
        version = aggregates.save(context, {key: events}, {key: loaded.version})[key]
        return ConnectionChanged(state, version)

    return with_retries(attempt)


def _merged_rule(current: OrderRule, change: SettingsChange) -> OrderRule | None:
    if change.default_order_type is None and not change.source_sent:
        return None
    return checked_rule(
        change.default_order_type or current.default_order_type,
        change.default_source_warehouse_id
        if change.source_sent
        else current.default_source_warehouse_id,
    )


@dataclass(frozen=True)
class MarketplacesChanged:
    connection: Connection
    version: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    warehouses: tuple[Warehouse, ...]  # the FBA warehouses of those added or removed, as now
    sync: SyncJob | None = None  # queued when the connection is active and its marketplaces changed


def change_marketplaces(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    connection_id: str,
    marketplace_ids: tuple[str, ...],
) -> MarketplacesChanged:
    """The connection's marketplaces become these: an added one's FBA warehouse is created (or
    enabled again), a removed one's disabled, in one append; then a sync is queued, whose plan
    covers exactly the new marketplaces (an added one is read back over the lookback)."""
    tenant = caller.tenant_id
    command = ChangeConnectionMarketplaces(
        connection_id=connection_id, marketplace_ids=marketplace_ids
    )

    def attempt() -> MarketplacesChanged:
        loaded = aggregates.load(tenant, StreamKind.CONNECTION, connection_id)
        if loaded.state is None:
            raise NotFound(f"connection {connection_id} not found")
        state = loaded.state
        check_marketplaces(state.region, marketplace_ids, field="marketplace_ids")
        fba = {
            m: aggregates.load(tenant, StreamKind.WAREHOUSE, fba_warehouse_id(connection_id, m))
            for m in sorted(set(marketplace_ids) ^ set(state.marketplace_ids))
        }
        decision = decide_marketplaces(command, state, {m: w.state for m, w in fba.items()})
        if not decision:
            return MarketplacesChanged(state, loaded.version, (), (), ())
        [changed] = decision[(StreamKind.CONNECTION, connection_id)]
        assert isinstance(changed, ConnectionMarketplacesChanged)
        versions = {(StreamKind.CONNECTION.value, connection_id): loaded.version}
        warehouses = []
        for m in (*changed.added, *changed.removed):
            key = (StreamKind.WAREHOUSE.value, fba_warehouse_id(connection_id, m))
            versions[key] = fba[m].version
            after = reduce(warehouse.evolve, decision.get(key, []), fba[m].state)
            if after is not None:
                warehouses.append(after)
        saved = aggregates.save(event_context(caller, aggregates.clock), decision, versions)
        now = evolve(state, changed)
        assert now is not None
        version = saved[(StreamKind.CONNECTION.value, connection_id)]
        return MarketplacesChanged(now, version, changed.added, changed.removed, tuple(warehouses))

    done = with_retries(attempt)
    if (done.added or done.removed) and done.connection.status is ConnectionStatus.ACTIVE:
        sync = _job(aggregates, caller, connection_id)
        connecting.jobs.submit(sync)
        return replace(done, sync=sync)
    return done


@dataclass(frozen=True)
class Disconnected:
    version: int
    disconnected_at: datetime


def disconnect(
    aggregates: Aggregates, connecting: Connecting, caller: Caller, connection_id: str
) -> Disconnected:
    """The connection is disconnected (its syncs stop), then its refresh token is deleted from
    the secret store; its data stays. Again on a disconnected connection: nothing is appended,
    and the token is deleted if it was left behind."""
    key = (StreamKind.CONNECTION.value, connection_id)

    def attempt() -> Disconnected:
        loaded = aggregates.load(caller.tenant_id, StreamKind.CONNECTION, connection_id)
        command = Disconnect(connection_id=connection_id, disconnected_at=aggregates.clock.now())
        events = decide(command, loaded.state)
        state = reduce(evolve, events, loaded.state)
        assert state is not None and state.disconnected_at is not None
        if not events:
            return Disconnected(loaded.version, state.disconnected_at)
        context = event_context(caller, aggregates.clock)
        version = aggregates.save(context, {key: events}, {key: loaded.version})[key]
        return Disconnected(version, state.disconnected_at)

    done = with_retries(attempt)
    # After the event: if deleting fails, a retried disconnect deletes it.
    connecting.tokens.discard(caller.tenant_id, connection_id)
    return done


def _job(aggregates: Aggregates, caller: Caller, connection_id: str) -> SyncJob:
    return SyncJob(
        tenant_id=caller.tenant_id,
        connection_id=connection_id,
        reason=SyncReason.ON_DEMAND,
        requested_at=aggregates.clock.now(),
        correlation_id=caller.correlation_id,
    )
