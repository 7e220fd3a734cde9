"""Manual warehouses take counts and adjustments and no orders; combined warehouses sum their
members, which stay acyclic and bounded."""

from collections.abc import Mapping, Sequence

import pytest

from domain import warehouse
from domain.combined_warehouse import (
    MAX_DEPTH,
    MAX_REACHABLE,
    decide_members,
    reach,
    sales_members,
    stock_members,
)
from domain.errors import InvalidCommand
from domain.orders.placing import (
    CreateTransferOrder,
    PlacePurchaseOrder,
    create_transfer_order,
    place_purchase_order,
)
from domain.orders.purchase_order import PurchaseLine
from domain.vendor import Vendor
from domain.warehouse import (
    AdjustmentLine,
    AdjustStock,
    CountLine,
    CountStock,
    CreateWarehouse,
    Member,
    SetWarehouseMembers,
    StockAdjusted,
    Warehouse,
    WarehouseKind,
    WarehouseMembersChanged,
)
from tests.unit.domain.builders import at, fold


def a_warehouse(warehouse_id: str, kind: WarehouseKind = WarehouseKind.OWN) -> Warehouse:
    command = CreateWarehouse(warehouse_id=warehouse_id, name=warehouse_id, kind=kind)
    return fold(warehouse.evolve, warehouse.decide(command, None))


def combined(
    warehouse_id: str, members: Sequence[Member], known: Mapping[str, Warehouse]
) -> Warehouse:
    command = CreateWarehouse(
        warehouse_id=warehouse_id,
        name=warehouse_id,
        kind=WarehouseKind.COMBINED,
        members=tuple(members),
    )
    events = decide_members(command, None, reached(known, [m.warehouse_id for m in members]))
    return fold(warehouse.evolve, events)


def reached(known: Mapping[str, Warehouse], ids: Sequence[str]) -> dict[str, Warehouse]:
    return reach(ids, lambda wanted: {w: known[w] for w in wanted if w in known})


def member(warehouse_id: str, stock: bool = True, sales: bool = True) -> Member:
    return Member(warehouse_id=warehouse_id, include_stock=stock, include_sales=sales)


# -- manual warehouses -------------------------------------------------------------------------


def test_a_manual_warehouse_takes_counts_and_adjustments_each_line_with_its_reason() -> None:
    manual = a_warehouse("m1", WarehouseKind.MANUAL)
    count = CountStock(
        warehouse_id="m1", lines=(CountLine(sku="A", quantity=10),), counted_at=at(0)
    )
    adjust = AdjustStock(
        warehouse_id="m1",
        lines=(
            AdjustmentLine(sku="A", delta=-12, reason="damaged"),
            AdjustmentLine(sku="B", delta=3, reason="found"),
        ),
    )

    counted = warehouse.decide(count, manual)
    [adjusted] = warehouse.decide(adjust, manual)

    assert [event.type for event in counted] == ["StockCounted"]
    assert isinstance(adjusted, StockAdjusted)
    # below zero on hand is allowed: the warehouse does not know on hand (a projection does)
    assert [(line.sku, line.delta, line.reason) for line in adjusted.lines] == [
        ("A", -12, "damaged"),
        ("B", 3, "found"),
    ]


def test_an_adjustment_line_without_a_reason_takes_the_commands() -> None:
    own = a_warehouse("w1")
    adjust = AdjustStock(
        warehouse_id="w1", lines=(AdjustmentLine(sku="A", delta=2),), reason="recount"
    )

    [adjusted] = warehouse.decide(adjust, own)

    assert isinstance(adjusted, StockAdjusted)
    assert adjusted.lines[0].reason == "recount"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (AdjustmentLine(sku="A", delta=0, reason="nothing"), "lines.1.delta"),
        (AdjustmentLine(sku="B", delta=1), "lines.1.reason"),
    ],
)
def test_an_adjustment_of_zero_or_without_a_reason_is_refused(
    line: AdjustmentLine, field: str
) -> None:
    adjust = AdjustStock(
        warehouse_id="w1", lines=(AdjustmentLine(sku="Z", delta=1, reason="ok"), line)
    )

    with pytest.raises(InvalidCommand) as refused:
        warehouse.decide(adjust, a_warehouse("w1"))

    assert refused.value.field == field


@pytest.mark.parametrize("kind", [WarehouseKind.FBA, WarehouseKind.FBM])
def test_amazons_warehouses_are_not_created_by_hand(kind: WarehouseKind) -> None:
    with pytest.raises(InvalidCommand) as refused:
        warehouse.decide(CreateWarehouse(warehouse_id="x", name="X", kind=kind), None)

    assert refused.value.field == "kind"


