"""Stock orders a user places: a purchase order to a vendor, a transfer between warehouses.

Each is checked against the aggregates it names (the vendor, the source and destination
warehouses) and returns the events of every stream it creates, appended all or nothing.
An order into an FBA warehouse is open and unbound until Amazon has a shipment for it: only
Amazon receives it.
"""

from datetime import date

from domain.errors import InvalidCommand, NotFound
from domain.messages import Command, Decision
from domain.orders.lines import OrderLine
from domain.orders.purchase_order import (
    OrderedLines,
    PurchaseLine,
    PurchaseOrderCreated,
    Reference,
    SourceType,
)
from domain.orders.transfer_order import transfer_streams
from domain.streams import StreamKind
from domain.vendor import Vendor
from domain.warehouse import Warehouse, WarehouseKind, require_order_end


class PlacePurchaseOrder(Command):
    purchase_order_id: str
    vendor_id: str
    destination_warehouse_id: str
    lines: OrderedLines  # a line without a unit cost takes the vendor's, when it has one
    reference: Reference | None = None
    expected_date: date | None = None


class CreateTransferOrder(Command):
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    lines: OrderedLines


def place_purchase_order(
    command: PlacePurchaseOrder, vendor: Vendor | None, destination: Warehouse | None
) -> Decision:
    if vendor is None:
        raise NotFound(f"vendor {command.vendor_id} not found", field="vendor_id")
    destination = _destination(command.destination_warehouse_id, destination)
    lines = with_vendor_costs(command.lines, vendor)
    created = PurchaseOrderCreated(
        purchase_order_id=command.purchase_order_id,
        warehouse_id=destination.warehouse_id,
        lines=lines,
        source_type=SourceType.VENDOR,
        vendor_id=vendor.vendor_id,
        reference=command.reference,
        expected_date=command.expected_date,
        received_by_amazon=destination.kind is WarehouseKind.FBA,
    )
    return {(StreamKind.PURCHASE_ORDER, command.purchase_order_id): [created]}


def with_vendor_costs(lines: tuple[PurchaseLine, ...], vendor: Vendor) -> tuple[PurchaseLine, ...]:
    """Each line without a unit cost takes the vendor's for its SKU, when it has one."""
    costs = {product.sku: product.unit_cost for product in vendor.products}
    return tuple(
        line
        if line.unit_cost is not None or line.sku not in costs
        else line.model_copy(update={"unit_cost": costs[line.sku]})
        for line in lines
    )


def create_transfer_order(
    command: CreateTransferOrder, source: Warehouse | None, destination: Warehouse | None
) -> Decision:
    """A sales order out of the source and a purchase order into the destination."""
    if command.source_warehouse_id == command.destination_warehouse_id:
        raise InvalidCommand(
            "the source and the destination are the same warehouse: pick another destination",
            field="destination_warehouse_id",
        )
    if source is None:
        raise NotFound(
            f"source warehouse {command.source_warehouse_id} not found",
            field="source_warehouse_id",
        )
    if source.kind is WarehouseKind.FBA:
        raise InvalidCommand(
            f"warehouse {source.warehouse_id} is Amazon's: a transfer starts at one of your own "
            "warehouses",
            field="source_warehouse_id",
        )
    require_order_end(source, "source_warehouse_id")
    if not source.enabled:
        raise InvalidCommand(
            f"source warehouse {source.warehouse_id} is disabled: enable it first",
            field="source_warehouse_id",
        )
    destination = _destination(command.destination_warehouse_id, destination)
    lines = tuple(OrderLine(sku=line.sku, quantity=line.quantity) for line in command.lines)
    ids = command
    return {
        **transfer_streams(
            ids.transfer_order_id,
            ids.sales_order_id,
            ids.purchase_order_id,
            source.warehouse_id,
            destination.warehouse_id,
            lines,
        ),
        (StreamKind.PURCHASE_ORDER, ids.purchase_order_id): [
            PurchaseOrderCreated(
                purchase_order_id=ids.purchase_order_id,
                transfer_order_id=ids.transfer_order_id,
                warehouse_id=destination.warehouse_id,
                lines=tuple(PurchaseLine(sku=line.sku, quantity=line.quantity) for line in lines),
                source_type=SourceType.WAREHOUSE,
                received_by_amazon=destination.kind is WarehouseKind.FBA,
            )
        ],
    }


def _destination(warehouse_id: str, destination: Warehouse | None) -> Warehouse:
    if destination is None:
        raise NotFound(
            f"destination warehouse {warehouse_id} not found", field="destination_warehouse_id"
        )
    require_order_end(destination, "destination_warehouse_id")
    if not destination.enabled:
        raise InvalidCommand(
            f"destination warehouse {warehouse_id} is disabled: enable it first",
            field="destination_warehouse_id",
        )
    return destination
