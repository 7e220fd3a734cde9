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

from dataclasses import dataclass

from domain.connection import OrderRule, OrderType
from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.inbound_shipment.events import InboundShipmentSourceSet
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Command, Decision
from domain.orders.lines import OrderLine
from domain.orders.purchase_order import (
    PurchaseOrder,
    PurchaseOrderSourceSet,
    SourceType,
    refuse_while_saving,
)
from domain.orders.transfer import ReconcileShipment, bound_purchase_order, reconcile
from domain.orders.transfer_order import transfer_streams
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind


@dataclass(frozen=True)
class OrderIds:
    """The ids of the orders an import or a set source makes, derived from what they stem
    from, so that deciding twice takes the same streams."""

    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str

    @classmethod
    def named_after(cls, name: str, purchase_order_id: str | None = None) -> "OrderIds":
        return cls(f"to-{name}", f"so-{name}", purchase_order_id or f"po-{name}")


def import_shipment(
    shipment: InboundShipment,
    rule: OrderRule,
    source: Warehouse | None,
    destination: Warehouse | None,
) -> Decision:
    """The orders the rule makes of the shipment; {} when it makes none now (rule `none`, a
    shipment already reconciled, cancelled or without lines yet, or a default source that is
    gone or disabled: then it waits for the user, as under `none`)."""
    if rule.default_order_type is OrderType.NONE or not shipment.importable:
        return {}
    if destination is None or not destination.enabled:
        return {}
    ids = OrderIds.named_after(shipment.shipment_id)
    if rule.default_order_type is OrderType.PURCHASE_ORDER:
        return bound_purchase_order(shipment, ids.purchase_order_id, destination, vendor=None)
    if source is None or not source.enabled or source.kind is WarehouseKind.FBA:
        return {}
    command = ReconcileShipment(
        shipment_id=shipment.shipment_id,
        source_warehouse_id=source.warehouse_id,
        transfer_order_id=ids.transfer_order_id,
        sales_order_id=ids.sales_order_id,
        purchase_order_id=ids.purchase_order_id,
    )
    return reconcile(command, shipment, source, destination)


class NotUnknownSource(InvalidTransition):
    code = "not_unknown_source"


class SourceAlreadySet(InvalidTransition):
    code = "source_already_set"


class SourceNotUsable(InvalidCommand):
    code = "source_not_usable"


class SetSource(Command):
    purchase_order_id: str
    source_warehouse_id: str


def set_source(
    command: SetSource,
    order: PurchaseOrder | None,
    shipment: InboundShipment | None,
    source: Warehouse | None,
) -> Decision:
    """An unknown-source purchase order bound to a shipment becomes a transfer from `source`:
    the transfer and its sales order (committed at the source) are what a reconcile from there
    would have made, and from now on follow the shipment with the order (the goods leave the
    source as of Amazon's observation that they left). Setting the same source again decides
    nothing."""
    if order is None:
        raise NotFound(f"purchase order {command.purchase_order_id} not found")
    if (
        source is None
        or source.kind is WarehouseKind.FBA
        or not source.kind.moved_by_orders  # manual and combined warehouses ship nothing
        or not source.enabled
    ):
        why = "not found" if source is None else f"{source.kind} or disabled"
        raise SourceNotUsable(
            f"warehouse {command.source_warehouse_id} is {why}: a source is one of your own "
            "enabled warehouses"
        )
    if order.source_warehouse_id == source.warehouse_id:
        return {}  # set already, to this very source
    if order.source_warehouse_id is not None:
        raise SourceAlreadySet(
            f"purchase order {order.purchase_order_id} already comes from warehouse "
            f"{order.source_warehouse_id}"
        )
    if order.source_type is not SourceType.UNKNOWN:
        raise NotUnknownSource(
            f"purchase order {order.purchase_order_id} comes from a {order.source_type}, not an "
            "unknown source"
        )
    if shipment is None or shipment.reconciliation is None or order.shipment_id is None:
        raise NotUnknownSource(
            f"purchase order {order.purchase_order_id} is not bound to an FBA shipment"
        )
    refuse_while_saving(order)  # (an unknown source's order is bound from its import: never)
    ids = set_source_ids(order.purchase_order_id)
    lines = tuple(
        OrderLine(sku=line.sku, quantity=line.quantity_ordered)
        for line in order.lines.values()
        if line.quantity_ordered
    )
    return {
        (StreamKind.PURCHASE_ORDER, order.purchase_order_id): [
            PurchaseOrderSourceSet(
                purchase_order_id=order.purchase_order_id,
                transfer_order_id=ids.transfer_order_id,
                source_warehouse_id=source.warehouse_id,
            )
        ],
        **transfer_streams(
            ids.transfer_order_id,
            ids.sales_order_id,
            order.purchase_order_id,
            source.warehouse_id,
            order.warehouse_id,
            lines,
            shipment_id=order.shipment_id,
        ),
        (StreamKind.SHIPMENT, shipment.shipment_id): [
            InboundShipmentSourceSet(
                shipment_id=shipment.shipment_id,
                transfer_order_id=ids.transfer_order_id,
                sales_order_id=ids.sales_order_id,
                source_warehouse_id=source.warehouse_id,
            )
        ],
    }


def set_source_ids(purchase_order_id: str) -> OrderIds:
    """The transfer and sales order a set source makes, named after the purchase order."""
    return OrderIds.named_after(purchase_order_id, purchase_order_id)
