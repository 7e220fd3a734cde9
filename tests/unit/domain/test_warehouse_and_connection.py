"""Connections bring their Amazon warehouses; own warehouses take counts and adjustments."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import connection, warehouse
from domain.connection import ChangeConnectionSettings, CreateConnection, decide_create
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.marketplaces import MARKETPLACES, Region
from domain.streams import StreamKind
from domain.warehouse import (
    AdjustmentLine,
    AdjustStock,
    CountLine,
    CountStock,
    CreateWarehouse,
    SetWarehouseEnabled,
    WarehouseCreated,
    WarehouseKind,
    fba_warehouse_id,
    fbm_warehouse_id,
)
from tests.unit.domain.builders import at, fold

EU = ("A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH")


def test_all_23_marketplaces_are_known_in_three_regions() -> None:
    assert len(MARKETPLACES) == 23
    assert {region for _, region in MARKETPLACES.values()} == set(Region)


def test_a_connection_creates_an_fba_warehouse_per_marketplace_and_one_fbm_warehouse() -> None:
    command = CreateConnection(
        connection_id="c1", seller_id="S1", region=Region.EU, marketplace_ids=EU
    )
    decision = decide_create(command, None)
    warehouses = [
        event
        for (kind, _), events in decision.items()
        if kind == StreamKind.WAREHOUSE
        for event in events
    ]
    assert all(isinstance(w, WarehouseCreated) for w in warehouses)
    created = {(w.warehouse_id, w.kind) for w in warehouses}  # type: ignore[attr-defined]
    assert created == {
        *((fba_warehouse_id("c1", m), WarehouseKind.FBA) for m in EU),
        (fbm_warehouse_id("c1"), WarehouseKind.FBM),
    }
    state = fold(connection.evolve, decision[(StreamKind.CONNECTION, "c1")])
    assert state.marketplace_ids == EU and state.watch_window_days == 60


def test_a_marketplace_of_another_region_is_refused() -> None:
    command = CreateConnection(
        connection_id="c1", seller_id="S1", region=Region.NA, marketplace_ids=("A1F83G8C2ARO7P",)
    )
    with pytest.raises(InvalidCommand, match="A1F83G8C2ARO7P"):
        decide_create(command, None)


def test_a_connection_exists_once_and_its_watch_window_can_change() -> None:
    command = CreateConnection(
        connection_id="c1", seller_id="S1", region=Region.EU, marketplace_ids=EU
    )
    state = fold(connection.evolve, decide_create(command, None)[(StreamKind.CONNECTION, "c1")])
    with pytest.raises(AlreadyExists):
        decide_create(command, state)
    events = connection.decide(
        ChangeConnectionSettings(connection_id="c1", watch_window_days=30), state
    )
    assert (
        fold(
            connection.evolve,
            [*decide_create(command, None)[(StreamKind.CONNECTION, "c1")], *events],
        ).watch_window_days
        == 30
    )
    with pytest.raises(ValidationError):
        ChangeConnectionSettings(connection_id="c1", watch_window_days=0)


def test_own_warehouse_counts_and_adjustments_are_recorded() -> None:
    created = warehouse.decide(CreateWarehouse(warehouse_id="w1", name="Main"), None)
    state = fold(warehouse.evolve, created)
    count = CountStock(
        warehouse_id="w1",
        lines=(CountLine(sku="A", quantity=40, unit_cost=Decimal("2.50")),),
        counted_at=at(0),
    )
    assert [e.type for e in warehouse.decide(count, state)] == ["StockCounted"]
    adjust = AdjustStock(
        warehouse_id="w1", lines=(AdjustmentLine(sku="A", delta=-2),), reason="damaged"
    )
    assert [e.type for e in warehouse.decide(adjust, state)] == ["StockAdjusted"]
    with pytest.raises(AlreadyExists):
        warehouse.decide(CreateWarehouse(warehouse_id="w1", name="Main"), state)


def test_stock_of_amazon_warehouses_cannot_be_counted_by_hand() -> None:
    command = CreateConnection(
        connection_id="c1", seller_id="S1", region=Region.EU, marketplace_ids=EU[:1]
    )
    fba_id = fba_warehouse_id("c1", EU[0])
    fba = fold(warehouse.evolve, decide_create(command, None)[(StreamKind.WAREHOUSE, fba_id)])
    with pytest.raises(InvalidCommand, match="FBA"):
        warehouse.decide(
            CountStock(
                warehouse_id=fba_id, lines=(CountLine(sku="A", quantity=1),), counted_at=at(0)
            ),
            fba,
        )


def test_a_count_with_a_repeated_sku_or_a_negative_quantity_is_refused() -> None:
    state = fold(
        warehouse.evolve, warehouse.decide(CreateWarehouse(warehouse_id="w1", name="Main"), None)
    )
    lines = (CountLine(sku="A", quantity=1), CountLine(sku="A", quantity=2))
    with pytest.raises(InvalidCommand, match="once"):
        warehouse.decide(CountStock(warehouse_id="w1", lines=lines, counted_at=at(0)), state)
    with pytest.raises(ValidationError):
        CountLine(sku="A", quantity=-1)


def test_disabling_a_warehouse_twice_changes_nothing_the_second_time() -> None:
    state = fold(
        warehouse.evolve, warehouse.decide(CreateWarehouse(warehouse_id="w1", name="Main"), None)
    )
    disable = SetWarehouseEnabled(warehouse_id="w1", enabled=False)
    events = warehouse.decide(disable, state)
    disabled = fold(
        warehouse.evolve,
        [*warehouse.decide(CreateWarehouse(warehouse_id="w1", name="Main"), None), *events],
    )
    assert not disabled.enabled
    assert warehouse.decide(disable, disabled) == []
    with pytest.raises(NotFound):
        warehouse.decide(disable, None)
