"""TransferOrder: ties the sales order out of the source warehouse to the purchase order into
the destination, and (once reconciled or saved to Amazon) both to the FBA inbound shipment."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.messages import Decision, DomainEvent
from domain.orders.lines import OrderLine
from domain.orders.sales_order import SalesOrderCreated
from domain.streams import StreamKind


class TransferOrderCreated(DomainEvent):
    type: Literal["TransferOrderCreated"] = "TransferOrderCreated"
    transfer_order_id: str
    shipment_id: str | None = None  # None: created by the user, not bound to a shipment
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    lines: tuple[OrderLine, ...]


class TransferOrderBound(DomainEvent):
    """Its purchase order into FBA was reconciled to this shipment."""

    type: Literal["TransferOrderBound"] = "TransferOrderBound"
    transfer_order_id: str
    shipment_id: str


class TransferOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    transfer_order_id: str
    shipment_id: str | None = None  # None: created by the user, not bound to a shipment
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    lines: tuple[OrderLine, ...]


def evolve(state: TransferOrder | None, event: DomainEvent) -> TransferOrder | None:
    if isinstance(event, TransferOrderCreated):
        return TransferOrder(**event.model_dump(exclude={"type", "schema_version"}))
    if isinstance(event, TransferOrderBound) and state is not None:
        return state.model_copy(update={"shipment_id": event.shipment_id})
    return state


def transfer_streams(
    transfer_order_id: str,
    sales_order_id: str,
    purchase_order_id: str,
    source_warehouse_id: str,
    destination_warehouse_id: str,
    lines: tuple[OrderLine, ...],
    shipment_id: str | None = None,
) -> Decision:
    """A transfer order and the sales order out of its source (its purchase order into the
    destination is the caller's: created new, or an existing one given its source)."""
    return {
        (StreamKind.TRANSFER_ORDER, transfer_order_id): [
            TransferOrderCreated(
                transfer_order_id=transfer_order_id,
                shipment_id=shipment_id,
                sales_order_id=sales_order_id,
                purchase_order_id=purchase_order_id,
                source_warehouse_id=source_warehouse_id,
                destination_warehouse_id=destination_warehouse_id,
                lines=lines,
            )
        ],
        (StreamKind.SALES_ORDER, sales_order_id): [
            SalesOrderCreated(
                sales_order_id=sales_order_id,
                transfer_order_id=transfer_order_id,
                warehouse_id=source_warehouse_id,
                lines=lines,
            )
        ],
    }
