"""What a shipment the sync discovers becomes, by its connection's rule for the marketplace.

- `none`: nothing; it waits on the Inbound Shipments list for the user's reconcile.
- `purchase_order`: a purchase order with an unknown source into the marketplace's FBA
  warehouse, bound to the shipment (locked), lines from Amazon's plan.
- `transfer_order`: what a reconcile from the default source warehouse makes.

The rule is the one in force when the shipment was discovered (a later change applies to
shipments discovered from then on). The orders' ids derive from the shipment's, so a shipment is
imported once whatever happens: a second decision finds it reconciled (or its order streams
taken) and decides nothing.
"""

from domain.connection import OrderRule, OrderType
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Decision
from domain.orders.transfer import ReconcileShipment, bound_purchase_order, reconcile
from domain.warehouse import Warehouse, WarehouseKind


def imported_ids(shipment_id: str, source_warehouse_id: str) -> ReconcileShipment:
    return ReconcileShipment(
        shipment_id=shipment_id,
        source_warehouse_id=source_warehouse_id,
        transfer_order_id=f"to-{shipment_id}",
        sales_order_id=f"so-{shipment_id}",
        purchase_order_id=f"po-{shipment_id}",
    )


def importable(shipment: InboundShipment) -> bool:
    """Not reconciled yet, not cancelled, and with a plan to take lines from."""
    return (
        shipment.reconciliation is None
        and not shipment.is_cancelled
        and any(line.quantity_shipped > 0 for line in shipment.lines.values())
    )


def import_shipment(
    shipment: InboundShipment,
    rule: OrderRule,
    source: Warehouse | None,
    destination: Warehouse | None,
) -> Decision:
    """The orders the rule makes of the shipment; {} when it makes none now (rule `none`, a
    shipment already reconciled, cancelled or without lines yet, or a default source that is
    gone or disabled: then it waits for the user, as under `none`)."""
    if rule.default_order_type is OrderType.NONE or not importable(shipment):
        return {}
    if destination is None or not destination.enabled:
        return {}
    if rule.default_order_type is OrderType.PURCHASE_ORDER:
        ids = imported_ids(shipment.shipment_id, "")
        return bound_purchase_order(shipment, ids.purchase_order_id, destination, vendor=None)
    if source is None or not source.enabled or source.kind is WarehouseKind.FBA:
        return {}
    return reconcile(
        imported_ids(shipment.shipment_id, source.warehouse_id), shipment, source, destination
    )
