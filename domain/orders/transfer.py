"""Cross-aggregate decisions of the transfer workflow: reconcile and mark shipped.

Each returns the events of every stream it touches; the caller appends them all or nothing.
"""

from pydantic import AwareDatetime

from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.inbound_shipment.events import InboundShipmentReconciled
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Command, Decision
from domain.orders.lines import OrderLine
from domain.orders.purchase_order import (
    MarkPurchaseOrderShipped,
    PurchaseLine,
    PurchaseOrder,
    PurchaseOrderCreated,
)
from domain.orders.purchase_order import decide as decide_purchase_order
from domain.orders.sales_order import MarkSalesOrderShipped, SalesOrder, SalesOrderCreated
from domain.orders.sales_order import decide as decide_sales_order
from domain.orders.transfer_order import TransferOrderCreated
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind, fba_warehouse_id


class ReconcileShipment(Command):
    shipment_id: str
    source_warehouse_id: str
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str


def destination_of(shipment: InboundShipment) -> str:
    """The FBA warehouse of the shipment's connection and marketplace."""
    return fba_warehouse_id(shipment.connection_id, shipment.marketplace_id)


def reconcile(
    command: ReconcileShipment,
    shipment: InboundShipment | None,
    source: Warehouse | None,
    destination: Warehouse | None,
) -> Decision:
    if shipment is None:
        raise NotFound(f"inbound shipment {command.shipment_id} not found")
    if shipment.reconciliation is not None:
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} is already reconciled to transfer order "
            f"{shipment.reconciliation.transfer_order_id}"
        )
    if shipment.is_cancelled:
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} is {shipment.status} and cannot be reconciled"
        )
    if source is None:
        raise NotFound(f"source warehouse {command.source_warehouse_id} not found")
    if source.kind is WarehouseKind.FBA:
        raise InvalidCommand("the source of a transfer to Amazon cannot be an FBA warehouse")
    if not source.enabled:
        raise InvalidTransition(f"source warehouse {source.warehouse_id} is disabled")
    if destination is None or not destination.enabled:
        raise InvalidTransition(
            f"the FBA warehouse for marketplace {shipment.marketplace_id} is missing or disabled"
        )
    lines = tuple(
        OrderLine(sku=line.sku, quantity=line.quantity_shipped)
        for line in shipment.lines.values()
        if line.quantity_shipped > 0
    )
    if not lines:
        raise InvalidTransition(f"inbound shipment {shipment.shipment_id} has no lines yet")
    ids = command
    return {
        (StreamKind.SHIPMENT, shipment.shipment_id): [
            InboundShipmentReconciled(
                shipment_id=shipment.shipment_id,
                transfer_order_id=ids.transfer_order_id,
                sales_order_id=ids.sales_order_id,
                purchase_order_id=ids.purchase_order_id,
                source_warehouse_id=source.warehouse_id,
                destination_warehouse_id=destination.warehouse_id,
            )
        ],
        (StreamKind.TRANSFER_ORDER, ids.transfer_order_id): [
            TransferOrderCreated(
                transfer_order_id=ids.transfer_order_id,
                shipment_id=shipment.shipment_id,
                sales_order_id=ids.sales_order_id,
                purchase_order_id=ids.purchase_order_id,
                source_warehouse_id=source.warehouse_id,
                destination_warehouse_id=destination.warehouse_id,
                lines=lines,
            )
        ],
        (StreamKind.SALES_ORDER, ids.sales_order_id): [
            SalesOrderCreated(
                sales_order_id=ids.sales_order_id,
                transfer_order_id=ids.transfer_order_id,
                warehouse_id=source.warehouse_id,
                lines=lines,
            )
        ],
        (StreamKind.PURCHASE_ORDER, ids.purchase_order_id): [
            PurchaseOrderCreated(
                purchase_order_id=ids.purchase_order_id,
                transfer_order_id=ids.transfer_order_id,
                shipment_id=shipment.shipment_id,
                warehouse_id=destination.warehouse_id,
                lines=tuple(PurchaseLine(sku=line.sku, quantity=line.quantity) for line in lines),
            )
        ],
    }


def mark_shipped(
    sales_order: SalesOrder | None,
    purchase_order: PurchaseOrder | None,
    shipped_at: AwareDatetime,
    left_source_at: AwareDatetime | None = None,
) -> Decision:
    """The goods left: the sales order ships and its purchase order's units go in transit.

    When Amazon showed them gone earlier (`left_source_at`, the shipment's first observation of
    it), they left then: the user is only telling us late."""
    if sales_order is None:
        raise NotFound("sales order not found")
    if left_source_at is not None:
        shipped_at = min(shipped_at, left_source_at)
    shipped = decide_sales_order(
        MarkSalesOrderShipped(sales_order_id=sales_order.sales_order_id, shipped_at=shipped_at),
        sales_order,
    )
    decision: Decision = {(StreamKind.SALES_ORDER, sales_order.sales_order_id): shipped}
    if purchase_order is not None:
        ship = MarkPurchaseOrderShipped(
            purchase_order_id=purchase_order.purchase_order_id, shipped_at=shipped_at
        )
        if events := decide_purchase_order(ship, purchase_order):
            decision[(StreamKind.PURCHASE_ORDER, purchase_order.purchase_order_id)] = events
    return decision
