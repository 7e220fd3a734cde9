"""SalesOrder: units leaving the source warehouse. open -> shipped | cancelled; a cancelled
order reopens when Amazon shows its shipment was not cancelled for good.

While it is bound to an Amazon shipment its lines follow Amazon's plan (before shipping: what is
committed; after: what left), and units Amazon received beyond the plan left the source too
(`shipped_over_plan`).
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.errors import InvalidTransition, NotFound
from domain.messages import Command, DomainEvent
from domain.orders.lines import LineChange, OrderLine, apply_changes, changes_towards


class SalesOrderStatus(StrEnum):
    OPEN = "open"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class SalesOrderLine(OrderLine):
    shipped_over_plan: int = Field(default=0, ge=0)

    @property
    def units(self) -> int:
        """What leaves (or left) the source for this line."""
        return self.quantity + self.shipped_over_plan


class SalesOrderCreated(DomainEvent):
    type: Literal["SalesOrderCreated"] = "SalesOrderCreated"
    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]


class SalesOrderShipped(DomainEvent):
    type: Literal["SalesOrderShipped"] = "SalesOrderShipped"
    sales_order_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]
    shipped_at: AwareDatetime

    def units_moved_at(self) -> datetime:
        return self.shipped_at


class SalesOrderCancelled(DomainEvent):
    type: Literal["SalesOrderCancelled"] = "SalesOrderCancelled"
    sales_order_id: str
    warehouse_id: str
    reason: str


class SalesOrderLinesAmended(DomainEvent):
    """Amazon's plan changed: each line's quantity from -> to, as of that observation."""

    type: Literal["SalesOrderLinesAmended"] = "SalesOrderLinesAmended"
    sales_order_id: str
    shipment_id: str | None = None
    changes: tuple[LineChange, ...]
    observed_at: AwareDatetime


class SalesOrderShippedOverPlan(DomainEvent):
    """More than planned of these SKUs was received (by Amazon, or at the user's destination):
    the extra units left the source too."""

    type: Literal["SalesOrderShippedOverPlan"] = "SalesOrderShippedOverPlan"
    sales_order_id: str
    shipment_id: str | None = None  # None: counted in by the user
    changes: tuple[LineChange, ...]  # units shipped over plan, from -> to
    observed_at: AwareDatetime


class SalesOrderReopened(DomainEvent):
    type: Literal["SalesOrderReopened"] = "SalesOrderReopened"
    sales_order_id: str
    reason: str
    observed_at: AwareDatetime


class MarkSalesOrderShipped(Command):
    sales_order_id: str
    shipped_at: AwareDatetime


class CancelSalesOrder(Command):
    sales_order_id: str
    reason: str


class FollowAmazonPlan(Command):
    """Amazon's plan and cumulative receipts for the order's shipment, as of an observation
    (or, with no shipment, the order's own plan and what the user counted in)."""

    sales_order_id: str
    shipment_id: str | None
    planned: dict[str, int]  # SKUs of the order missing from it go to 0
    received: dict[str, int]
    observed_at: AwareDatetime


class ReopenSalesOrder(Command):
    sales_order_id: str
    reason: str
    observed_at: AwareDatetime


class SalesOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str
    lines: tuple[SalesOrderLine, ...]
    status: SalesOrderStatus = SalesOrderStatus.OPEN
    shipped_at: AwareDatetime | None = None

    def line_map(self) -> dict[str, SalesOrderLine]:
        return {line.sku: line for line in self.lines}


def decide(command: Command, state: SalesOrder | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("sales order not found")
    match command:
        case MarkSalesOrderShipped():
            return _ship(state, command)
        case CancelSalesOrder():
            return _cancel(state, command)
        case FollowAmazonPlan():
            return _follow(state, command)
        case ReopenSalesOrder():
            return _reopen(state, command)
    raise TypeError(f"not a sales order command: {type(command).__name__}")


def _ship(state: SalesOrder, command: MarkSalesOrderShipped) -> list[DomainEvent]:
    if state.status is SalesOrderStatus.SHIPPED:
        raise InvalidTransition(f"sales order {state.sales_order_id} is already shipped")
    if state.status is SalesOrderStatus.CANCELLED:
        raise InvalidTransition(
            f"sales order {state.sales_order_id} is cancelled and cannot be shipped"
        )
    return [
        SalesOrderShipped(
            sales_order_id=state.sales_order_id,
            warehouse_id=state.warehouse_id,
            lines=tuple(OrderLine(sku=line.sku, quantity=line.units) for line in state.lines),
            shipped_at=command.shipped_at,
        )
    ]


def _cancel(state: SalesOrder, command: CancelSalesOrder) -> list[DomainEvent]:
    if state.status is SalesOrderStatus.CANCELLED:
        return []
    if state.status is SalesOrderStatus.SHIPPED:
        raise InvalidTransition(
            f"sales order {state.sales_order_id} is shipped and cannot be cancelled"
        )
    return [
        SalesOrderCancelled(
            sales_order_id=state.sales_order_id,
            warehouse_id=state.warehouse_id,
            reason=command.reason,
        )
    ]


def _reopen(state: SalesOrder, command: ReopenSalesOrder) -> list[DomainEvent]:
    if state.status is not SalesOrderStatus.CANCELLED:
        return []
    return [
        SalesOrderReopened(
            sales_order_id=state.sales_order_id,
            reason=command.reason,
            observed_at=command.observed_at,
        )
    ]


def _follow(state: SalesOrder, command: FollowAmazonPlan) -> list[DomainEvent]:
    """Lines to Amazon's plan; once shipped, what Amazon received beyond it left the source."""
    if state.status is SalesOrderStatus.CANCELLED:
        return []
    lines = state.line_map()
    events: list[DomainEvent] = []
    planned = changes_towards({sku: line.quantity for sku, line in lines.items()}, command.planned)
    if planned:
        events.append(
            SalesOrderLinesAmended(
                sales_order_id=state.sales_order_id,
                shipment_id=command.shipment_id,
                changes=planned,
                observed_at=command.observed_at,
            )
        )
    shipped = state.status is SalesOrderStatus.SHIPPED
    over = {
        sku: max(received - command.planned.get(sku, 0), 0) if shipped else 0
        for sku, received in command.received.items()
    }
    over_changes = changes_towards(
        {sku: line.shipped_over_plan for sku, line in lines.items() if line.shipped_over_plan},
        {sku: units for sku, units in over.items() if units},
    )
    if over_changes:
        events.append(
            SalesOrderShippedOverPlan(
                sales_order_id=state.sales_order_id,
                shipment_id=command.shipment_id,
                changes=over_changes,
                observed_at=command.observed_at,
            )
        )
    return events


def evolve(state: SalesOrder | None, event: DomainEvent) -> SalesOrder | None:
    match event:
        case SalesOrderCreated():
            return SalesOrder(
                sales_order_id=event.sales_order_id,
                transfer_order_id=event.transfer_order_id,
                warehouse_id=event.warehouse_id,
                lines=tuple(
                    SalesOrderLine(sku=line.sku, quantity=line.quantity) for line in event.lines
                ),
            )
        case SalesOrderShipped() if state is not None:
            return state.model_copy(
                update={"status": SalesOrderStatus.SHIPPED, "shipped_at": event.shipped_at}
            )
        case SalesOrderCancelled() if state is not None:
            return state.model_copy(update={"status": SalesOrderStatus.CANCELLED})
        case SalesOrderReopened() if state is not None:
            return state.model_copy(update={"status": SalesOrderStatus.OPEN, "shipped_at": None})
        case SalesOrderLinesAmended() if state is not None:
            return _with_lines(state, event.changes, "quantity")
        case SalesOrderShippedOverPlan() if state is not None:
            return _with_lines(state, event.changes, "shipped_over_plan")
    return state


def _with_lines(state: SalesOrder, changes: tuple[LineChange, ...], field: str) -> SalesOrder:
    lines = apply_changes(
        state.line_map(), changes, field, lambda sku: SalesOrderLine(sku=sku, quantity=0)
    )
    return state.model_copy(update={"lines": tuple(lines[sku] for sku in sorted(lines))})
