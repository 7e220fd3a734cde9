"""Stock orders a user places and works: purchase orders to vendors, transfers between
warehouses, the receipts, close and cancel of each, and the source of imported orders."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from domain.errors import DomainError, NotFound
from domain.messages import Command, Decision
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.orders.importing import SetSource, set_source, set_source_ids
from domain.orders.placing import (
    CreateTransferOrder,
    PlacePurchaseOrder,
    create_transfer_order,
    place_purchase_order,
    with_vendor_costs,
)
from domain.orders.transfer_order import TransferOrder
from domain.streams import StreamKind
from domain.warehouse import Warehouse
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.api.commands.transfers import ship_sales_order
from functions.shared.aggregates import Aggregates

PO = StreamKind.PURCHASE_ORDER


@dataclass(frozen=True)
class OrderAfter:
    version: int
    status: po.PurchaseOrderStatus


@dataclass(frozen=True)
class TransferCreated:
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    version: int


def place(aggregates: Aggregates, caller: Caller, command: PlacePurchaseOrder) -> OrderAfter:
    """`command` names a new purchase order id."""
    tenant = caller.tenant_id
    vendor = aggregates.load(tenant, StreamKind.VENDOR, command.vendor_id).state
    destination = aggregates.load(
        tenant, StreamKind.WAREHOUSE, command.destination_warehouse_id
    ).state
    decision = place_purchase_order(command, vendor, destination)
    versions = aggregates.save(event_context(caller, aggregates.clock), decision, {})
    return OrderAfter(versions[(PO.value, command.purchase_order_id)], po.PurchaseOrderStatus.OPEN)


def edit(aggregates: Aggregates, caller: Caller, command: po.EditPurchaseOrder) -> OrderAfter:
    """Decided once on the order as read: a concurrent edit makes this one a 409 (never a
    silent overwrite of what the other user just saw and changed). New lines without a unit
    cost take the vendor's, as when the order was placed."""
    order = aggregates.load(caller.tenant_id, PO, command.purchase_order_id).state
    if command.lines is not None and order is not None and order.vendor_id is not None:
        vendor = aggregates.load(caller.tenant_id, StreamKind.VENDOR, order.vendor_id).state
        if vendor is not None:
            lines = with_vendor_costs(command.lines, vendor)
            command = command.model_copy(update={"lines": lines})
    return _decide_order(aggregates, caller, command.purchase_order_id, command)


def receive(
    aggregates: Aggregates, caller: Caller, purchase_order_id: str, units: dict[str, int]
) -> OrderAfter:
    """Units counted in; on the inbound half of a transfer, as the transfer's receipt (units
    over its plan left the source too)."""
    order = aggregates.load(caller.tenant_id, PO, purchase_order_id).state
    if order is not None and order.transfer_order_id is not None:
        receive_transfer(aggregates, caller, order.transfer_order_id, units)
        after = aggregates.load(caller.tenant_id, PO, purchase_order_id)
        assert after.state is not None
        return OrderAfter(after.version, after.state.status)
    command = po.ReceiveUnits(
        purchase_order_id=purchase_order_id, units=units, received_at=aggregates.clock.now()
    )
    return act_on_order(aggregates, caller, purchase_order_id, command)


def act_on_order(
    aggregates: Aggregates, caller: Caller, purchase_order_id: str, command: Command
) -> OrderAfter:
    """Receive, close or cancel: decided again on the order as it is after a concurrent write
    (a receipt counts whatever else was received meanwhile)."""
    return with_retries(lambda: _decide_order(aggregates, caller, purchase_order_id, command))


def _decide_order(
    aggregates: Aggregates, caller: Caller, purchase_order_id: str, command: Command
) -> OrderAfter:
    loaded = aggregates.load(caller.tenant_id, PO, purchase_order_id)
    if loaded.state is None:
        raise NotFound(f"purchase order {purchase_order_id} not found")
    events = po.decide(command, loaded.state)
    status = po.fold_onto(loaded.state, events).status
    if not events:
        return OrderAfter(loaded.version, status)
    key = (PO.value, purchase_order_id)
    context = event_context(caller, aggregates.clock)
    return OrderAfter(aggregates.save(context, {key: events}, {key: loaded.version})[key], status)


def create_transfer(
    aggregates: Aggregates, caller: Caller, command: CreateTransferOrder
) -> TransferCreated:
    tenant = caller.tenant_id
    source = aggregates.load(tenant, StreamKind.WAREHOUSE, command.source_warehouse_id).state
    destination = aggregates.load(
        tenant, StreamKind.WAREHOUSE, command.destination_warehouse_id
    ).state
    decision = create_transfer_order(command, source, destination)
    versions = aggregates.save(event_context(caller, aggregates.clock), decision, {})
    return TransferCreated(
        transfer_order_id=command.transfer_order_id,
        sales_order_id=command.sales_order_id,
        purchase_order_id=command.purchase_order_id,
        version=versions[(StreamKind.TRANSFER_ORDER.value, command.transfer_order_id)],
    )


