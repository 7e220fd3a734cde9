"""Connection: one Amazon seller account in one region, with the marketplaces it sells in.

Opening a connection creates an FBA warehouse per marketplace and one FBM warehouse for the
region. The LWA refresh token never enters the domain: it lives in the secret store.

When Amazon no longer honours the connection's authorization (the seller revoked it, or it
lapsed), the connection is `authorization_lost` until the seller authorizes again.
"""

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.marketplaces import Region, country_of, region_of
from domain.messages import Command, Decision, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import WarehouseCreated, WarehouseKind, fba_warehouse_id, fbm_warehouse_id

DEFAULT_WATCH_WINDOW_DAYS = 60
MAX_WATCH_WINDOW_DAYS = 365


class OrderType(StrEnum):
    """What a shipment the sync discovers becomes."""

    NONE = "none"  # it waits on the Inbound Shipments list for a reconcile
    PURCHASE_ORDER = "purchase_order"  # a purchase order with an unknown source, bound to it
    TRANSFER_ORDER = "transfer_order"  # a reconcile from the default source warehouse


class OrderRule(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    default_order_type: OrderType = OrderType.NONE
    default_source_warehouse_id: str | None = None

    @model_validator(mode="after")
    def _source_for_transfers(self) -> "OrderRule":
        if (
            self.default_order_type is OrderType.TRANSFER_ORDER
            and not self.default_source_warehouse_id
        ):
            raise ValueError("default_order_type transfer_order needs default_source_warehouse_id")
        return self


class ConnectionCreated(DomainEvent):
    type: Literal["ConnectionCreated"] = "ConnectionCreated"
    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    watch_window_days: int = DEFAULT_WATCH_WINDOW_DAYS
    order_rule: OrderRule = OrderRule()
    marketplace_overrides: dict[str, OrderRule] = Field(default_factory=dict)


class ConnectionSettingsChanged(DomainEvent):
    """The settings that changed (None: unchanged); overrides replace the whole map."""

    type: Literal["ConnectionSettingsChanged"] = "ConnectionSettingsChanged"
    connection_id: str
    watch_window_days: int | None = None
    order_rule: OrderRule | None = None
    marketplace_overrides: dict[str, OrderRule] | None = None


class ConnectionAuthorizationLost(DomainEvent):
    """Amazon refused the connection's grant: `amazon_error` is Amazon's code (never a token)."""

    type: Literal["ConnectionAuthorizationLost"] = "ConnectionAuthorizationLost"
    connection_id: str
    lost_at: AwareDatetime
    amazon_error: str


class ConnectionReauthorized(DomainEvent):
    """A refresh token Login with Amazon honours replaced the connection's."""

    type: Literal["ConnectionReauthorized"] = "ConnectionReauthorized"
    connection_id: str


class ConnectionStatus(StrEnum):
    ACTIVE = "active"
    AUTHORIZATION_LOST = "authorization_lost"


class CreateConnection(Command):
    connection_id: str
    seller_id: str = Field(min_length=1)
    region: Region
    marketplace_ids: tuple[str, ...] = Field(min_length=1)
    order_rule: OrderRule = OrderRule()
    marketplace_overrides: dict[str, OrderRule] = Field(default_factory=dict)


class ChangeConnectionSettings(Command):
    """None leaves a setting as it is."""

    connection_id: str
    watch_window_days: int | None = Field(default=None, ge=1, le=MAX_WATCH_WINDOW_DAYS)
    order_rule: OrderRule | None = None
    marketplace_overrides: dict[str, OrderRule] | None = None


class MarkAuthorizationLost(Command):
    connection_id: str
    lost_at: AwareDatetime
    amazon_error: str = Field(min_length=1, max_length=200)


class Reauthorize(Command):
    connection_id: str


class Connection(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    watch_window_days: int = DEFAULT_WATCH_WINDOW_DAYS
    order_rule: OrderRule = OrderRule()
    marketplace_overrides: dict[str, OrderRule] = Field(default_factory=dict)
    status: ConnectionStatus = ConnectionStatus.ACTIVE
    authorization_lost_at: AwareDatetime | None = None
    amazon_error: str | None = None

    def rule_for(self, marketplace_id: str) -> OrderRule:
        """What a shipment discovered in this marketplace becomes."""
        return self.marketplace_overrides.get(marketplace_id, self.order_rule)


def check_marketplaces(region: Region, marketplace_ids: tuple[str, ...]) -> None:
    """Raises InvalidCommand unless these are distinct SP-API marketplaces of the region."""
    wrong = [m for m in marketplace_ids if region_of(m) is not region]
    if wrong:
        raise InvalidCommand(
            f"marketplaces {', '.join(wrong)} are not SP-API marketplaces of region {region.value}"
        )
    if len(set(marketplace_ids)) != len(marketplace_ids):
        raise InvalidCommand("each marketplace may appear only once")


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
                order_rule=command.order_rule,
                marketplace_overrides=_overrides_of(
                    command.marketplace_ids, command.marketplace_overrides
                ),
            )
        ]
    }
    for marketplace_id in command.marketplace_ids:
        warehouse_id = fba_warehouse_id(cid, marketplace_id)
        decision[(StreamKind.WAREHOUSE, warehouse_id)] = [
            WarehouseCreated(
                warehouse_id=warehouse_id,
                name=f"Amazon FBA {country_of(marketplace_id)} ({command.seller_id})",
                kind=WarehouseKind.FBA,
                connection_id=cid,
                marketplace_id=marketplace_id,
            )
        ]
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


def decide(command: Command, state: Connection | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("connection not found")
    match command:
        case ChangeConnectionSettings():
            return _change_settings(state, command)
        case MarkAuthorizationLost():
            if state.status is ConnectionStatus.AUTHORIZATION_LOST:
                return []  # already known: a job that was in flight found out too
            return [
                ConnectionAuthorizationLost(
                    connection_id=state.connection_id,
                    lost_at=command.lost_at,
                    amazon_error=command.amazon_error,
                )
            ]
        case Reauthorize():
            return [ConnectionReauthorized(connection_id=state.connection_id)]
    raise TypeError(f"not a connection command: {type(command).__name__}")


def _change_settings(state: Connection, command: ChangeConnectionSettings) -> list[DomainEvent]:
    if command.marketplace_overrides is not None:
        _overrides_of(state.marketplace_ids, command.marketplace_overrides)
    asked = command.model_dump(exclude={"connection_id"}, exclude_none=True)
    current = state.model_dump(include=set(asked))
    changed = {name: getattr(command, name) for name in asked if asked[name] != current[name]}
    if not changed:
        return []
    return [ConnectionSettingsChanged(connection_id=state.connection_id, **changed)]


def _overrides_of(
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


def evolve(state: Connection | None, event: DomainEvent) -> Connection | None:
    match event:
        case ConnectionCreated():
            return Connection(**event.model_dump(exclude={"type", "schema_version"}))
        case ConnectionSettingsChanged() if state is not None:
            changed = {
                name: getattr(event, name)
                for name in ("watch_window_days", "order_rule", "marketplace_overrides")
                if getattr(event, name) is not None
            }
            return state.model_copy(update=changed)
        case ConnectionAuthorizationLost() if state is not None:
            return state.model_copy(
                update={
                    "status": ConnectionStatus.AUTHORIZATION_LOST,
                    "authorization_lost_at": event.lost_at,
                    "amazon_error": event.amazon_error,
                }
            )
        case ConnectionReauthorized() if state is not None:
            return state.model_copy(
                update={
                    "status": ConnectionStatus.ACTIVE,
                    "authorization_lost_at": None,
                    "amazon_error": None,
                }
            )
    return state
