"""The seller's own warehouses: creating them and setting their stock by count."""

from collections.abc import Sequence
from datetime import datetime

from domain.streams import StreamKind
from domain.warehouse import CountLine, CountStock, CreateWarehouse
from domain.warehouse import decide as decide_warehouse
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


def create_warehouse(aggregates: Aggregates, caller: Caller, name: str) -> tuple[str, int]:
    warehouse_id = f"wh-{aggregates.ids.new_id()}"
    events = decide_warehouse(CreateWarehouse(warehouse_id=warehouse_id, name=name), None)
    key = (StreamKind.WAREHOUSE.value, warehouse_id)
    versions = aggregates.save(event_context(caller, aggregates.clock), {key: events}, {})
    return warehouse_id, versions[key]


def count_stock(
    aggregates: Aggregates, caller: Caller, warehouse_id: str, lines: Sequence[CountLine]
) -> tuple[int, datetime]:
    """On hand of each counted SKU becomes the count; returns the new version and the time."""
    key = (StreamKind.WAREHOUSE.value, warehouse_id)

    def attempt() -> tuple[int, datetime]:
        loaded = aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, warehouse_id)
        counted_at = aggregates.clock.now()
        command = CountStock(warehouse_id=warehouse_id, lines=tuple(lines), counted_at=counted_at)
        events = decide_warehouse(command, loaded.state)
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key], counted_at

    return with_retries(attempt)
