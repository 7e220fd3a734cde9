"""The FBA workflow: reconcile a shipment (from a source warehouse, onto a purchase order, or
from a vendor), ship the sales order, settle a discrepancy."""

from dataclasses import dataclass
from datetime import datetime

from domain.errors import NotFound
from domain.orders.follow_shipment import BoundShipments
from domain.orders.lines import LineChange
from domain.orders.purchase_order import (
    AcknowledgeDiscrepancy,
    LineDiscrepancy,
    PurchaseOrderBound,
    PurchaseOrderDiscrepancyAcknowledged,
)
from domain.orders.purchase_order import decide as decide_purchase_order
from domain.orders.transfer import (
    ReconcileShipment,
    ReconcileToPurchaseOrder,
    ReconcileToVendor,
    destination_of,
    mark_shipped,
    reconcile,
    reconcile_to_purchase_order,
    reconcile_to_vendor,
)
from domain.orders.transfer_order import TransferOrder
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


@dataclass(frozen=True)
class Reconciled:
    transfer_order_id: str | None
    sales_order_id: str | None
    purchase_order_id: str
    shipment_version: int
    differences: tuple[LineChange, ...] = ()  # ordered (from) -> Amazon's plan (to)


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


def reconcile_to_order(
    aggregates: Aggregates, caller: Caller, shipment_id: str, purchase_order_id: str
) -> Reconciled:
    """Bind the shipment to an existing open purchase order into FBA (and its transfer)."""
    tenant = caller.tenant_id
    command = ReconcileToPurchaseOrder(shipment_id=shipment_id, purchase_order_id=purchase_order_id)

    def attempt() -> Reconciled:
        shipment = aggregates.load(tenant, StreamKind.SHIPMENT, shipment_id)
        order = aggregates.load(tenant, StreamKind.PURCHASE_ORDER, purchase_order_id)
        transfer_id = order.state.transfer_order_id if order.state else None
        transfer = (
            aggregates.load(tenant, StreamKind.TRANSFER_ORDER, transfer_id) if transfer_id else None
        )
        decision = reconcile_to_purchase_order(
            command, shipment.state, order.state, transfer.state if transfer else None
        )
        read = {
            (StreamKind.SHIPMENT.value, shipment_id): shipment.version,
            (StreamKind.PURCHASE_ORDER.value, purchase_order_id): order.version,
        }
        if transfer is not None and transfer_id:
            read[(StreamKind.TRANSFER_ORDER.value, transfer_id)] = transfer.version
        versions = aggregates.save(event_context(caller, aggregates.clock), decision, read)
        bound = next(
            event
            for event in decision[(StreamKind.PURCHASE_ORDER, purchase_order_id)]
            if isinstance(event, PurchaseOrderBound)
        )
        return Reconciled(
            transfer_order_id=transfer_id,
            sales_order_id=transfer.state.sales_order_id if transfer and transfer.state else None,
            purchase_order_id=purchase_order_id,
            shipment_version=versions[(StreamKind.SHIPMENT.value, shipment_id)],
            differences=bound.differences,
        )

    return with_retries(attempt)


def reconcile_from_vendor(
    aggregates: Aggregates, caller: Caller, shipment_id: str, vendor_id: str
) -> Reconciled:
    """A new purchase order from the vendor straight to FBA, bound to the shipment."""
    tenant = caller.tenant_id
    command = ReconcileToVendor(
        shipment_id=shipment_id,
        vendor_id=vendor_id,
        purchase_order_id=f"po-{aggregates.ids.new_id()}",
    )

    def attempt() -> Reconciled:
        shipment = aggregates.load(tenant, StreamKind.SHIPMENT, shipment_id)
        if shipment.state is None:
            raise NotFound(f"inbound shipment {shipment_id} not found")
        vendor = aggregates.load(tenant, StreamKind.VENDOR, vendor_id)
        destination = aggregates.load(tenant, StreamKind.WAREHOUSE, destination_of(shipment.state))
        decision = reconcile_to_vendor(command, shipment.state, vendor.state, destination.state)
        versions = aggregates.save(
            event_context(caller, aggregates.clock),
            decision,
            {(StreamKind.SHIPMENT.value, shipment_id): shipment.version},
        )
        return Reconciled(
            transfer_order_id=None,
            sales_order_id=None,
            purchase_order_id=command.purchase_order_id,
            shipment_version=versions[(StreamKind.SHIPMENT.value, shipment_id)],
        )

    return with_retries(attempt)


def _seen_gone_at(
    aggregates: Aggregates, tenant: str, transfer: TransferOrder | None
) -> datetime | None:
    """When Amazon first showed the goods of every shipment the transfer is bound to gone (all
    of them, for one Amazon split), or None."""
    shipments = [
        aggregates.load(tenant, StreamKind.SHIPMENT, shipment_id).state
        for shipment_id in (transfer.shipment_ids if transfer else ())
    ]
    known = [shipment for shipment in shipments if shipment is not None]
    if not known:
        return None
    return BoundShipments(tuple(known), tuple(0 for _ in known)).left_source_at


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
        decision = mark_shipped(
            sales.state,
            purchase.state if purchase else None,
            aggregates.clock.now(),
            _seen_gone_at(aggregates, tenant, transfer),
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
