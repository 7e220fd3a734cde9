"""Warehouses: creating the seller's own, renaming and enabling or disabling them, and setting
their stock by count."""

from collections.abc import Sequence
from datetime import datetime
from functools import reduce

from domain.errors import NotFound
from domain.messages import Command, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import (
    CountLine,
    CountStock,
    CreateWarehouse,
    RenameWarehouse,
    SetWarehouseAddress,
    SetWarehouseEnabled,
    Warehouse,
    WarehouseAddress,
)
from domain.warehouse import decide as decide_warehouse
from domain.warehouse import evolve as evolve_warehouse
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


def change_warehouse(
    aggregates: Aggregates,
    caller: Caller,
    warehouse_id: str,
    name: str | None = None,
    enabled: bool | None = None,
    address: WarehouseAddress | None = None,
) -> tuple[Warehouse, int]:
    """Rename and/or enable or disable, all or nothing (FBA and FBM warehouses are renamed only:
    they follow their connection). Returns the warehouse as it now is, and its version."""
    key = (StreamKind.WAREHOUSE.value, warehouse_id)
    commands: list[Command] = []
    if name is not None:
        commands.append(RenameWarehouse(warehouse_id=warehouse_id, name=name))
    if enabled is not None:
        commands.append(SetWarehouseEnabled(warehouse_id=warehouse_id, enabled=enabled))
    if address is not None:
        commands.append(SetWarehouseAddress(warehouse_id=warehouse_id, address=address))

    def attempt() -> tuple[Warehouse, int]:
        loaded = aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, warehouse_id)
        state, events = loaded.state, list[DomainEvent]()
        for command in commands:
            decided = decide_warehouse(command, state)
            state = reduce(evolve_warehouse, decided, state)
            events.extend(decided)
        if state is None:
            raise NotFound(f"warehouse {warehouse_id} not found")
        if not events:
            return state, loaded.version
        context = event_context(caller, aggregates.clock)
        return state, aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)
