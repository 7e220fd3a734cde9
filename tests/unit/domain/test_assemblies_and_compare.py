"""Bills of materials (no cycles, exploded needs) and compare-warehouses transfers (never
taking a source below its own need), given/when/then."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidCommand
from domain.replenishment.assembly import Component, check_components, explode
from domain.replenishment.compare import Transfer, WarehouseNeed, transfers

BOMS = {
    "gift-box": [Component("mug", 2), Component("tea", 3)],
    "tea": [Component("leaf-pack", 1)],
}


def bom(product_id: str) -> list[Component]:
    return BOMS.get(product_id, [])


def test_needs_for_assemblies_explode_into_every_level_of_components() -> None:
    assert explode({"gift-box": 10, "mug": 5}, bom) == {"mug": 20, "tea": 30, "leaf-pack": 30}


def test_a_bill_that_contains_itself_at_any_depth_is_refused() -> None:
    with pytest.raises(InvalidCommand) as direct:
        check_components("tea", [Component("tea", 1)], bom)
    with pytest.raises(InvalidCommand) as nested:
        check_components("leaf-pack", [Component("gift-box", 1)], bom)

    assert direct.value.field == nested.value.field == "components"
    assert "leaf-pack -> gift-box -> tea -> leaf-pack" in str(nested.value)
    check_components("mug", [Component("leaf-pack", 2)], bom)  # no cycle: accepted


def test_a_malformed_bill_is_refused() -> None:
    with pytest.raises(InvalidCommand):
        check_components("box", [Component("mug", 0)], bom)
    with pytest.raises(InvalidCommand):
        check_components("box", [Component("mug", 1), Component("mug", 2)], bom)


def test_surplus_moves_to_the_largest_shortfall_and_no_source_goes_below_its_need() -> None:
    # Given a warehouse holding 100 needing 40, and two needing more than they have
    warehouses = [
        WarehouseNeed("wh-main", available=100, incoming=0, need=40),
        WarehouseNeed("fba-us", available=5, incoming=10, need=50),
        WarehouseNeed("fba-ca", available=0, incoming=0, need=20),
    ]

    # Then 35 go to the US and the remaining 25 spare to Canada (20 needed)
    assert transfers(warehouses) == [
        Transfer("wh-main", "fba-us", 35),
        Transfer("wh-main", "fba-ca", 20),
    ]


def test_incoming_stock_cannot_be_transferred() -> None:
    only_incoming = WarehouseNeed("wh-main", available=10, incoming=500, need=0)
    assert only_incoming.spare == 10


@given(
    st.lists(
        st.tuples(st.integers(0, 200), st.integers(0, 200), st.integers(0, 300)),
        min_size=1,
        max_size=6,
    )
)
def test_transfers_never_overdraw_a_source_nor_overfill_a_destination(
    figures: list[tuple[int, int, int]],
) -> None:
    warehouses = [
        WarehouseNeed(f"wh-{n}", available=a, incoming=i, need=d)
        for n, (a, i, d) in enumerate(figures)
    ]
    by_id = {w.warehouse_id: w for w in warehouses}

    moves = transfers(warehouses)

    for w in warehouses:
        given_away = sum(m.units for m in moves if m.source_warehouse_id == w.warehouse_id)
        received = sum(m.units for m in moves if m.destination_warehouse_id == w.warehouse_id)
        assert given_away <= w.spare
        assert received <= w.short
        assert not (given_away and received)
        if given_away:  # the source still covers its own need
            assert w.available - given_away + w.incoming >= w.need
    assert all(m.units > 0 and m.source_warehouse_id in by_id for m in moves)
    total_spare = sum(w.spare for w in warehouses)
    total_short = sum(w.short for w in warehouses)
    assert sum(m.units for m in moves) == min(total_spare, total_short)
