"""TransferOrder: ties the sales order out of the source warehouse to the purchase order into
the destination, and (once reconciled or saved to Amazon) both to the FBA inbound shipment."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

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
    """Its purchase order into FBA was reconciled to this shipment (one of several, when a save
    to Amazon split the order)."""

    type: Literal["TransferOrderBound"] = "TransferOrderBound"
    transfer_order_id: str
    shipment_id: str


class TransferOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    transfer_order_id: str
    shipment_id: str | None = None  # the (first) shipment; None: not bound to a shipment
    shipment_ids: tuple[str, ...] = ()  # every shipment it is bound to
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    lines: tuple[OrderLine, ...]

    @model_validator(mode="before")
    @classmethod
    def _first_of_its_shipments(cls, data: Any) -> Any:
        """Created with a shipment, or recorded before several: `shipment_id` alone names it."""
        if isinstance(data, dict) and data.get("shipment_id") and not data.get("shipment_ids"):
            return {**data, "shipment_ids": (data["shipment_id"],)}
        return data


def evolve(state: TransferOrder | None, event: DomainEvent) -> TransferOrder | None:
    if isinstance(event, TransferOrderCreated):
        return TransferOrder(**event.model_dump(exclude={"type", "schema_version"}))
    if isinstance(event, TransferOrderBound) and state is not None:
        if event.shipment_id in state.shipment_ids:
            return state
        return state.model_copy(
            update={
                "shipment_id": state.shipment_id or event.shipment_id,
                "shipment_ids": (*state.shipment_ids, event.shipment_id),
            }
        )
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
