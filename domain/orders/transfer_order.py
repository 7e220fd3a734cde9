"""TransferOrder: ties the sales order out of the source warehouse to the purchase order into
the destination, and (once reconciled or saved to Amazon) both to the FBA inbound shipment."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.messages import DomainEvent
from domain.orders.lines import OrderLine


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
