"""Connection: one Amazon seller account in one region, with the marketplaces it sells in.

Opening a connection creates an FBA warehouse per marketplace and one FBM warehouse for the
region. The LWA refresh token never enters the domain: it lives in the secret store.

When Amazon no longer honours the connection's authorization (the seller revoked it, or it
lapsed), the connection is `authorization_lost` until the seller authorizes again. One the user
disconnects is `disconnected` (its syncs stop, its data stays) until it is authorized again.

Its marketplaces may change: an added one gets its FBA warehouse (or has it enabled again), a
removed one has it disabled, never deleted (its stock and history stay), and loses its override.

This module holds its commands and decisions. Its events, state and `evolve` are declared in
`domain.connection_events` and its status and warehouse ids in `domain.connection_terms`, which
readers import without these commands and the warehouses' classes; both are re-exported here.
"""

from collections.abc import Mapping

from pydantic import AwareDatetime, Field

from domain.connection_events import SETTINGS

# Re-exported: reading a connection (its events, state and rule) needs only these modules.
from domain.connection_events import Connection as Connection
from domain.connection_events import ConnectionAuthorizationLost as ConnectionAuthorizationLost
from domain.connection_events import ConnectionCreated as ConnectionCreated
from domain.connection_events import ConnectionDisconnected as ConnectionDisconnected
from domain.connection_events import ConnectionMarketplacesChanged as ConnectionMarketplacesChanged
from domain.connection_events import ConnectionReauthorized as ConnectionReauthorized
from domain.connection_events import ConnectionSettingsChanged as ConnectionSettingsChanged
from domain.connection_events import OrderRule as OrderRule
from domain.connection_events import OrderType as OrderType
from domain.connection_events import evolve as evolve
from domain.connection_terms import DEFAULT_WATCH_WINDOW_DAYS as DEFAULT_WATCH_WINDOW_DAYS
from domain.connection_terms import MAX_WATCH_WINDOW_DAYS as MAX_WATCH_WINDOW_DAYS
from domain.connection_terms import ConnectionStatus as ConnectionStatus
from domain.connection_terms import fba_warehouse_id, fbm_warehouse_id
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.marketplaces import Region, country_of, region_of
from domain.messages import Command, Decision, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import (
    Warehouse,
    WarehouseCreated,
    WarehouseEnabledChanged,
    WarehouseKind,
)

SOURCE_FIELD = "default_source_warehouse_id"


def checked_rule(
    default_order_type: OrderType, default_source_warehouse_id: str | None, at: str = ""
) -> OrderRule:
    """The rule, or InvalidCommand naming the field (`at` prefixes it): a transfer needs its
    source."""
    if default_order_type is OrderType.TRANSFER_ORDER and not default_source_warehouse_id:
        raise InvalidCommand(
            "default_order_type transfer_order needs default_source_warehouse_id: the own "
            "warehouse the goods of each discovered shipment leave from",
            field=f"{at}{SOURCE_FIELD}",
        )
    return OrderRule(
        default_order_type=default_order_type,
        default_source_warehouse_id=default_source_warehouse_id,
    )


def sources_of(
    order_rule: OrderRule | None, overrides: Mapping[str, OrderRule] | None
) -> dict[str, str]:
    """The default source warehouses these rules name, by the request field naming each."""
    named = {SOURCE_FIELD: order_rule.default_source_warehouse_id} if order_rule else {}
    for marketplace_id, rule in sorted((overrides or {}).items()):
        named[f"marketplace_overrides.{marketplace_id}.{SOURCE_FIELD}"] = (
            rule.default_source_warehouse_id
        )
    return {field: warehouse_id for field, warehouse_id in named.items() if warehouse_id}