def test_orders_refuse_manual_and_combined_warehouses_at_either_end() -> None:
    own, manual = a_warehouse("own"), a_warehouse("manual", WarehouseKind.MANUAL)
    sum_of = combined("sum", [member("own")], {"own": own})
    lines = (PurchaseLine(sku="A", quantity=1),)
    vendor = Vendor(vendor_id="v1", name="V", lead_time_days=7, currency="USD")

    def transfer(source: Warehouse, destination: Warehouse) -> str | None:
        command = CreateTransferOrder(
            transfer_order_id="t",
            sales_order_id="s",
            purchase_order_id="p",
            source_warehouse_id=source.warehouse_id,
            destination_warehouse_id=destination.warehouse_id,
            lines=lines,
        )
        with pytest.raises(InvalidCommand) as refused:
            create_transfer_order(command, source, destination)
        return refused.value.field

    def purchase(destination: Warehouse) -> str | None:
        command = PlacePurchaseOrder(
            purchase_order_id="p",
            vendor_id="v1",
            destination_warehouse_id=destination.warehouse_id,
            lines=lines,
        )
        with pytest.raises(InvalidCommand) as refused:
            place_purchase_order(command, vendor, destination)
        return refused.value.field

    assert transfer(manual, own) == "source_warehouse_id"
    assert transfer(sum_of, own) == "source_warehouse_id"
    assert transfer(own, manual) == "destination_warehouse_id"
    assert transfer(own, sum_of) == "destination_warehouse_id"
    assert purchase(manual) == "destination_warehouse_id"
    assert purchase(sum_of) == "destination_warehouse_id"


# -- combined warehouses -----------------------------------------------------------------------


def test_a_combined_warehouse_sums_its_stock_members_through_nested_combined_ones() -> None:
    known = {w: a_warehouse(w) for w in ("a", "b", "c", "d")}
    known["inner"] = combined("inner", [member("b"), member("c", stock=False)], known)

    outer = combined("outer", [member("a"), member("inner"), member("d", sales=False)], known)
    known["outer"] = outer

    assert outer.kind is WarehouseKind.COMBINED
    assert stock_members("outer", known) == ("a", "d", "b")
    assert sales_members("outer", known) == ("a", "b", "c")
    assert stock_members("a", known) == ("a",)  # any other warehouse is its own member


def test_a_warehouse_reached_through_two_members_is_summed_once() -> None:
    known = {w: a_warehouse(w) for w in ("a", "b")}
    known["inner"] = combined("inner", [member("a")], known)

    outer = combined("outer", [member("a"), member("inner"), member("b")], known)

    assert stock_members("outer", {**known, "outer": outer}) == ("a", "b")


def test_members_that_would_make_a_cycle_are_refused_naming_the_member() -> None:
    known = {w: a_warehouse(w) for w in ("a",)}
    known["inner"] = combined("inner", [member("a")], known)
    known["outer"] = combined("outer", [member("inner")], known)
    change = SetWarehouseMembers(warehouse_id="inner", members=(member("a"), member("outer")))

    with pytest.raises(InvalidCommand, match="cannot contain itself") as refused:
        decide_members(change, known["inner"], reached(known, ["a", "outer"]))

    assert refused.value.field == "members.1"


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ((), "members"),
        ((member("a"), member("a")), "members.1"),
        ((member("a"), member("elsewhere")), "members.1"),
        ((member("self"),), "members.0"),
    ],
)
def test_empty_repeated_unknown_or_self_members_are_refused(
    members: tuple[Member, ...], field: str
) -> None:
    known = {"a": a_warehouse("a")}
    command = CreateWarehouse(
        warehouse_id="self", name="S", kind=WarehouseKind.COMBINED, members=members
    )

    with pytest.raises(InvalidCommand) as refused:
        decide_members(command, None, reached(known, [m.warehouse_id for m in members]))

    assert refused.value.field == field


def test_combined_warehouses_nest_at_most_max_depth_levels() -> None:
    known = {"leaf": a_warehouse("leaf")}
    below = "leaf"
    for level in range(MAX_DEPTH - 1):
        name = f"c{level}"
        known[name] = combined(name, [member(below)], known)
        below = name

    deepest = combined("top", [member(below)], known)  # MAX_DEPTH levels under it
    command = CreateWarehouse(
        warehouse_id="over", name="O", kind=WarehouseKind.COMBINED, members=(member("top"),)
    )
    with pytest.raises(InvalidCommand, match="too deep") as refused:
        decide_members(command, None, reached({**known, "top": deepest}, ["top"]))

    assert stock_members("top", {**known, "top": deepest}) == ("leaf",)
    assert refused.value.field == "members.0"


def test_loading_the_members_stops_past_max_reachable_warehouses() -> None:
    many = {f"w{n}": a_warehouse(f"w{n}") for n in range(MAX_REACHABLE + 1)}

    with pytest.raises(InvalidCommand) as refused:
        reached(many, list(many))

    assert refused.value.field == "members"


def test_changing_members_replaces_them_and_the_same_members_change_nothing() -> None:
    known = {w: a_warehouse(w) for w in ("a", "b")}
    state = combined("sum", [member("a")], known)
    change = SetWarehouseMembers(warehouse_id="sum", members=(member("b", sales=False),))

    events = decide_members(change, state, reached(known, ["b"]))
    changed = warehouse.evolve(state, events[0])

    assert [type(event) for event in events] == [WarehouseMembersChanged]
    assert changed is not None and changed.members == (member("b", sales=False),)
    assert decide_members(change, changed, reached(known, ["b"])) == []
    with pytest.raises(InvalidCommand) as refused:
        decide_members(change, known["a"], reached(known, ["b"]))
    assert refused.value.field == "members"


def test_a_combined_warehouse_takes_no_counts_nor_adjustments() -> None:
    sum_of = combined("sum", [member("a")], {"a": a_warehouse("a")})
    adjust = AdjustStock(warehouse_id="sum", lines=(AdjustmentLine(sku="A", delta=1, reason="r"),))

    with pytest.raises(InvalidCommand, match="its members"):
        warehouse.decide(adjust, sum_of)
