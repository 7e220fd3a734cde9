"""The transfer workflow: reconcile a shipment, ship the sales order, settle a discrepancy."""

from dataclasses import dataclass

from domain.errors import NotFound
from domain.orders.purchase_order import (
    AcknowledgeDiscrepancy,
    LineDiscrepancy,
    PurchaseOrderDiscrepancyAcknowledged,
)
from domain.orders.purchase_order import decide as decide_purchase_order
from domain.orders.transfer import ReconcileShipment, destination_of, mark_shipped, reconcile
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


@dataclass(frozen=True)
class Reconciled:
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    shipment_version: int


@dataclass(frozen=True)
class Shipped:
    sales_order_id: str
    purchase_order_id: str | None
    version: int


def reconcile_shipment(
    aggregates: Aggregates, caller: Caller, shipment_id: str, source_warehouse_id: str
) -> Reconciled:
    """Create the transfer, sales and purchase orders of a shipment, all or nothing."""
    tenant, new_id = caller.tenant_id, aggregates.ids.new_id
    command = ReconcileShipment(
        shipment_id=shipment_id,
        source_warehouse_id=source_warehouse_id,
        transfer_order_id=f"to-{new_id()}",
        sales_order_id=f"so-{new_id()}",
        purchase_order_id=f"po-{new_id()}",
    )

    def attempt() -> Reconciled:
        shipment = aggregates.load(tenant, StreamKind.SHIPMENT, shipment_id)
        if shipment.state is None:
            raise NotFound(f"inbound shipment {shipment_id} not found")
        source = aggregates.load(tenant, StreamKind.WAREHOUSE, source_warehouse_id)
        destination = aggregates.load(tenant, StreamKind.WAREHOUSE, destination_of(shipment.state))
        decision = reconcile(command, shipment.state, source.state, destination.state)
        versions = aggregates.save(
            event_context(caller, aggregates.clock),
            decision,
            {(StreamKind.SHIPMENT.value, shipment_id): shipment.version},
        )
        return Reconciled(
            transfer_order_id=command.transfer_order_id,
            sales_order_id=command.sales_order_id,
            purchase_order_id=command.purchase_order_id,
            shipment_version=versions[(StreamKind.SHIPMENT.value, shipment_id)],
        )

    return with_retries(attempt)


def ship_sales_order(aggregates: Aggregates, caller: Caller, sales_order_id: str) -> Shipped:
    """The goods left the source: the sales order ships, its purchase order goes in transit."""
    tenant = caller.tenant_id

    def attempt() -> Shipped:
        sales = aggregates.load(tenant, StreamKind.SALES_ORDER, sales_order_id)
        if sales.state is None:
            raise NotFound(f"sales order {sales_order_id} not found")
        transfer = aggregates.load(
            tenant, StreamKind.TRANSFER_ORDER, sales.state.transfer_order_id
        ).state
        purchase_order_id = transfer.purchase_order_id if transfer else None
        purchase = (
            aggregates.load(tenant, StreamKind.PURCHASE_ORDER, purchase_order_id)
            if purchase_order_id
            else None
        )
        shipment = (
            aggregates.load(tenant, StreamKind.SHIPMENT, transfer.shipment_id).state
            if transfer and transfer.shipment_id
            else None
        )
        decision = mark_shipped(
            sales.state,
            purchase.state if purchase else None,
            aggregates.clock.now(),
            shipment.left_source_at if shipment else None,
        )
        read = {(StreamKind.SALES_ORDER.value, sales_order_id): sales.version}
        if purchase is not None and purchase_order_id:
            read[(StreamKind.PURCHASE_ORDER.value, purchase_order_id)] = purchase.version
        versions = aggregates.save(event_context(caller, aggregates.clock), decision, read)
        return Shipped(
            sales_order_id=sales_order_id,
            purchase_order_id=purchase_order_id,
            version=versions[(StreamKind.SALES_ORDER.value, sales_order_id)],
        )

    return with_retries(attempt)


def acknowledge_discrepancy(
    aggregates: Aggregates, caller: Caller, purchase_order_id: str
) -> tuple[tuple[LineDiscrepancy, ...], int]:
    """Write off a closed purchase order's open discrepancy; returns what was written off."""
    key = (StreamKind.PURCHASE_ORDER.value, purchase_order_id)

    def attempt() -> tuple[tuple[LineDiscrepancy, ...], int]:
        loaded = aggregates.load(caller.tenant_id, StreamKind.PURCHASE_ORDER, purchase_order_id)
        events = decide_purchase_order(
            AcknowledgeDiscrepancy(purchase_order_id=purchase_order_id), loaded.state
        )
        context = event_context(caller, aggregates.clock)
        version = aggregates.save(context, {key: events}, {key: loaded.version})[key]
        written = tuple(
            line
            for event in events
            if isinstance(event, PurchaseOrderDiscrepancyAcknowledged)
            for line in event.written_off
        )
        return written, version

    return with_retries(attempt)
