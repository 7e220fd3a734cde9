"""Cross-aggregate decisions of the FBA workflow: reconcile a shipment (into a new transfer
order from a source warehouse, onto an existing purchase order into FBA, or into a new purchase
order from a vendor) and mark shipped.

Each returns the events of every stream it touches; the caller appends them all or nothing.
"""

from pydantic import AwareDatetime

from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.inbound_shipment.events import InboundShipmentReconciled
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Command, Decision, DomainEvent
from domain.orders.lines import OrderLine
from domain.orders.purchase_order import (
    BindToShipment,
    MarkPurchaseOrderShipped,
    PurchaseLine,
    PurchaseOrder,
    PurchaseOrderCreated,
    SourceType,
)
from domain.orders.purchase_order import decide as decide_purchase_order
from domain.orders.sales_order import MarkSalesOrderShipped, SalesOrder
from domain.orders.sales_order import decide as decide_sales_order
from domain.orders.transfer_order import (
    TransferOrder,
    TransferOrderBound,
    transfer_streams,
)
from domain.streams import StreamKind
from domain.vendor import Vendor
from domain.warehouse import Warehouse, WarehouseKind, fba_warehouse_id, require_order_end


class ReconcileShipment(Command):
    shipment_id: str
    source_warehouse_id: str
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str


def destination_of(shipment: InboundShipment) -> str:
    """The FBA warehouse of the shipment's connection and marketplace."""
    return fba_warehouse_id(shipment.connection_id, shipment.marketplace_id)


class ReconcileToPurchaseOrder(Command):
    shipment_id: str
    purchase_order_id: str


class ReconcileToVendor(Command):
    shipment_id: str
    vendor_id: str
    purchase_order_id: str  # the new order's


def _reconcilable(shipment_id: str, shipment: InboundShipment | None) -> InboundShipment:
    if shipment is None:
        raise NotFound(f"inbound shipment {shipment_id} not found")
    if (bound := shipment.reconciliation) is not None:
        to = (
            f"transfer order {bound.transfer_order_id}"
            if bound.transfer_order_id
            else f"purchase order {bound.purchase_order_id}"
        )
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} is already reconciled to {to}"
        )
    if shipment.is_cancelled:
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} is {shipment.status} and cannot be reconciled"
        )
    return shipment


def _planned_lines(shipment: InboundShipment) -> tuple[OrderLine, ...]:
    lines = tuple(
        OrderLine(sku=line.sku, quantity=line.quantity_shipped)
        for line in shipment.lines.values()
        if line.quantity_shipped > 0
    )
    if not lines:
        raise InvalidTransition(f"inbound shipment {shipment.shipment_id} has no lines yet")
    return lines


def _fba_destination(shipment: InboundShipment, destination: Warehouse | None) -> Warehouse:
    if destination is None or not destination.enabled:
        raise InvalidCommand(
            f"the FBA warehouse for marketplace {shipment.marketplace_id} is missing or disabled"
        )
    return destination


def reconcile_to_purchase_order(
    command: ReconcileToPurchaseOrder,
    shipment: InboundShipment | None,
    order: PurchaseOrder | None,
    transfer: TransferOrder | None,
) -> Decision:
    """Bind the shipment to an open purchase order into its marketplace's FBA warehouse (and,
    if the order is the inbound half of a transfer, the transfer and its sales order too); the
    order then follows Amazon's plan, its differences from it recorded."""
    shipment = _reconcilable(command.shipment_id, shipment)
    if order is None:
        raise NotFound(
            f"purchase order {command.purchase_order_id} not found", field="purchase_order_id"
        )
    destination = destination_of(shipment)
    if order.warehouse_id != destination:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} goes into {order.warehouse_id}, not "
            f"{destination}, the FBA warehouse of the shipment's marketplace",
            field="purchase_order_id",
        )
    planned = {line.sku: line.quantity for line in _planned_lines(shipment)}
    bound = decide_purchase_order(
        BindToShipment(
            purchase_order_id=order.purchase_order_id,
            shipment_id=shipment.shipment_id,
            planned=planned,
        ),
        order,
    )
    return bound_to_order(shipment, order, transfer, bound)


