"""Keeping a shipment's orders in step with what Amazon did: the auto-receive policy.

Amazon's plan is the truth for a bound order: lines follow it (before shipping what is committed
and on order, after shipping what left the source); units received beyond it left the source
too; a release is undone when Amazon receives units or revives the shipment; goods that Amazon
shows gone ship as of the first observation that showed it.

Works from states, not from single events, so delivering a reaction twice, late or out of order
changes nothing: Amazon's cumulative totals go in, the orders book only the differences.

An order a save to Amazon split into several shipments follows all of them as one
(`BoundShipments`): ordered is the sum of the live shipments' plans (a shipment cancelled before
its goods left contributes nothing, and the order is released only when every shipment is),
received the sum of every shipment's cumulative totals, shipped once every live shipment's goods
left (as of the latest of those observations), closed once every shipment ended and the order
shipped, expected on the latest confirmed need-by date. A transfer's order books Amazon's
receipts from its shipping on: before, what Amazon received is still committed at the source.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pydantic import AwareDatetime

from domain.inbound_shipment.amazon import ShipmentPhase
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Command, Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.streams import StreamKind

ENDED = frozenset({ShipmentPhase.CLOSED, ShipmentPhase.CANCELLED})
# Not ended, least advanced first: several shipments are as far as the least advanced.
_UNDER_WAY = (ShipmentPhase.NOT_SHIPPED, ShipmentPhase.IN_TRANSIT, ShipmentPhase.RECEIVING)


@dataclass(frozen=True)
class BoundShipments:
    """The shipments one order is bound to, each as of the version the order follows it at,
    seen as the one shipment `follow_shipment` keeps the order in step with. The first is the
    one whose observation is being followed (its id goes on amendments). One shipment is seen
    exactly as it is.

    `order_shipped`: the order was shipped (by hand, or on Amazon's word). A cancelled shipment
    whose goods Amazon never saw leave contributes nothing, unless the order was shipped while
    Amazon had seen none of its shipments' goods leave: the user's word that they left stands
    for them all then (for one shipment: a cancelled shipment marked shipped is closed short)."""

    shipments: tuple[InboundShipment, ...]
    versions: tuple[int, ...]
    order_shipped: bool = False

    @classmethod
    def one(cls, shipment: InboundShipment, version: int) -> "BoundShipments":
        return cls((shipment,), (version,))

    def with_shipment(self, shipment: InboundShipment, version: int) -> "BoundShipments":
        return replace(
            self, shipments=(*self.shipments, shipment), versions=(*self.versions, version)
        )

    def of_order(self, order: po.PurchaseOrder) -> "BoundShipments":
        return replace(self, order_shipped=order.shipped)

    @property
    def shipment_id(self) -> str:
        return self.shipments[0].shipment_id

    @property
    def shipment_ids(self) -> tuple[str, ...]:
        return tuple(shipment.shipment_id for shipment in self.shipments)

    def followed_versions(self) -> dict[str, int]:
        return dict(zip(self.shipment_ids, self.versions, strict=True))

    def released(self, shipment: InboundShipment) -> bool:
        """Cancelled before its goods left: it holds nothing of the order."""
        if shipment.phase is not ShipmentPhase.CANCELLED or shipment.left_source_at is not None:
            return False
        seen_leaving = any(s.left_source_at is not None for s in self.shipments)
        return not (self.order_shipped and not seen_leaving)

    @property
    def live(self) -> tuple[InboundShipment, ...]:
        return tuple(shipment for shipment in self.shipments if not self.released(shipment))

    @property
    def phase(self) -> ShipmentPhase:
        """CANCELLED when every shipment is released; else ended (CLOSED if any closed) when
        every live one ended; else the phase of the least advanced one under way."""
        live = self.live
        if not live:
            return ShipmentPhase.CANCELLED
        phases = {shipment.phase for shipment in live}
        if phases <= ENDED:
            closed = ShipmentPhase.CLOSED in phases
            return ShipmentPhase.CLOSED if closed else ShipmentPhase.CANCELLED
        return next(phase for phase in _UNDER_WAY if phase in phases)

    @property
    def status(self) -> str:
        if len(self.shipments) == 1:
            return self.shipments[0].status
        return ", ".join(f"{s.shipment_id} {s.status}" for s in self.shipments)

    @property
    def left_source_at(self) -> datetime | None:
        """When the last live shipment's goods were first seen gone, once all of them were."""
        left = [shipment.left_source_at for shipment in self.live]
        if not left or any(at is None for at in left):
            return None
        return max(at for at in left if at is not None)

    @property
    def confirmed_need_by_date(self) -> date | None:
        dates = [s.confirmed_need_by_date for s in self.live or self.shipments]
        known = [d for d in dates if d is not None]
        return max(known) if known else None

    @property
    def last_observed_at(self) -> datetime:
        return max(shipment.last_observed_at for shipment in self.shipments)

    def received_totals(self) -> dict[str, int]:
        return _summed(shipment.received_totals() for shipment in self.shipments)

    def planned_quantities(self) -> dict[str, int]:
        return _summed(shipment.planned_quantities() for shipment in self.live)


def _summed(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for per_sku in counts:
        for sku, units in per_sku.items():
            total[sku] = total.get(sku, 0) + units
    return total


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

    def decision(self, shipments: BoundShipments) -> Decision:
        """The events, and (with any, or always for several shipments: the next event of one is
        combined with the others as of the versions recorded) the versions followed."""
        if self.sales_events or self.purchase_events or len(shipments.shipments) > 1:
            followed = self.purchase.followed_shipment_versions
            for shipment_id, version in shipments.followed_versions().items():
                if version > followed.get(shipment_id, 0):
                    self.purchase_events.append(
                        po.PurchaseOrderFollowedShipment(
                            purchase_order_id=self.purchase.purchase_order_id,
                            shipment_version=version,
                            shipment_id=shipment_id,
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
    shipment: InboundShipment | BoundShipments,
    sales_order: so.SalesOrder | None,
    purchase_order: po.PurchaseOrder,
    at: AwareDatetime,
    shipment_version: int = 0,
) -> Decision:
    """The order events that make the orders reflect the shipment (at `shipment_version`, as
    observed at `at`), or the order's several shipments (each at its version); {} when they
    already do. Every event is dated by Amazon's observations, never by the reaction; a
    non-empty decision records the versions it followed, so an older observation delivered late
    is recognised as past."""
    if isinstance(shipment, InboundShipment):
        shipments = BoundShipments.one(shipment, shipment_version).of_order(purchase_order)
    else:
        shipments = shipment.of_order(purchase_order)
    orders = _Orders(sales_order, purchase_order)
    _follow(orders, shipments, at)
    return orders.decision(shipments)


def _follow(orders: _Orders, shipment: BoundShipments, at: AwareDatetime) -> None:
    purchase_order = orders.purchase
    totals = shipment.received_totals()
    # Any unit received marked the goods gone too (the shipment's `left_source_at`).
    gone = purchase_order.shipped or shipment.left_source_at is not None
    if shipment.phase is ShipmentPhase.CANCELLED and not gone:
        # Nothing left the source and Amazon received nothing: release what was held.
        _release(orders, shipment)
        return
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
    elif orders.purchase.shipped or orders.sales is None or not any(totals.values()):
        orders.buy(
            po.RecordAmazonReceipts(purchase_order_id=po_id, received_totals=totals, observed_at=at)
        )
    # else: Amazon received units on some of a transfer's shipments, and the goods of others
    # have not left yet (one shipment's receipts always ship it first). The books still hold
    # them committed at the source: booked at FBA too, they would be counted twice. They are
    # booked with the order's shipping, once every live shipment's goods left (or it is marked
    # shipped).


def _release(orders: _Orders, shipment: BoundShipments) -> None:
    if len(shipment.shipments) == 1:
        reason = f"inbound shipment {shipment.shipment_id} is {shipment.status}"
    else:
        each = ", ".join(f"{s.shipment_id} ({s.status})" for s in shipment.shipments)
        reason = f"inbound shipments {each} are all cancelled"
    if orders.sales is not None and orders.sales.status is so.SalesOrderStatus.OPEN:
        orders.sell(so.CancelSalesOrder(sales_order_id=orders.sales.sales_order_id, reason=reason))
    orders.buy(
        po.CancelPurchaseOrder(purchase_order_id=orders.purchase.purchase_order_id, reason=reason)
    )


def _reopen(orders: _Orders, shipments: BoundShipments, at: AwareDatetime) -> None:
    """A released order reopens (Amazon received units or revived the shipment); a closed one
    reopens when Amazon moves its shipment back to an active status."""
    purchase = orders.purchase
    revived = shipments.phase not in ENDED
    if not (purchase.cancelled or (purchase.closed and revived)):
        return
    # The shipment that brings it back: one under way, else one whose goods left.
    live = shipments.live
    shipment = next((s for s in live if s.phase not in ENDED), live[0] if live else None)
    shipment = shipment or shipments.shipments[0]
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


def _follow_plan(orders: _Orders, shipment: BoundShipments, at: AwareDatetime) -> None:
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


def _ship(orders: _Orders, shipment: BoundShipments) -> None:
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
