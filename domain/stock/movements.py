"""Ledger facts: the movements one event makes, with their cause."""

from typing import TYPE_CHECKING

from domain.event_store import RecordedEvent
from domain.stock.figures import ZERO, Contribution, StockFigures, moved_at
from domain.stock.ledger import LedgerFact

if TYPE_CHECKING:  # imported where assembly orders are projected, not with every ledger fact
    from domain.orders.assembly_order import AssemblyOrder

ASSEMBLY = "assembly"  # a ledger reason: assemblies made, onto on hand
ASSEMBLY_CONSUMED = "assembly_consumed"  # a ledger reason: components taken to make them


def assembly_reason(order: "AssemblyOrder", sku: str) -> str:
    """The ledger reason of an assembly order's movement of `sku`."""
    return ASSEMBLY if sku == order.sku else ASSEMBLY_CONSUMED


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
    reason: str | None = None,
) -> LedgerFact:
    return LedgerFact(
        tenant_id=recorded.stream_id.tenant_id,
        warehouse_id=warehouse_id,
        sku=sku,
        at=moved_at(recorded.event, recorded.occurred_at),
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
        reason=reason,
    )


def difference(after: StockFigures, before: StockFigures) -> StockFigures:
    old = before.__dict__  # the figures by name (plain ints: faster than getattr)
    return StockFigures(**{name: value - old[name] for name, value in after.__dict__.items()})


def contribution_changes(
    before: Contribution, after: Contribution
) -> list[tuple[str, str, StockFigures]]:
    """(warehouse, sku, delta) for every warehouse x SKU whose contribution changed."""
    changes = []
    for warehouse_id, sku in sorted({*before, *after}):
        old, new = before.get((warehouse_id, sku), ZERO), after.get((warehouse_id, sku), ZERO)
        if old.__dict__ != new.__dict__:  # some figure differs (pydantic's == is slower)
            changes.append((warehouse_id, sku, difference(new, old)))
    return changes


def order_movements(
    recorded: RecordedEvent,
    before: Contribution,
    after: Contribution,
    *,
    order_id: str,
    transfer_order_id: str | None,
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


def assembly_movements(
    recorded: RecordedEvent, order: "AssemblyOrder", before: Contribution, after: Contribution
) -> list[LedgerFact]:
    """The ledger facts of an assembly order whose contribution went from `before` to `after`,
    each with its reason: `assembly` (the assembly's own SKU) or `assembly_consumed`."""
    return [
        fact(
            recorded,
            warehouse_id,
            sku,
            delta=delta,
            order_id=order.assembly_order_id,
            reason=assembly_reason(order, sku),
        )
        for warehouse_id, sku, delta in contribution_changes(before, after)
    ]
