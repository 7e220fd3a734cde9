"""AssemblyOrder: units of an assembly made at one of the seller's own (or manual) warehouses
from its components.

The order takes the product's bill of materials as it stood when the order was created (each
component with its SKU), so a later change of the bill changes no open order. While open, the
units not yet received are on order ("on assembly") for the assembly at the warehouse, and the
components they will take are committed there (`domain.stock.contributions`). Each
receipt of n assemblies consumes n x the bill's quantity of every component there and adds n
assemblies to on hand; it is refused (409 `components_short`, nothing appended) when any
component's on hand there is short. Receiving beyond the order's quantity is refused (422).
Cancelling drops what is still on assembly; receipts already made stay.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.messages import Command, DomainEvent
from domain.products.product import Product
from domain.warehouse import Warehouse, WarehouseKind

MAX_QUANTITY = 1_000_000


class AssemblyOrderStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class ComponentsShort(InvalidTransition):
    """A receipt needs more of some component than is on hand at the warehouse (HTTP 409)."""

    code = "components_short"


class AssemblyComponent(BaseModel):
    """A component as the order took it: its product, SKU and units per assembly."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    product_id: str
    sku: str
    quantity: int


class AssemblyOrderCreated(DomainEvent):
    type: Literal["AssemblyOrderCreated"] = "AssemblyOrderCreated"
    assembly_order_id: str
    warehouse_id: str
    product_id: str
    sku: str  # the assembly's
    quantity: int
    components: tuple[AssemblyComponent, ...]


class AssemblyOrderReceived(DomainEvent):
    """`quantity` assemblies made (their components consumed); `received` the total after."""

    type: Literal["AssemblyOrderReceived"] = "AssemblyOrderReceived"
    assembly_order_id: str
    quantity: int
    received: int


class AssemblyOrderCancelled(DomainEvent):
    type: Literal["AssemblyOrderCancelled"] = "AssemblyOrderCancelled"
    assembly_order_id: str
    reason: str


class CreateAssemblyOrder(Command):
    assembly_order_id: str
    warehouse_id: str
    product_id: str
    quantity: int = Field(gt=0, le=MAX_QUANTITY)


class ReceiveAssemblies(Command):
    """`on_hand`: each component SKU's on hand at the order's warehouse as the caller read it."""

    assembly_order_id: str
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    on_hand: Mapping[str, int]


class CancelAssemblyOrder(Command):
    assembly_order_id: str
    reason: str


class AssemblyOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    assembly_order_id: str
    warehouse_id: str
    product_id: str
    sku: str
    quantity: int
    components: tuple[AssemblyComponent, ...]
    received: int = 0
    cancelled: bool = False

    @property
    def open_units(self) -> int:
        """Units still on assembly (none once cancelled)."""
        return 0 if self.cancelled else max(self.quantity - self.received, 0)

    @property
    def status(self) -> AssemblyOrderStatus:
        if self.cancelled:
            return AssemblyOrderStatus.CANCELLED
        if self.received >= self.quantity:
            return AssemblyOrderStatus.RECEIVED
        if self.received:
            return AssemblyOrderStatus.PARTIALLY_RECEIVED
        return AssemblyOrderStatus.OPEN


def create(
    command: CreateAssemblyOrder,
    warehouse: Warehouse | None,
    product: Product | None,
    components: Mapping[str, Product | None],
) -> list[DomainEvent]:
    """`components`: the product's components, by product id, as loaded (None: gone). An
    unknown warehouse or product (another tenant's too) is not found (404, naming the field);
    a warehouse not of the seller's own or manual kind, or disabled, and a product without
    components are refused (422, naming the field)."""
    if warehouse is None:
        raise NotFound(f"warehouse {command.warehouse_id} not found", field="warehouse_id")
    if warehouse.kind not in (WarehouseKind.OWN, WarehouseKind.MANUAL):
        raise InvalidCommand(
            f"warehouse {command.warehouse_id} is {warehouse.kind.value}: assemblies are made at "
            "your own or manual warehouses",
            field="warehouse_id",
        )
    if not warehouse.enabled:
        raise InvalidCommand(f"warehouse {command.warehouse_id} is disabled", field="warehouse_id")
    if product is None:
        raise NotFound(f"product {command.product_id} not found", field="product_id")
    if not product.components:
        raise InvalidCommand(
            f"product {command.product_id} has no components: set its bill of materials first",
            field="product_id",
        )
    taken = []
    for line in product.components:
        component = components.get(line.product_id)
        if component is None:
            raise InvalidCommand(
                f"component {line.product_id} of product {command.product_id} not found",
                field="product_id",
            )
        taken.append(
            AssemblyComponent(product_id=line.product_id, sku=component.sku, quantity=line.quantity)
        )
    return [
        AssemblyOrderCreated(
            assembly_order_id=command.assembly_order_id,
            warehouse_id=warehouse.warehouse_id,
            product_id=product.product_id,
            sku=product.sku,
            quantity=command.quantity,
            components=tuple(taken),
        )
    ]


def decide(command: Command, state: AssemblyOrder | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("assembly order not found")
    if isinstance(command, ReceiveAssemblies):
        return _receive(state, command)
    if isinstance(command, CancelAssemblyOrder):
        return _cancel(state, command)
    raise TypeError(f"an assembly order does not take {type(command).__name__}")


def _receive(state: AssemblyOrder, command: ReceiveAssemblies) -> list[DomainEvent]:
    if state.cancelled:
        raise InvalidTransition(
            f"assembly order {state.assembly_order_id} is cancelled: it takes no receipts"
        )
    if command.quantity > state.open_units:
        raise InvalidCommand(
            f"assembly order {state.assembly_order_id} has {state.open_units} of "
            f"{state.quantity} units left to receive",
            field="quantity",
        )
    short = [
        (c.sku, command.quantity * c.quantity, command.on_hand.get(c.sku, 0))
        for c in state.components
        if command.on_hand.get(c.sku, 0) < command.quantity * c.quantity
    ]
    if short:
        raise ComponentsShort(
            f"components short at warehouse {state.warehouse_id}: "
            + "; ".join(f"{sku} needs {needed}, on hand {have}" for sku, needed, have in short)
        )
    return [
        AssemblyOrderReceived(
            assembly_order_id=state.assembly_order_id,
            quantity=command.quantity,
            received=state.received + command.quantity,
        )
    ]


def _cancel(state: AssemblyOrder, command: CancelAssemblyOrder) -> list[DomainEvent]:
    if state.cancelled:
        return []
    if state.status is AssemblyOrderStatus.RECEIVED:
        raise InvalidTransition(f"assembly order {state.assembly_order_id} is fully received")
    return [
        AssemblyOrderCancelled(assembly_order_id=state.assembly_order_id, reason=command.reason)
    ]


def evolve(state: AssemblyOrder | None, event: DomainEvent) -> AssemblyOrder | None:
    if isinstance(event, AssemblyOrderCreated):
        return AssemblyOrder(**event.model_dump(exclude={"type", "schema_version"}))
    if state is None:
        return None
    if isinstance(event, AssemblyOrderReceived):
        return state.model_copy(update={"received": event.received})
    if isinstance(event, AssemblyOrderCancelled):
        return state.model_copy(update={"cancelled": True})
    return state


def fold_onto(state: AssemblyOrder, events: list[DomainEvent]) -> AssemblyOrder:
    current: AssemblyOrder | None = state
    for event in events:
        current = evolve(current, event)
    assert current is not None
    return current
