"""Warehouse: FBA (one per marketplace of a connection), FBM (one per connection's region),
the seller's own warehouses (stock set by counts and adjustments, and moved by orders), manual
ones (Inventory Planner's "IP warehouses": stock by counts and adjustments only, never an
order's source or destination) and combined ones (a sum of member warehouses, holding nothing
of their own: see `domain.combined_warehouse`).

Any warehouse may be renamed. Only the seller's own are enabled or disabled by hand: an FBA
warehouse is enabled while its marketplace is one of its connection's (see `domain.connection`),
and an FBM warehouse while its connection exists. A disabled warehouse keeps its stock and
history; it is no source or destination of new orders."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.connection_terms import fba_warehouse_id as fba_warehouse_id  # re-exported
from domain.connection_terms import fbm_warehouse_id as fbm_warehouse_id
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.messages import Command, DomainEvent


class WarehouseKind(StrEnum):
    FBA = "fba"
    FBM = "fbm"
    OWN = "own"
    MANUAL = "manual"
    COMBINED = "combined"

    @property
    def counted_by_hand(self) -> bool:
        """Stock set by counts and adjustments (Amazon's figures come from Amazon; a combined
        warehouse's are its members')."""
        return self in (WarehouseKind.OWN, WarehouseKind.MANUAL)

    @property
    def moved_by_orders(self) -> bool:
        """May be an order's source or destination."""
        return self in (WarehouseKind.FBA, WarehouseKind.FBM, WarehouseKind.OWN)


class CountLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    quantity: int = Field(ge=0)
    unit_cost: Decimal | None = None


class AdjustmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    delta: int
    # None only in adjustments recorded before each line had its reason (theirs is the event's).
    reason: str | None = Field(default=None, min_length=1, max_length=200)


class Member(BaseModel):
    """A warehouse a combined warehouse sums: its stock, its sales, or both."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    warehouse_id: str = Field(min_length=1)
    include_stock: bool = True
    include_sales: bool = True


class WarehouseCreated(DomainEvent):
    type: Literal["WarehouseCreated"] = "WarehouseCreated"
    warehouse_id: str
    name: str
    kind: WarehouseKind
    connection_id: str | None = None
    marketplace_id: str | None = None
    members: tuple[Member, ...] = ()  # a combined warehouse's


class WarehouseEnabledChanged(DomainEvent):
    type: Literal["WarehouseEnabledChanged"] = "WarehouseEnabledChanged"
    warehouse_id: str
    enabled: bool


class WarehouseRenamed(DomainEvent):
    type: Literal["WarehouseRenamed"] = "WarehouseRenamed"
    warehouse_id: str
    name: str


class WarehouseMembersChanged(DomainEvent):
    """A combined warehouse's members, replaced whole."""

    type: Literal["WarehouseMembersChanged"] = "WarehouseMembersChanged"
    warehouse_id: str
    members: tuple[Member, ...]