def check_source(warehouse_id: str, warehouse: Warehouse | None, field: str) -> None:
    """A default source is one of the tenant's own warehouses, enabled: else InvalidCommand
    naming `field` (a setting naming no warehouse of the tenant's is a bad value, not a
    missing resource: the connection itself is there)."""
    if warehouse is None:
        raise InvalidCommand(
            f"warehouse {warehouse_id} is not one of your warehouses: name one of your own",
            field=field,
        )
    if warehouse.kind is not WarehouseKind.OWN:
        raise InvalidCommand(
            f"warehouse {warehouse_id} is a {warehouse.kind.value.upper()} warehouse, not one of "
            "your own: a default source is one of your own warehouses",
            field=field,
        )
    if not warehouse.enabled:
        raise InvalidCommand(
            f"warehouse {warehouse_id} is disabled: enable it first, or name another", field=field
        )


class CreateConnection(Command):
    connection_id: str
    seller_id: str = Field(min_length=1)
    region: Region
    marketplace_ids: tuple[str, ...] = Field(min_length=1)
    watch_window_days: int = Field(
        default=DEFAULT_WATCH_WINDOW_DAYS, ge=1, le=MAX_WATCH_WINDOW_DAYS
    )
    order_rule: OrderRule = OrderRule()
    marketplace_overrides: dict[str, OrderRule] = Field(default_factory=dict)


class ChangeConnectionSettings(Command):
    """None leaves a setting as it is."""

    connection_id: str
    watch_window_days: int | None = Field(default=None, ge=1, le=MAX_WATCH_WINDOW_DAYS)
    order_rule: OrderRule | None = None
    marketplace_overrides: dict[str, OrderRule] | None = None


class ChangeConnectionMarketplaces(Command):
    connection_id: str
    marketplace_ids: tuple[str, ...] = Field(min_length=1)


class MarkAuthorizationLost(Command):
    connection_id: str
    lost_at: AwareDatetime
    amazon_error: str = Field(min_length=1, max_length=200)


class Reauthorize(Command):
    connection_id: str


class Disconnect(Command):
    connection_id: str
    disconnected_at: AwareDatetime


def check_marketplaces(
    region: Region, marketplace_ids: tuple[str, ...], field: str | None = None
) -> None:
    """Raises InvalidCommand unless these are distinct SP-API marketplaces of the region."""
    wrong = [m for m in marketplace_ids if region_of(m) is not region]
    if wrong:
        raise InvalidCommand(
            f"marketplaces {', '.join(wrong)} are not SP-API marketplaces of region {region.value}",
            field=field,
        )
    if len(set(marketplace_ids)) != len(marketplace_ids):
        raise InvalidCommand("each marketplace may appear only once", field=field)


def decide_create(command: CreateConnection, state: Connection | None) -> Decision:
    """The connection's own event and the warehouses it brings, per stream."""
    if state is not None:
        raise AlreadyExists(f"connection {command.connection_id} already exists")
    check_marketplaces(command.region, command.marketplace_ids)
    cid = command.connection_id
    decision: Decision = {
        (StreamKind.CONNECTION, cid): [
            ConnectionCreated(
                connection_id=cid,
                seller_id=command.seller_id,
                region=command.region,
                marketplace_ids=command.marketplace_ids,
                watch_window_days=command.watch_window_days,
                order_rule=command.order_rule,
                marketplace_overrides=check_overrides(
                    command.marketplace_ids, command.marketplace_overrides
                ),
            )
        ]
    }
    for marketplace_id in command.marketplace_ids:
        created = _fba_warehouse(cid, command.seller_id, marketplace_id)
        decision[(StreamKind.WAREHOUSE, created.warehouse_id)] = [created]
    fbm_id = fbm_warehouse_id(cid)
    decision[(StreamKind.WAREHOUSE, fbm_id)] = [
        WarehouseCreated(
            warehouse_id=fbm_id,
            name=f"Amazon FBM {command.region.value} ({command.seller_id})",
            kind=WarehouseKind.FBM,
            connection_id=cid,
        )
    ]
    return decision