def ship_transfer(aggregates: Aggregates, caller: Caller, transfer_order_id: str) -> int:
    """The goods left the source; returns the sales order's version."""
    transfer = transfer_of(aggregates, caller, transfer_order_id)
    return ship_sales_order(aggregates, caller, transfer.sales_order_id).version


def transfer_of(aggregates: Aggregates, caller: Caller, transfer_order_id: str) -> TransferOrder:
    transfer = aggregates.load(caller.tenant_id, StreamKind.TRANSFER_ORDER, transfer_order_id)
    if transfer.state is None:
        raise NotFound(f"transfer order {transfer_order_id} not found")
    return transfer.state


def receive_transfer(
    aggregates: Aggregates, caller: Caller, transfer_order_id: str, units: dict[str, int]
) -> int:
    """Units counted in at the destination; those beyond the plan left the source too (its
    sales order says so), so no unit appears from nowhere. Returns the purchase order's version."""
    tenant = caller.tenant_id
    transfer = transfer_of(aggregates, caller, transfer_order_id)

    def attempt() -> int:
        sales = aggregates.load(tenant, StreamKind.SALES_ORDER, transfer.sales_order_id)
        purchase = aggregates.load(tenant, PO, transfer.purchase_order_id)
        if sales.state is None or purchase.state is None:
            raise NotFound(f"transfer order {transfer_order_id} not found")
        now = aggregates.clock.now()
        receipt = po.ReceiveUnits(
            purchase_order_id=transfer.purchase_order_id, units=units, received_at=now
        )
        purchase_events = po.decide(receipt, purchase.state)
        after = po.fold_onto(purchase.state, purchase_events)
        over_plan = so.FollowAmazonPlan(  # the plan stays; only what left over it changes
            sales_order_id=sales.state.sales_order_id,
            shipment_id=None,
            planned={line.sku: line.quantity for line in sales.state.lines},
            received={sku: line.quantity_received for sku, line in after.lines.items()},
            observed_at=now,
        )
        decision: Decision = {(PO, transfer.purchase_order_id): purchase_events}
        if sales_events := so.decide(over_plan, sales.state):
            decision[(StreamKind.SALES_ORDER, sales.state.sales_order_id)] = sales_events
        read = {
            (PO.value, transfer.purchase_order_id): purchase.version,
            (StreamKind.SALES_ORDER.value, transfer.sales_order_id): sales.version,
        }
        versions = aggregates.save(event_context(caller, aggregates.clock), decision, read)
        return versions[(PO.value, transfer.purchase_order_id)]

    return with_retries(attempt)


@dataclass(frozen=True)
class SourceSet:
    purchase_order_id: str
    transfer_order_id: str | None = None
    error: DomainError | None = None


SET_SOURCE_WORKERS = 8  # orders set at once: a request of 500 stays well within API Gateway's 29 s


def set_sources(
    aggregates: Aggregates, caller: Caller, purchase_order_ids: list[str], source_warehouse_id: str
) -> list[SourceSet]:
    """Each order on its own (one append each, a few at once): one refused never holds the
    others back. Results in the order of the ids."""
    source = aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, source_warehouse_id).state
    commands = [
        SetSource(purchase_order_id=po_id, source_warehouse_id=source_warehouse_id)
        for po_id in purchase_order_ids
    ]
    with ThreadPoolExecutor(max_workers=SET_SOURCE_WORKERS) as pool:
        return list(pool.map(lambda c: _set_source(aggregates, caller, c, source), commands))


def _set_source(
    aggregates: Aggregates, caller: Caller, command: SetSource, source: Warehouse | None
) -> SourceSet:
    tenant, po_id = caller.tenant_id, command.purchase_order_id

    def attempt() -> SourceSet:
        order = aggregates.load(tenant, PO, po_id)
        shipment_id = order.state.shipment_id if order.state else None
        shipment = (
            aggregates.load(tenant, StreamKind.SHIPMENT, shipment_id) if shipment_id else None
        )
        decision = set_source(command, order.state, shipment.state if shipment else None, source)
        read = {(PO.value, po_id): order.version}
        if shipment is not None and shipment_id:
            read[(StreamKind.SHIPMENT.value, shipment_id)] = shipment.version
        aggregates.save(event_context(caller, aggregates.clock), decision, read)
        return SourceSet(po_id, set_source_ids(po_id).transfer_order_id)

    try:
        return with_retries(attempt)
    except DomainError as error:
        return SourceSet(po_id, error=error)
