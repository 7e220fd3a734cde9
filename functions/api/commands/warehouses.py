"""Warehouses: creating the seller's own, manual and combined ones, renaming and enabling or
disabling them, a combined one's members, and setting stock by count or adjustment."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import reduce

from domain.combined_warehouse import decide_members, reach
from domain.errors import NotFound
from domain.messages import Command, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import (
    AdjustmentLine,
    AdjustStock,
    CountLine,
    CountStock,
    CreateWarehouse,
    Member,
    RenameWarehouse,
    SetWarehouseAddress,
    SetWarehouseEnabled,
    SetWarehouseMembers,
    Warehouse,
    WarehouseAddress,
    WarehouseKind,
)
from domain.warehouse import decide as decide_warehouse
from domain.warehouse import evolve as evolve_warehouse
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


def create_warehouse(
    aggregates: Aggregates,
    caller: Caller,
    name: str,
    kind: WarehouseKind = WarehouseKind.OWN,
    members: Sequence[Member] = (),
) -> tuple[str, int]:
    """An own or manual warehouse, or a combined one of `members` (the caller's warehouses,
    checked through every warehouse they reach)."""
    warehouse_id = f"wh-{aggregates.ids.new_id()}"
    command = CreateWarehouse(
        warehouse_id=warehouse_id, name=name, kind=kind, members=tuple(members)
    )
    if kind is WarehouseKind.COMBINED:
        events = decide_members(command, None, _reach(aggregates, caller, members))
    else:
        events = decide_warehouse(command, None)
    key = (StreamKind.WAREHOUSE.value, warehouse_id)
    versions = aggregates.save(event_context(caller, aggregates.clock), {key: events}, {})
    return warehouse_id, versions[key]


def _reach(
    aggregates: Aggregates, caller: Caller, members: Iterable[Member]
) -> dict[str, Warehouse]:
    """The caller's warehouses reachable from `members` (another tenant's are not found)."""

    def load(ids: list[str]) -> dict[str, Warehouse]:
        states = (aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, i).state for i in ids)
        return {state.warehouse_id: state for state in states if state is not None}

    return reach((member.warehouse_id for member in members), load)


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


def adjust_stock(
    aggregates: Aggregates, caller: Caller, warehouse_id: str, lines: Sequence[AdjustmentLine]
) -> int:
    """On hand of each SKU moves by its line's delta; returns the new version."""
    key = (StreamKind.WAREHOUSE.value, warehouse_id)
    command = AdjustStock(warehouse_id=warehouse_id, lines=tuple(lines))

    def attempt() -> int:
        loaded = aggregates.load(caller.tenant_id, StreamKind.WAREHOUSE, warehouse_id)
        events = decide_warehouse(command, loaded.state)
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)


def change_warehouse(
    aggregates: Aggregates,
    caller: Caller,
    warehouse_id: str,
    name: str | None = None,
    enabled: bool | None = None,
    address: WarehouseAddress | None = None,
    members: Sequence[Member] | None = None,
) -> tuple[Warehouse, int]:
    """Rename, enable or disable, set the address or (a combined warehouse's) the members, all
    or nothing (FBA and FBM warehouses are renamed only: they follow their connection).
    Returns the warehouse as it now is, and its version."""
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
        if members is not None:
            change = SetWarehouseMembers(warehouse_id=warehouse_id, members=tuple(members))
            decided = decide_members(change, state, _reach(aggregates, caller, members))
            state = reduce(evolve_warehouse, decided, state)
            events.extend(decided)
        if state is None:
            raise NotFound(f"warehouse {warehouse_id} not found")
        if not events:
            return state, loaded.version
        context = event_context(caller, aggregates.clock)
        return state, aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)
