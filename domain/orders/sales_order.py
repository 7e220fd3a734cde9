"""SalesOrder: units leaving the source warehouse. open -> shipped (once) | cancelled."""

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.errors import InvalidTransition, NotFound
from domain.messages import Command, DomainEvent
from domain.orders.lines import OrderLine


class SalesOrderStatus(StrEnum):
    OPEN = "open"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


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


class SalesOrderCancelled(DomainEvent):
    type: Literal["SalesOrderCancelled"] = "SalesOrderCancelled"
    sales_order_id: str
    warehouse_id: str
    reason: str


class MarkSalesOrderShipped(Command):
    sales_order_id: str
    shipped_at: AwareDatetime


class CancelSalesOrder(Command):
    sales_order_id: str
    reason: str


class SalesOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]
    status: SalesOrderStatus = SalesOrderStatus.OPEN
    shipped_at: AwareDatetime | None = None


def decide(command: Command, state: SalesOrder | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("sales order not found")
    match command:
        case MarkSalesOrderShipped():
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
                    lines=state.lines,
                    shipped_at=command.shipped_at,
                )
            ]
        case CancelSalesOrder():
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
    raise TypeError(f"not a sales order command: {type(command).__name__}")


def evolve(state: SalesOrder | None, event: DomainEvent) -> SalesOrder | None:
    match event:
        case SalesOrderCreated():
            return SalesOrder(
                sales_order_id=event.sales_order_id,
                transfer_order_id=event.transfer_order_id,
                warehouse_id=event.warehouse_id,
                lines=event.lines,
            )
        case SalesOrderShipped() if state is not None:
            return state.model_copy(
                update={"status": SalesOrderStatus.SHIPPED, "shipped_at": event.shipped_at}
            )
        case SalesOrderCancelled() if state is not None:
            return state.model_copy(update={"status": SalesOrderStatus.CANCELLED})
    return state