def bound_to_order(
    shipment: InboundShipment,
    order: PurchaseOrder,
    transfer: TransferOrder | None,
    bound: list[DomainEvent],
) -> Decision:
    """The shipment reconciled to the order (and a transfer's transfer order bound to it too),
    with the order's own binding events."""
    decision: Decision = {
        (StreamKind.SHIPMENT, shipment.shipment_id): [
            InboundShipmentReconciled(
                shipment_id=shipment.shipment_id,
                transfer_order_id=transfer.transfer_order_id if transfer else None,
                sales_order_id=transfer.sales_order_id if transfer else None,
                purchase_order_id=order.purchase_order_id,
                source_warehouse_id=transfer.source_warehouse_id if transfer else None,
                destination_warehouse_id=destination_of(shipment),
                vendor_id=order.vendor_id,
            )
        ],
        (StreamKind.PURCHASE_ORDER, order.purchase_order_id): bound,
    }
    if transfer is not None:
        decision[(StreamKind.TRANSFER_ORDER, transfer.transfer_order_id)] = [
            TransferOrderBound(
                transfer_order_id=transfer.transfer_order_id, shipment_id=shipment.shipment_id
            )
        ]
    return decision


def reconcile_to_vendor(
    command: ReconcileToVendor,
    shipment: InboundShipment | None,
    vendor: Vendor | None,
    destination: Warehouse | None,
) -> Decision:
    """A new purchase order from the vendor straight to FBA, bound to the shipment (no sales
    order: the units never were in a warehouse of the seller's)."""
    shipment = _reconcilable(command.shipment_id, shipment)
    if vendor is None:
        raise NotFound(f"vendor {command.vendor_id} not found", field="vendor_id")
    return bound_purchase_order(shipment, command.purchase_order_id, destination, vendor)


def bound_purchase_order(
    shipment: InboundShipment,
    purchase_order_id: str,
    destination: Warehouse | None,
    vendor: Vendor | None,
) -> Decision:
    """A new purchase order into the shipment's FBA warehouse, bound to it, lines from Amazon's
    plan: from the vendor, or (None) from a source nobody named yet (`unknown`)."""
    destination = _fba_destination(shipment, destination)
    costs = {product.sku: product.unit_cost for product in vendor.products} if vendor else {}
    lines = tuple(
        PurchaseLine(sku=line.sku, quantity=line.quantity, unit_cost=costs.get(line.sku))
        for line in _planned_lines(shipment)
    )
    vendor_id = vendor.vendor_id if vendor else None
    return {
        (StreamKind.SHIPMENT, shipment.shipment_id): [
            InboundShipmentReconciled(
                shipment_id=shipment.shipment_id,
                purchase_order_id=purchase_order_id,
                destination_warehouse_id=destination.warehouse_id,
                vendor_id=vendor_id,
            )
        ],
        (StreamKind.PURCHASE_ORDER, purchase_order_id): [
            PurchaseOrderCreated(
                purchase_order_id=purchase_order_id,
                shipment_id=shipment.shipment_id,
                warehouse_id=destination.warehouse_id,
                lines=lines,
                source_type=SourceType.VENDOR if vendor else SourceType.UNKNOWN,
                vendor_id=vendor_id,
                received_by_amazon=True,
            )
        ],
    }


def reconcile(
    command: ReconcileShipment,
    shipment: InboundShipment | None,
    source: Warehouse | None,
    destination: Warehouse | None,
) -> Decision:
    shipment = _reconcilable(command.shipment_id, shipment)
    if source is None:
        raise NotFound(
            f"source warehouse {command.source_warehouse_id} not found",
            field="source_warehouse_id",
        )
    if source.kind is WarehouseKind.FBA:
        raise InvalidCommand(
            "the source of a transfer to Amazon cannot be an FBA warehouse",
            field="source_warehouse_id",
        )
    require_order_end(source, "source_warehouse_id")
    if not source.enabled:
        raise InvalidCommand(
            f"source warehouse {source.warehouse_id} is disabled", field="source_warehouse_id"
        )
    destination = _fba_destination(shipment, destination)
    lines = _planned_lines(shipment)
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
        **transfer_streams(
            ids.transfer_order_id,
            ids.sales_order_id,
            ids.purchase_order_id,
            source.warehouse_id,
            destination.warehouse_id,
            lines,
            shipment_id=shipment.shipment_id,
        ),
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
