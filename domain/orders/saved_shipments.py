"""Binding the shipments a "Save to Amazon" made of an order: Amazon may split one order into
several FBA shipments, each bound to it as the saving job learns its FBA id.

A binding is what a reconcile onto the order would append (the shipment reconciled to the order,
with the transfer and its sales order for a transfer's order; the order bound, its differences
against the plans bound so far; the transfer bound), decided only for the job saving the order.
The order is not followed while the save goes on: `EndSaveToAmazon` (the job, once every
shipment is bound) ends the save, and the reactor then brings the order in step with all of its
shipments at once (so the order never shows one shipment's part of the plan as Amazon's whole).
"""

from domain.errors import InvalidCommand, InvalidTransition
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Decision
from domain.orders import purchase_order as po
from domain.orders.sales_order import SalesOrder
from domain.orders.transfer import bound_to_order, destination_of
from domain.orders.transfer_order import TransferOrder


def bind_saved_shipment(
    shipment: InboundShipment,
    purchase_order: po.PurchaseOrder,
    job_id: str,
    transfer: TransferOrder | None,
    sales_order: SalesOrder | None,
) -> Decision:
    """The events binding `shipment` (made by `job_id` saving `purchase_order`) to the order and,
    for a transfer's order, to its transfer and sales order; {} when it is bound to it already.

    Refused (409) for a shipment bound to another order, or a job that is not saving the order;
    422 for a shipment into another FBA warehouse, a transfer (or sales order) that is not the
    order's, or a shipment whose lines Amazon has not shown yet (bind it once they are read)."""
    order_id = purchase_order.purchase_order_id
    bound = shipment.reconciliation
    if bound is not None:
        if bound.purchase_order_id == order_id:
            return {}
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} is already reconciled to purchase order "
            f"{bound.purchase_order_id}",
            field="shipment_id",
        )
    planned = {sku: units for sku, units in shipment.planned_quantities().items() if units > 0}
    bound_events = po.decide(  # refused first for a job that is not saving the order
        po.BindSavedShipment(
            purchase_order_id=order_id,
            shipment_id=shipment.shipment_id,
            job_id=job_id,
            planned=planned,
        ),
        purchase_order,
    )
    if not bound_events:
        return {}  # the order has it already (its shipment's side is the reconcile above)
    destination = destination_of(shipment)
    if purchase_order.warehouse_id != destination:
        raise InvalidCommand(
            f"inbound shipment {shipment.shipment_id} goes into {destination}, not "
            f"{purchase_order.warehouse_id}, the warehouse of purchase order {order_id}",
            field="shipment_id",
        )
    _check_transfer(purchase_order, transfer, sales_order)
    if not planned:
        raise InvalidTransition(
            f"inbound shipment {shipment.shipment_id} has no lines yet", field="shipment_id"
        )
    return bound_to_order(shipment, purchase_order, transfer, bound_events)


def _check_transfer(
    order: po.PurchaseOrder, transfer: TransferOrder | None, sales_order: SalesOrder | None
) -> None:
    """A transfer's order comes with its transfer and sales order; any other order with none."""
    if order.transfer_order_id is None:
        if transfer is not None or sales_order is not None:
            raise InvalidCommand(
                f"purchase order {order.purchase_order_id} is not the inbound half of a transfer",
                field="transfer_order_id",
            )
        return
    if transfer is None or transfer.transfer_order_id != order.transfer_order_id:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} is the inbound half of transfer order "
            f"{order.transfer_order_id}: bind its shipments with that transfer",
            field="transfer_order_id",
        )
    if sales_order is None or sales_order.sales_order_id != transfer.sales_order_id:
        raise InvalidCommand(
            f"transfer order {transfer.transfer_order_id}'s sales order is "
            f"{transfer.sales_order_id}",
            field="sales_order_id",
        )
