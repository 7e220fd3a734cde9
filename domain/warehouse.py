"""Warehouse: FBA (one per marketplace of a connection), FBM (one per connection's region) and
the seller's own warehouses, whose stock is set by counts and adjustments.

Any warehouse may be renamed. Only the seller's own are enabled or disabled by hand: an FBA
warehouse is enabled while its marketplace is one of its connection's (see `domain.connection`),
and an FBM warehouse while its connection exists. A disabled warehouse keeps its stock and
history; it is no source or destination of new orders."""

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.messages import Command, DomainEvent


class WarehouseKind(StrEnum):
    FBA = "fba"
    FBM = "fbm"
    OWN = "own"


def fba_warehouse_id(connection_id: str, marketplace_id: str) -> str:
    return f"fba-{connection_id}-{marketplace_id}"


def fbm_warehouse_id(connection_id: str) -> str:
    return f"fbm-{connection_id}"


class CountLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    quantity: int = Field(ge=0)
    unit_cost: Decimal | None = None


class AdjustmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    delta: int


class WarehouseCreated(DomainEvent):
    type: Literal["WarehouseCreated"] = "WarehouseCreated"
    warehouse_id: str
    name: str
    kind: WarehouseKind
    connection_id: str | None = None
    marketplace_id: str | None = None


class WarehouseEnabledChanged(DomainEvent):
    type: Literal["WarehouseEnabledChanged"] = "WarehouseEnabledChanged"
    warehouse_id: str
    enabled: bool


class WarehouseRenamed(DomainEvent):
    type: Literal["WarehouseRenamed"] = "WarehouseRenamed"
    warehouse_id: str
    name: str


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


class StockAdjusted(DomainEvent):
    type: Literal["StockAdjusted"] = "StockAdjusted"
    warehouse_id: str
    lines: tuple[AdjustmentLine, ...]
    reason: str


class CreateWarehouse(Command):
    warehouse_id: str
    name: str = Field(min_length=1, max_length=200)


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
    reason: str = Field(min_length=1)


class Warehouse(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    warehouse_id: str
    name: str
    kind: WarehouseKind
    connection_id: str | None = None
    marketplace_id: str | None = None
    enabled: bool = True
    address: WarehouseAddress | None = None


def decide(command: Command, state: Warehouse | None) -> list[DomainEvent]:
    if isinstance(command, CreateWarehouse):
        if state is not None:
            raise AlreadyExists(f"warehouse {command.warehouse_id} already exists")
        return [
            WarehouseCreated(
                warehouse_id=command.warehouse_id, name=command.name, kind=WarehouseKind.OWN
            )
        ]
    if state is None:
        raise NotFound("warehouse not found")
    match command:
        case SetWarehouseEnabled() | RenameWarehouse() | SetWarehouseAddress():
            return _change(state, command)
        case CountStock():
            _require_own(state)
            _require_distinct_skus([line.sku for line in command.lines])
            return [
                StockCounted(
                    warehouse_id=state.warehouse_id,
                    lines=command.lines,
                    counted_at=command.counted_at,
                )
            ]
        case AdjustStock():
            _require_own(state)
            _require_distinct_skus([line.sku for line in command.lines])
            return [
                StockAdjusted(
                    warehouse_id=state.warehouse_id, lines=command.lines, reason=command.reason
                )
            ]
    raise TypeError(f"not a warehouse command: {type(command).__name__}")


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
            f"{state.kind.value.upper()} warehouse {state.warehouse_id} is Amazon's: only your "
            "own warehouses have an address you set",
            field="address",
        )
    return [WarehouseAddressSet(warehouse_id=state.warehouse_id, address=command.address)]


def _require_own(state: Warehouse) -> None:
    if state.kind is not WarehouseKind.OWN:
        raise InvalidCommand(
            f"stock of {state.kind.value.upper()} warehouse {state.warehouse_id} comes from "
            "Amazon; count or adjust stock only in your own warehouses"
        )


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
    return state
