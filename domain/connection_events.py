"""A connection's events and the state they fold into (`evolve`), with its order rule: what
reading a connection needs (the reactor's rule at a shipment's discovery, the sync's
connection), without its commands and decisions (`domain.connection`, which re-exports these),
which create and enable the connection's warehouses."""

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.connection_terms import DEFAULT_WATCH_WINDOW_DAYS, ConnectionStatus
from domain.marketplaces import Region
from domain.messages import DomainEvent

SETTINGS = ("watch_window_days", "order_rule", "marketplace_overrides")


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


class ConnectionMarketplacesChanged(DomainEvent):
    """The connection's marketplaces are now `marketplace_ids`; overrides of the removed ones
    lapse."""

    type: Literal["ConnectionMarketplacesChanged"] = "ConnectionMarketplacesChanged"
    connection_id: str
    marketplace_ids: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


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


class ConnectionDisconnected(DomainEvent):
    """The user disconnected it: its syncs stop and its refresh token is deleted."""

    type: Literal["ConnectionDisconnected"] = "ConnectionDisconnected"
    connection_id: str
    disconnected_at: AwareDatetime


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
    disconnected_at: AwareDatetime | None = None

    def rule_for(self, marketplace_id: str) -> OrderRule:
        """What a shipment discovered in this marketplace becomes."""
        return self.marketplace_overrides.get(marketplace_id, self.order_rule)


def evolve(state: Connection | None, event: DomainEvent) -> Connection | None:
    match event:
        case ConnectionCreated():
            return Connection(**event.model_dump(exclude={"type", "schema_version"}))
        case ConnectionSettingsChanged() if state is not None:
            changed = {
                name: getattr(event, name) for name in SETTINGS if getattr(event, name) is not None
            }
            return state.model_copy(update=changed)
        case ConnectionMarketplacesChanged() if state is not None:
            kept = {m: r for m, r in state.marketplace_overrides.items() if m not in event.removed}
            return state.model_copy(
                update={"marketplace_ids": event.marketplace_ids, "marketplace_overrides": kept}
            )
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
                    "disconnected_at": None,
                }
            )
        case ConnectionDisconnected() if state is not None:
            return state.model_copy(
                update={
                    "status": ConnectionStatus.DISCONNECTED,
                    "disconnected_at": event.disconnected_at,
                }
            )
    return state
