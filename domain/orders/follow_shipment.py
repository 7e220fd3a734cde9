"""Keeping a reconciled shipment's orders in step with what Amazon did (the auto-receive policy).

Works from states, not from single events, so delivering a reaction twice, late or out of order
changes nothing: Amazon's cumulative totals go in, the purchase order books only the deltas.
"""

from pydantic import AwareDatetime

from domain.inbound_shipment.amazon import ShipmentPhase
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Decision, DomainEvent
from domain.orders.purchase_order import (
    CancelPurchaseOrder,
    ClosePurchaseOrder,
    PurchaseOrder,
    PurchaseOrderShipped,
    RecordAmazonReceipts,
    fold_onto,
)
from domain.orders.purchase_order import decide as decide_purchase_order
from domain.orders.sales_order import (
    CancelSalesOrder,
    MarkSalesOrderShipped,
    SalesOrder,
    SalesOrderStatus,
)
from domain.orders.sales_order import decide as decide_sales_order
from domain.streams import StreamKind


def follow_shipment(
    shipment: InboundShipment,
    sales_order: SalesOrder,
    purchase_order: PurchaseOrder,
    at: AwareDatetime,
) -> Decision:
    """The order events that make the orders reflect the shipment; {} when they already do."""
    totals = shipment.received_totals()
    cancelled = shipment.phase is ShipmentPhase.CANCELLED
    if cancelled and not purchase_order.shipped and not any(totals.values()):
        # Nothing left the source and Amazon received nothing: release what was held.
        return _release(shipment, sales_order, purchase_order)
    if purchase_order.cancelled:
        # Released earlier; Amazon does not revive a cancelled shipment.
        return {}
    ended = cancelled or shipment.phase is ShipmentPhase.CLOSED
    so_events: list[DomainEvent] = []
    po_events: list[DomainEvent] = []
    if sales_order.status is SalesOrderStatus.OPEN and any(totals.values()):
        # Amazon received units, so they left the source even if nobody marked the order shipped.
        so_events += decide_sales_order(
            MarkSalesOrderShipped(sales_order_id=sales_order.sales_order_id, shipped_at=at),
            sales_order,
        )
    if not purchase_order.shipped and (so_events or sales_order.status is SalesOrderStatus.SHIPPED):
        po_events.append(PurchaseOrderShipped(purchase_order_id=purchase_order.purchase_order_id))
    po_id = purchase_order.purchase_order_id
    current = fold_onto(purchase_order, po_events)
    if ended and current.shipped:
        # Closing an order whose goods never left would invent a discrepancy: until the user
        # marks it shipped (or Amazon reports units), a closed shipment leaves it open.
        po_events += decide_purchase_order(
            ClosePurchaseOrder(purchase_order_id=po_id, received_totals=totals), current
        )
    else:
        po_events += decide_purchase_order(
            RecordAmazonReceipts(purchase_order_id=po_id, received_totals=totals), current
        )
    decision: Decision = {}
    if so_events:
        decision[(StreamKind.SALES_ORDER, sales_order.sales_order_id)] = so_events
    if po_events:
        decision[(StreamKind.PURCHASE_ORDER, po_id)] = po_events
    return decision


def _release(
    shipment: InboundShipment, sales_order: SalesOrder, purchase_order: PurchaseOrder
) -> Decision:
    reason = f"inbound shipment {shipment.shipment_id} is {shipment.status}"
    decision: Decision = {}
    so_events = (
        decide_sales_order(
            CancelSalesOrder(sales_order_id=sales_order.sales_order_id, reason=reason),
            sales_order,
        )
        if sales_order.status is SalesOrderStatus.OPEN
        else []
    )
    po_events = decide_purchase_order(
        CancelPurchaseOrder(purchase_order_id=purchase_order.purchase_order_id, reason=reason),
        purchase_order,
    )
    if so_events:
        decision[(StreamKind.SALES_ORDER, sales_order.sales_order_id)] = so_events
    if po_events:
        decision[(StreamKind.PURCHASE_ORDER, purchase_order.purchase_order_id)] = po_events
    return decision