def _fba_warehouse(connection_id: str, seller_id: str, marketplace_id: str) -> WarehouseCreated:
    return WarehouseCreated(
        warehouse_id=fba_warehouse_id(connection_id, marketplace_id),
        name=f"Amazon FBA {country_of(marketplace_id)} ({seller_id})",
        kind=WarehouseKind.FBA,
        connection_id=connection_id,
        marketplace_id=marketplace_id,
    )


def decide_marketplaces(
    command: ChangeConnectionMarketplaces,
    state: Connection | None,
    fba_warehouses: Mapping[str, Warehouse | None],
) -> Decision:
    """The connection's new marketplaces and what their FBA warehouses need: created or enabled
    for an added one, disabled (never deleted) for a removed one. `fba_warehouses`: the FBA
    warehouse of each marketplace added or removed, by marketplace (None: never created)."""
    if state is None:
        raise NotFound("connection not found")
    check_marketplaces(state.region, command.marketplace_ids, field="marketplace_ids")
    added = tuple(m for m in command.marketplace_ids if m not in state.marketplace_ids)
    removed = tuple(m for m in state.marketplace_ids if m not in command.marketplace_ids)
    if not added and not removed:
        return {}
    cid = state.connection_id
    decision: Decision = {
        (StreamKind.CONNECTION, cid): [
            ConnectionMarketplacesChanged(
                connection_id=cid,
                marketplace_ids=command.marketplace_ids,
                added=added,
                removed=removed,
            )
        ]
    }
    for marketplace_id, enabled in [*((m, True) for m in added), *((m, False) for m in removed)]:
        warehouse = fba_warehouses[marketplace_id]
        key = (StreamKind.WAREHOUSE, fba_warehouse_id(cid, marketplace_id))
        if warehouse is None and enabled:
            decision[key] = [_fba_warehouse(cid, state.seller_id, marketplace_id)]
        elif warehouse is not None and warehouse.enabled != enabled:
            decision[key] = [
                WarehouseEnabledChanged(warehouse_id=warehouse.warehouse_id, enabled=enabled)
            ]
    return decision


def decide(command: Command, state: Connection | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("connection not found")
    match command:
        case ChangeConnectionSettings():
            return _change_settings(state, command)
        case MarkAuthorizationLost():
            if state.status is not ConnectionStatus.ACTIVE:
                # Already known (a job in flight found out too), or disconnected: nothing lost.
                return []
            return [
                ConnectionAuthorizationLost(
                    connection_id=state.connection_id,
                    lost_at=command.lost_at,
                    amazon_error=command.amazon_error,
                )
            ]
        case Reauthorize():
            return [ConnectionReauthorized(connection_id=state.connection_id)]
        case Disconnect():
            if state.status is ConnectionStatus.DISCONNECTED:
                return []
            return [
                ConnectionDisconnected(
                    connection_id=state.connection_id, disconnected_at=command.disconnected_at
                )
            ]
    raise TypeError(f"not a connection command: {type(command).__name__}")


def _change_settings(state: Connection, command: ChangeConnectionSettings) -> list[DomainEvent]:
    if command.marketplace_overrides is not None:
        check_overrides(state.marketplace_ids, command.marketplace_overrides)
    asked = [name for name in SETTINGS if getattr(command, name) is not None]
    changed = {
        name: getattr(command, name)
        for name in asked
        if getattr(command, name) != getattr(state, name)
    }
    if not changed:
        return []
    return [ConnectionSettingsChanged(connection_id=state.connection_id, **changed)]


def check_overrides(
    marketplace_ids: tuple[str, ...], overrides: dict[str, OrderRule]
) -> dict[str, OrderRule]:
    strangers = sorted(set(overrides) - set(marketplace_ids))
    if strangers:
        raise InvalidCommand(
            f"marketplace_overrides names {', '.join(strangers)}, not a marketplace of this "
            "connection",
            field="marketplace_overrides",
        )
    return overrides
