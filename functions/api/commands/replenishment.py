"""Stock orders from planning: draft purchase orders from the recommendations (one per vendor)
and transfer orders from a compare-warehouses report. Every order is decided before any is
appended, so a refusal appends nothing."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.errors import DomainError
from domain.messages import Decision
from domain.orders.placing import (
    CreateTransferOrder,
    PlacePurchaseOrder,
    create_transfer_order,
    place_purchase_order,
)
from domain.orders.purchase_order import PurchaseLine
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context
from functions.shared.aggregates import Aggregates

REFERENCE = "Replenishment"  # the purchase orders' reference


@dataclass(frozen=True)
class Placed:
    command: PlacePurchaseOrder
    version: int


@dataclass(frozen=True)
class Transfer:
    source_warehouse_id: str
    destination_warehouse_id: str
    quantity: int


@dataclass(frozen=True)
class Created:
    command: CreateTransferOrder
    version: int


def place_per_vendor(
    aggregates: Aggregates,
    caller: Caller,
    warehouse_id: str,
    lines: Mapping[str, Sequence[PurchaseLine]],
) -> list[Placed]:
    """One open purchase order per vendor (by vendor id) into the warehouse, at the vendor's
    unit costs; a refusal naming the destination names `warehouse_id`. Each order is its own
    append (at most one per vendor: a transaction of every order would be bounded by
    DynamoDB's 100 items)."""
    tenant = caller.tenant_id
    destination = aggregates.load(tenant, StreamKind.WAREHOUSE, warehouse_id).state
    decided: list[tuple[PlacePurchaseOrder, Decision]] = []
    for vendor_id in sorted(lines):
        vendor = aggregates.load(tenant, StreamKind.VENDOR, vendor_id).state
        command = PlacePurchaseOrder(
            purchase_order_id=f"po-{aggregates.ids.new_id()}",
            vendor_id=vendor_id,
            destination_warehouse_id=warehouse_id,
            lines=tuple(sorted(lines[vendor_id], key=lambda line: line.sku)),
            reference=REFERENCE,
        )
        try:
            decided.append((command, place_purchase_order(command, vendor, destination)))
        except DomainError as refused:
            if refused.field == "destination_warehouse_id":
                refused.field = "warehouse_id"
            raise
    context = event_context(caller, aggregates.clock)
    placed = []
    for command, decision in decided:
        versions = aggregates.save(context, decision, {})
        key = (StreamKind.PURCHASE_ORDER.value, command.purchase_order_id)
        placed.append(Placed(command, versions[key]))
    return placed


def create_transfers(
    aggregates: Aggregates, caller: Caller, sku: str, transfers: Sequence[Transfer]
) -> list[Created]:
    """A transfer order of `sku` per transfer, all in one append; a refusal names
    `transfers.<i>.<field>`."""
    tenant = caller.tenant_id
    decision: Decision = {}
    commands = []
    for index, transfer in enumerate(transfers):
        new_id = aggregates.ids.new_id
        command = CreateTransferOrder(
            transfer_order_id=f"to-{new_id()}",
            sales_order_id=f"so-{new_id()}",
            purchase_order_id=f"po-{new_id()}",
            source_warehouse_id=transfer.source_warehouse_id,
            destination_warehouse_id=transfer.destination_warehouse_id,
            lines=(PurchaseLine(sku=sku, quantity=transfer.quantity),),
        )
        source = aggregates.load(tenant, StreamKind.WAREHOUSE, command.source_warehouse_id)
        destination = aggregates.load(
            tenant, StreamKind.WAREHOUSE, command.destination_warehouse_id
        )
        try:
            decision.update(create_transfer_order(command, source.state, destination.state))
        except DomainError as refused:
            refused.field = f"transfers.{index}.{refused.field}" if refused.field else None
            raise
        commands.append(command)
    versions = aggregates.save(event_context(caller, aggregates.clock), decision, {})
    key = StreamKind.TRANSFER_ORDER.value
    return [Created(c, versions[(key, c.transfer_order_id)]) for c in commands]
