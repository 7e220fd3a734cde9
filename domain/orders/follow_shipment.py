"""Keeping a shipment's orders in step with what Amazon did: the auto-receive policy.

Amazon's plan is the truth for a bound order: lines follow it (before shipping what is committed
and on order, after shipping what left the source); units received beyond it left the source
too; a release is undone when Amazon receives units or revives the shipment; goods that Amazon
shows gone ship as of the first observation that showed it.

Works from states, not from single events, so delivering a reaction twice, late or out of order
changes nothing: Amazon's cumulative totals go in, the orders book only the differences.
"""

from dataclasses import dataclass, field

from pydantic import AwareDatetime

from domain.inbound_shipment.amazon import ShipmentPhase
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Command, Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.streams import StreamKind

ENDED = frozenset({ShipmentPhase.CLOSED, ShipmentPhase.CANCELLED})


@dataclass
class _Orders:
    """Both orders as the decision so far leaves them, and the events that got them there.
    No sales order: a vendor's units, straight to FBA (nothing leaves a warehouse of ours)."""

    sales: so.SalesOrder | None
    purchase: po.PurchaseOrder
    sales_events: list[DomainEvent] = field(default_factory=list)
    purchase_events: list[DomainEvent] = field(default_factory=list)

    def sell(self, command: Command) -> None:
        if self.sales is None:
            return
        events = so.decide(command, self.sales)
        for event in events:
            self.sales = so.evolve(self.sales, event) or self.sales
        self.sales_events += events

    def buy(self, command: Command) -> None:
        events = po.decide(command, self.purchase)
        self.purchase = po.fold_onto(self.purchase, events)
        self.purchase_events += events

    def decision(self, shipment_version: int) -> Decision:
        if (self.sales_events or self.purchase_events) and (
            shipment_version > self.purchase.followed_shipment_version
        ):
            self.purchase_events.append(
                po.PurchaseOrderFollowedShipment(
                    purchase_order_id=self.purchase.purchase_order_id,
                    shipment_version=shipment_version,
                )
            )
        decision: Decision = {}
        if self.sales_events and self.sales is not None:
            decision[(StreamKind.SALES_ORDER, self.sales.sales_order_id)] = self.sales_events
        if self.purchase_events:
            decision[(StreamKind.PURCHASE_ORDER, self.purchase.purchase_order_id)] = (
                self.purchase_events
            )
        return decision


def follow_shipment(
    shipment: InboundShipment,
    sales_order: so.SalesOrder | None,
    purchase_order: po.PurchaseOrder,
    at: AwareDatetime,
    shipment_version: int,
) -> Decision:
    """The order events that make the orders reflect the shipment (at `shipment_version`, as
    observed at `at`); {} when they already do. Every event is dated by Amazon's observations,
    never by the reaction; a non-empty decision records the version it followed, so an older
    observation delivered late is recognised as past."""
    orders = _Orders(sales_order, purchase_order)
    totals = shipment.received_totals()
    # Any unit received marked the goods gone too (the shipment's `left_source_at`).
    gone = purchase_order.shipped or shipment.left_source_at is not None
    if shipment.phase is ShipmentPhase.CANCELLED and not gone:
        # Nothing left the source and Amazon received nothing: release what was held.
        _release(orders, shipment)
        return orders.decision(shipment_version)
    _reopen(orders, shipment, at)
    orders.buy(
        po.FollowNeedByDate(
            purchase_order_id=purchase_order.purchase_order_id,
            need_by=shipment.confirmed_need_by_date,
            observed_at=at,
        )
    )
    _follow_plan(orders, shipment, at)
    _ship(orders, shipment)
    _follow_plan(orders, shipment, at)  # once shipped, units over the plan left the source
    po_id = purchase_order.purchase_order_id
    if shipment.phase in ENDED and orders.purchase.shipped:
        orders.buy(
            po.ClosePurchaseOrder(purchase_order_id=po_id, received_totals=totals, observed_at=at)
        )
    else:
        orders.buy(
            po.RecordAmazonReceipts(purchase_order_id=po_id, received_totals=totals, observed_at=at)
        )
    return orders.decision(shipment_version)


def _release(orders: _Orders, shipment: InboundShipment) -> None:
    reason = f"inbound shipment {shipment.shipment_id} is {shipment.status}"
    if orders.sales is not None and orders.sales.status is so.SalesOrderStatus.OPEN:
        orders.sell(so.CancelSalesOrder(sales_order_id=orders.sales.sales_order_id, reason=reason))
    orders.buy(
        po.CancelPurchaseOrder(purchase_order_id=orders.purchase.purchase_order_id, reason=reason)
    )


def _reopen(orders: _Orders, shipment: InboundShipment, at: AwareDatetime) -> None:
    """A released order reopens (Amazon received units or revived the shipment); a closed one
    reopens when Amazon moves its shipment back to an active status."""
    purchase = orders.purchase
    revived = shipment.phase not in ENDED
    if not (purchase.cancelled or (purchase.closed and revived)):
        return
    reason = (
        f"inbound shipment {shipment.shipment_id} is {shipment.status} again"
        if revived
        else f"Amazon received units on inbound shipment {shipment.shipment_id} ({shipment.status})"
    )
    if orders.sales is not None:
        orders.sell(
            so.ReopenSalesOrder(
                sales_order_id=orders.sales.sales_order_id, reason=reason, observed_at=at
            )
        )
    orders.buy(
        po.ReopenPurchaseOrder(
            purchase_order_id=purchase.purchase_order_id, reason=reason, observed_at=at
        )
    )


def _follow_plan(orders: _Orders, shipment: InboundShipment, at: AwareDatetime) -> None:
    plan = shipment.planned_quantities()
    if orders.sales is not None:
        orders.sell(
            so.FollowAmazonPlan(
                sales_order_id=orders.sales.sales_order_id,
                shipment_id=shipment.shipment_id,
                planned=plan,
                received=shipment.received_totals(),
                observed_at=at,
            )
        )
    if not orders.purchase.cancelled:
        orders.buy(
            po.AmendPurchaseOrderLines(
                purchase_order_id=orders.purchase.purchase_order_id,
                shipment_id=shipment.shipment_id,
                ordered=plan,
                observed_at=at,
            )
        )


def _ship(orders: _Orders, shipment: InboundShipment) -> None:
    """Goods Amazon shows gone ship, if nobody marked them, as of the first observation of it
    (a vendor's: as Amazon shows them gone)."""
    left_at = shipment.left_source_at
    sales = orders.sales
    if sales is not None and sales.status is so.SalesOrderStatus.OPEN and left_at is not None:
        orders.sell(
            so.MarkSalesOrderShipped(sales_order_id=sales.sales_order_id, shipped_at=left_at)
        )
    if orders.sales is None:
        shipped_at = left_at
    elif orders.sales.status is so.SalesOrderStatus.SHIPPED:
        shipped_at = orders.sales.shipped_at
    else:
        shipped_at = None
    if shipped_at is not None:
        orders.buy(
            po.MarkPurchaseOrderShipped(
                purchase_order_id=orders.purchase.purchase_order_id, shipped_at=shipped_at
            )
        )
