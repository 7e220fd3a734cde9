"""What the stock must be, computed straight from the log with the domain's own functions,
independently of the projector: order contributions summed, and on hand at own warehouses
folded in time order (a count replaces, everything else adds)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domain.event_store import RecordedEvent
from domain.inventory import AmazonInventoryReported
from domain.orders import purchase_order, sales_order
from domain.orders.sales_order import SalesOrderShipped
from domain.stock import ZERO, StockFigures
from domain.stock.contributions import purchase_order_contribution, sales_order_contribution
from domain.streams import StreamKind
from domain.warehouse import StockAdjusted, StockCounted
from functions.shared.views.keys import sortable_time

Key = tuple[str, str]


def _fold_streams(log: Sequence[RecordedEvent], kind: StreamKind, evolve: Any) -> list[Any]:
    states: dict[str, Any] = {}
    for recorded in log:
        if recorded.stream_id.kind is kind:
            key = str(recorded.stream_id)
            states[key] = evolve(states.get(key), recorded.event)
    return [state for state in states.values() if state is not None]


def expected_stock(log: Sequence[RecordedEvent]) -> dict[Key, StockFigures]:
    totals: dict[Key, StockFigures] = defaultdict(lambda: ZERO)
    for order in _fold_streams(log, StreamKind.PURCHASE_ORDER, purchase_order.evolve):
        for key, figures in purchase_order_contribution(order).items():
            totals[key] += figures
    for order in _fold_streams(log, StreamKind.SALES_ORDER, sales_order.evolve):
        for key, figures in sales_order_contribution(order).items():
            totals[key] += figures.model_copy(update={"on_hand": 0})
    for key, on_hand in _own_on_hand(log).items():
        totals[key] = totals[key].model_copy(update={"on_hand": on_hand})
    return dict(totals)


def _own_on_hand(log: Sequence[RecordedEvent]) -> dict[Key, int]:
    moves: list[tuple[str, str, Key, int | None, int]] = []  # time, event id, key, count, delta
    sales_orders: dict[str, sales_order.SalesOrder | None] = {}
    for recorded in log:
        event = recorded.event
        if isinstance(event, StockCounted):
            at = sortable_time(event.counted_at)
            for counted in event.lines:
                key = (event.warehouse_id, counted.sku)
                moves.append((at, recorded.event_id, key, counted.quantity, 0))
        elif isinstance(event, StockAdjusted):
            at = sortable_time(recorded.occurred_at)
            for line in event.lines:
                moves.append(
                    (at, recorded.event_id, (event.warehouse_id, line.sku), None, line.delta)
                )
        elif recorded.stream_id.kind is StreamKind.SALES_ORDER:
            # Units leave the source as of the shipping (or of Amazon's observation behind an
            # amendment): the change of the order's on-hand contribution, dated so.
            stream = str(recorded.stream_id)
            before = sales_orders.get(stream)
            after = sales_order.evolve(before, event)
            sales_orders[stream] = after
            at = sortable_time(
                event.shipped_at if isinstance(event, SalesOrderShipped) else recorded.occurred_at
            )
            was = sales_order_contribution(before) if before else {}
            now = sales_order_contribution(after) if after else {}
            for key in {*was, *now}:
                delta = now.get(key, ZERO).on_hand - was.get(key, ZERO).on_hand
                if delta:
                    moves.append((at, recorded.event_id, key, None, delta))
    on_hand: dict[Key, int] = defaultdict(int)
    for _, _, key, count, delta in sorted(moves, key=lambda m: (m[0], m[1])):
        on_hand[key] = count if count is not None else on_hand[key] + delta
    return dict(on_hand)


def expected_amazon(log: Sequence[RecordedEvent]) -> dict[Key, int]:
    """The fulfillable figure of the latest report per warehouse x SKU."""
    latest: dict[Key, tuple[str, str, int]] = {}
    for recorded in log:
        event = recorded.event
        if isinstance(event, AmazonInventoryReported):
            key = (event.warehouse_id, event.sku)
            rank = (sortable_time(event.reported_at), recorded.event_id, event.figures.fulfillable)
            latest[key] = max(latest.get(key, rank), rank)
    return {key: rank[2] for key, rank in latest.items()}
