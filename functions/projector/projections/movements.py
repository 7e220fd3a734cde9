"""Ledger facts: the movements one event makes, with their cause."""

from datetime import datetime

from domain.event_store import RecordedEvent
from domain.orders.purchase_order import PurchaseOrderShipped
from domain.orders.sales_order import SalesOrderShipped
from domain.stock import ZERO, Contribution, StockFigures
from domain.warehouse import StockCounted
from functions.shared.views.stock import LedgerFact


def moved_at(recorded: RecordedEvent) -> datetime:
    """When the units moved: the business time an event names, else when it occurred."""
    event = recorded.event
    if isinstance(event, StockCounted):
        return event.counted_at
    if isinstance(event, SalesOrderShipped):
        return event.shipped_at
    if isinstance(event, PurchaseOrderShipped) and event.shipped_at is not None:
        return event.shipped_at  # with its sales order: units leave and go in transit at once
    return recorded.occurred_at


def fact(
    recorded: RecordedEvent,
    warehouse_id: str,
    sku: str,
    *,
    delta: StockFigures = ZERO,
    count: int | None = None,
    shipment_id: str | None = None,
    order_id: str | None = None,
    transfer_order_id: str | None = None,
) -> LedgerFact:
    return LedgerFact(
        tenant_id=recorded.stream_id.tenant_id,
        warehouse_id=warehouse_id,
        sku=sku,
        at=moved_at(recorded),
        event_id=recorded.event_id,
        event_type=recorded.type,
        stream_id=str(recorded.stream_id),
        version=recorded.version,
        actor=recorded.actor,
        shipment_id=shipment_id,
        order_id=order_id,
        transfer_order_id=transfer_order_id,
        delta=delta,
        count=count,
    )


def difference(after: StockFigures, before: StockFigures) -> StockFigures:
    return StockFigures(
        **{name: getattr(after, name) - getattr(before, name) for name in type(after).model_fields}
    )


def contribution_changes(
    before: Contribution, after: Contribution
) -> list[tuple[str, str, StockFigures]]:
    """(warehouse, sku, delta) for every warehouse x SKU whose contribution changed."""
    changes = []
    for warehouse_id, sku in sorted({*before, *after}):
        delta = difference(
            after.get((warehouse_id, sku), ZERO), before.get((warehouse_id, sku), ZERO)
        )
        if not delta.is_zero():
            changes.append((warehouse_id, sku, delta))
    return changes


def order_movements(
    recorded: RecordedEvent,
    before: Contribution,
    after: Contribution,
    *,
    order_id: str,
    transfer_order_id: str,
    shipment_id: str | None = None,
) -> list[LedgerFact]:
    """The ledger facts of an order whose stock contribution went from `before` to `after`."""
    return [
        fact(
            recorded,
            warehouse_id,
            sku,
            delta=delta,
            shipment_id=shipment_id,
            order_id=order_id,
            transfer_order_id=transfer_order_id,
        )
        for warehouse_id, sku, delta in contribution_changes(before, after)
    ]