class WarehouseAddress(BaseModel):
    """Where a warehouse ships from: what Amazon asks of a shipment's source (every field may
    be left out; saving to Amazon names the ones it needs)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str | None = Field(default=None, min_length=1, max_length=50)
    company_name: str | None = Field(default=None, max_length=50)
    address_line_1: str | None = Field(default=None, min_length=1, max_length=180)
    address_line_2: str | None = Field(default=None, max_length=60)
    city: str | None = Field(default=None, min_length=1, max_length=30)
    state_or_province_code: str | None = Field(default=None, max_length=64)
    district_or_county: str | None = Field(default=None, max_length=50)
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    postal_code: str | None = Field(default=None, min_length=1, max_length=32)
    phone_number: str | None = Field(default=None, min_length=1, max_length=20)
    email: str | None = Field(default=None, max_length=1024)


class WarehouseAddressSet(DomainEvent):
    type: Literal["WarehouseAddressSet"] = "WarehouseAddressSet"
    warehouse_id: str
    address: WarehouseAddress


class StockCounted(DomainEvent):
    """On hand was counted: the count replaces whatever the figure was."""

    type: Literal["StockCounted"] = "StockCounted"
    warehouse_id: str
    lines: tuple[CountLine, ...]
    counted_at: AwareDatetime

    def units_moved_at(self) -> datetime:
        return self.counted_at


class StockAdjusted(DomainEvent):
    """On hand moved by each line's delta, for the line's reason. Nothing keeps on hand from
    going below zero: on hand is a projection the warehouse does not know, and a negative
    figure shows a count is due (Inventory Planner allows it too)."""

    type: Literal["StockAdjusted"] = "StockAdjusted"
    warehouse_id: str
    lines: tuple[AdjustmentLine, ...]
    reason: str | None = None  # of every line, before each line had its own


class CreateWarehouse(Command):
    """One of the seller's own warehouses, or a manual one (a combined one is decided with its
    members: `domain.combined_warehouse.decide_members`)."""

    warehouse_id: str
    name: str = Field(min_length=1, max_length=200)
    kind: WarehouseKind = WarehouseKind.OWN
    members: tuple[Member, ...] = ()


class SetWarehouseMembers(Command):
    warehouse_id: str
    members: tuple[Member, ...]


class SetWarehouseEnabled(Command):
    warehouse_id: str
    enabled: bool


class RenameWarehouse(Command):
    warehouse_id: str
    name: str = Field(min_length=1, max_length=200)


class SetWarehouseAddress(Command):
    warehouse_id: str
    address: WarehouseAddress


class CountStock(Command):
    warehouse_id: str
    lines: tuple[CountLine, ...] = Field(min_length=1)
    counted_at: AwareDatetime


class AdjustStock(Command):
    warehouse_id: str
    lines: tuple[AdjustmentLine, ...] = Field(min_length=1)
    # The reason of each line that gives none of its own.
    reason: str | None = Field(default=None, min_length=1, max_length=200)


class Warehouse(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    warehouse_id: str
    name: str
    kind: WarehouseKind
    connection_id: str | None = None
    marketplace_id: str | None = None
    enabled: bool = True
    address: WarehouseAddress | None = None
    members: tuple[Member, ...] = ()


def decide(command: Command, state: Warehouse | None) -> list[DomainEvent]:
    if isinstance(command, CreateWarehouse):
        return _create(command, state)
    if state is None:
        raise NotFound("warehouse not found")
    match command:
        case SetWarehouseEnabled() | RenameWarehouse() | SetWarehouseAddress():
            return _change(state, command)
        case CountStock():
            _require_counted_by_hand(state)
            _require_distinct_skus([line.sku for line in command.lines])
            return [
                StockCounted(
                    warehouse_id=state.warehouse_id,
                    lines=command.lines,
                    counted_at=command.counted_at,
                )
            ]
        case AdjustStock():
            return _adjust(state, command)
    raise TypeError(f"not a warehouse command: {type(command).__name__}")


def _create(command: CreateWarehouse, state: Warehouse | None) -> list[DomainEvent]:
    if state is not None:
        raise AlreadyExists(f"warehouse {command.warehouse_id} already exists")
    if command.kind not in (WarehouseKind.OWN, WarehouseKind.MANUAL):
        raise InvalidCommand(
            f"a {command.kind.value} warehouse is not created by hand here: FBA and FBM "
            "warehouses come with a connection, a combined one with its members",
            field="kind",
        )
    if command.members:
        raise InvalidCommand("only a combined warehouse has members", field="members")
    return [
        WarehouseCreated(warehouse_id=command.warehouse_id, name=command.name, kind=command.kind)
    ]


def _adjust(state: Warehouse, command: AdjustStock) -> list[DomainEvent]:
    """Each line moves on hand by its delta (not zero), for its reason (or the command's)."""
    _require_counted_by_hand(state)
    _require_distinct_skus([line.sku for line in command.lines])
    lines = []
    for index, line in enumerate(command.lines):
        if line.delta == 0:
            raise InvalidCommand(
                f"line {index} ({line.sku}) moves nothing: a delta is not zero",
                field=f"lines.{index}.delta",
            )
        reason = line.reason or command.reason
        if reason is None:
            raise InvalidCommand(
                f"line {index} ({line.sku}) gives no reason", field=f"lines.{index}.reason"
            )
        lines.append(line.model_copy(update={"reason": reason}))
    return [
        StockAdjusted(warehouse_id=state.warehouse_id, lines=tuple(lines), reason=command.reason)
    ]


def _change(
    state: Warehouse, command: SetWarehouseEnabled | RenameWarehouse | SetWarehouseAddress
) -> list[DomainEvent]:
    """The warehouse's own settings: enabled, name, address."""
    match command:
        case SetWarehouseEnabled():
            if state.enabled == command.enabled:
                return []
            _require_own_to_enable(state)
            return [
                WarehouseEnabledChanged(warehouse_id=state.warehouse_id, enabled=command.enabled)
            ]
        case RenameWarehouse():
            if state.name == command.name:
                return []
            return [WarehouseRenamed(warehouse_id=state.warehouse_id, name=command.name)]
        case SetWarehouseAddress():
            return _set_address(state, command)


def _set_address(state: Warehouse, command: SetWarehouseAddress) -> list[DomainEvent]:
    if state.address == command.address:
        return []
    if state.kind is not WarehouseKind.OWN:
        raise InvalidCommand(
            f"warehouse {state.warehouse_id} is {_kind_of(state)}: only your own warehouses "
            "ship, so only they have an address you set",
            field="address",
        )
    return [WarehouseAddressSet(warehouse_id=state.warehouse_id, address=command.address)]


def _require_counted_by_hand(state: Warehouse) -> None:
    if not state.kind.counted_by_hand:
        source = "its members" if state.kind is WarehouseKind.COMBINED else "Amazon"
        raise InvalidCommand(
            f"stock of warehouse {state.warehouse_id} ({_kind_of(state)}) comes from {source}; "
            "count or adjust stock only in your own and manual warehouses"
        )


def require_order_end(warehouse: Warehouse, field: str) -> None:
    """A manual or combined warehouse is no order's source or destination: InvalidCommand
    naming `field` (a manual one's stock moves by counts and adjustments only; a combined one
    holds nothing of its own)."""
    if warehouse.kind.moved_by_orders:
        return
    why = (
        "its stock moves by counts and adjustments only"
        if warehouse.kind is WarehouseKind.MANUAL
        else "it holds no stock of its own to order into or out of"
    )
    raise InvalidCommand(
        f"warehouse {warehouse.warehouse_id} is {_kind_of(warehouse)}: {why}", field=field
    )


def _kind_of(warehouse: Warehouse) -> str:
    """How a message names the kind: "an Amazon FBA warehouse", "a manual warehouse"."""
    named = {
        WarehouseKind.FBA: "an Amazon FBA warehouse",
        WarehouseKind.FBM: "an Amazon FBM warehouse",
        WarehouseKind.OWN: "one of your own warehouses",
        WarehouseKind.MANUAL: "a manual warehouse",
        WarehouseKind.COMBINED: "a combined warehouse",
    }
    return named[warehouse.kind]


def _require_own_to_enable(state: Warehouse) -> None:
    if state.kind is WarehouseKind.FBA:
        raise InvalidCommand(
            f"FBA warehouse {state.warehouse_id} is enabled while marketplace "
            f"{state.marketplace_id} is one of connection {state.connection_id}'s: add or remove "
            "the marketplace on the connection instead",
            field="enabled",
        )
    if state.kind is WarehouseKind.FBM:
        raise InvalidCommand(
            f"FBM warehouse {state.warehouse_id} follows connection {state.connection_id}: "
            "only your own warehouses are enabled or disabled by hand",
            field="enabled",
        )


def _require_distinct_skus(skus: list[str]) -> None:
    if len(set(skus)) != len(skus):
        raise InvalidCommand("each SKU may appear only once per count or adjustment")


def evolve(state: Warehouse | None, event: DomainEvent) -> Warehouse | None:
    match event:
        case WarehouseCreated():
            return Warehouse(**event.model_dump(exclude={"type", "schema_version"}))
        case WarehouseEnabledChanged() if state is not None:
            return state.model_copy(update={"enabled": event.enabled})
        case WarehouseRenamed() if state is not None:
            return state.model_copy(update={"name": event.name})
        case WarehouseAddressSet() if state is not None:
            return state.model_copy(update={"address": event.address})
        case WarehouseMembersChanged() if state is not None:
            return state.model_copy(update={"members": event.members})
    return state
