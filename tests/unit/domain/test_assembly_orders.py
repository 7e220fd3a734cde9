"""Bills of materials and assembly orders: a bill names the tenant's other products and never
closes a cycle; an order takes the bill as it stands, is on assembly until received, and each
receipt consumes its components (refused when any is short, or beyond the order)."""

from collections.abc import Sequence

import pytest

from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.orders import assembly_order as ao
from domain.orders.assembly_order import (
    AssemblyComponent,
    AssemblyOrderCancelled,
    AssemblyOrderCreated,
    AssemblyOrderReceived,
    AssemblyOrderStatus,
    CancelAssemblyOrder,
    ComponentsShort,
    CreateAssemblyOrder,
    ReceiveAssemblies,
)
from domain.products import product
from domain.products.product import (
    CreatedBy,
    Product,
    ProductComponent,
    ProductComponentsSet,
    SetComponents,
    product_id_for,
)
from domain.replenishment.assembly import Component
from domain.stock import StockFigures
from domain.stock.contributions import assembly_order_contribution
from domain.warehouse import Warehouse, WarehouseKind

KIT, BOLT, PLATE = product_id_for("KIT"), product_id_for("BOLT"), product_id_for("PLATE")


def a_product(sku: str, *components: tuple[str, int]) -> Product:
    return Product(
        product_id=product_id_for(sku),
        sku=sku,
        name=sku,
        created_by=CreatedBy.USER,
        components=tuple(ProductComponent(product_id=p, quantity=q) for p, q in components),
    )


def catalog(*products: Product) -> dict[str, Product]:
    return {p.product_id: p for p in products}


def set_components(
    state: Product | None, products: dict[str, Product], *lines: tuple[str, int]
) -> list:  # type: ignore[type-arg]
    def bom(product_id: str) -> Sequence[Component]:
        found = products.get(product_id)
        return [Component(c.product_id, c.quantity) for c in found.components] if found else []

    command = SetComponents(
        product_id=state.product_id if state else "prod-none",
        components=tuple(ProductComponent(product_id=p, quantity=q) for p, q in lines),
    )
    return product.decide_components(command, state, lambda p: p in products, bom)


def warehouse(kind: WarehouseKind = WarehouseKind.OWN, enabled: bool = True) -> Warehouse:
    return Warehouse(warehouse_id="wh-1", name="Main", kind=kind, enabled=enabled)


def an_order(quantity: int = 4) -> ao.AssemblyOrder:
    kit = a_product("KIT", (BOLT, 2), (PLATE, 1))
    events = ao.create(
        CreateAssemblyOrder(
            assembly_order_id="ao-1", warehouse_id="wh-1", product_id=KIT, quantity=quantity
        ),
        warehouse(),
        kit,
        catalog(a_product("BOLT"), a_product("PLATE")),
    )
    state = None
    for event in events:
        state = ao.evolve(state, event)
    assert state is not None
    return state


def receive(order: ao.AssemblyOrder, quantity: int, **on_hand: int) -> list:  # type: ignore[type-arg]
    return ao.decide(
        ReceiveAssemblies(assembly_order_id="ao-1", quantity=quantity, on_hand=on_hand), order
    )


# -- bills of materials ------------------------------------------------------------------------


def test_a_bill_is_set_and_replaces_the_components() -> None:
    # given a kit and its parts
    products = catalog(a_product("KIT"), a_product("BOLT"), a_product("PLATE"))

    # when its bill is set
    events = set_components(products[KIT], products, (BOLT, 2), (PLATE, 1))

    # then one event carries the whole bill, and folding it shows the components
    assert events == [
        ProductComponentsSet(
            product_id=KIT,
            components=(
                ProductComponent(product_id=BOLT, quantity=2),
                ProductComponent(product_id=PLATE, quantity=1),
            ),
        )
    ]
    after = product.evolve(products[KIT], events[0])
    assert after is not None and [c.product_id for c in after.components] == [BOLT, PLATE]
    assert set_components(after, products, (BOLT, 2), (PLATE, 1)) == []  # the same: nothing


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([(KIT, 1)], "components.0.product_id"),  # itself
        ([(BOLT, 1), (BOLT, 2)], "components.1.product_id"),  # twice
        ([(BOLT, 1), ("prod-none", 1)], "components.1.product_id"),  # unknown
        ([(BOLT, 0)], "components.0.quantity"),
        ([(PLATE, 1), (BOLT, -1)], "components.1.quantity"),
    ],
)
def test_a_bad_line_is_refused_naming_it(lines: list[tuple[str, int]], field: str) -> None:
    # given products
    products = catalog(a_product("KIT"), a_product("BOLT"), a_product("PLATE"))

    # when / then
    with pytest.raises(InvalidCommand) as refused:
        set_components(products[KIT], products, *lines)
    assert refused.value.field == field


def test_a_cycle_at_any_depth_is_refused() -> None:
    # given KIT = BOLT, BOLT = PLATE
    products = catalog(
        a_product("KIT", (BOLT, 1)), a_product("BOLT", (PLATE, 1)), a_product("PLATE")
    )

    # when PLATE would contain KIT (PLATE -> KIT -> BOLT -> PLATE)
    with pytest.raises(InvalidCommand) as refused:
        set_components(products[PLATE], products, (KIT, 1))

    # then it is refused naming the components
    assert refused.value.field == "components"
    assert "cycle" in str(refused.value)


def test_an_unknown_product_takes_no_bill() -> None:
    with pytest.raises(NotFound):
        set_components(None, catalog(a_product("BOLT")), (BOLT, 1))


# -- assembly orders ---------------------------------------------------------------------------


def test_an_order_takes_the_bill_with_the_components_skus() -> None:
    order = an_order(4)

    assert order.sku == "KIT"
    assert order.components == (
        AssemblyComponent(product_id=BOLT, sku="BOLT", quantity=2),
        AssemblyComponent(product_id=PLATE, sku="PLATE", quantity=1),
    )
    assert (order.status, order.open_units) == (AssemblyOrderStatus.OPEN, 4)


@pytest.mark.parametrize(
    ("where", "kit", "field"),
    [
        (warehouse(WarehouseKind.FBA), a_product("KIT", (BOLT, 1)), "warehouse_id"),
        (warehouse(WarehouseKind.FBM), a_product("KIT", (BOLT, 1)), "warehouse_id"),
        (warehouse(WarehouseKind.COMBINED), a_product("KIT", (BOLT, 1)), "warehouse_id"),
        (warehouse(enabled=False), a_product("KIT", (BOLT, 1)), "warehouse_id"),
        (warehouse(), a_product("KIT"), "product_id"),  # no components
    ],
)
def test_an_order_only_at_own_or_manual_warehouses_of_an_assembly(
    where: Warehouse | None, kit: Product | None, field: str
) -> None:
    command = CreateAssemblyOrder(
        assembly_order_id="ao-1", warehouse_id="wh-1", product_id=KIT, quantity=1
    )
    with pytest.raises(InvalidCommand) as refused:
        ao.create(command, where, kit, catalog(a_product("BOLT")))
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("where", "kit", "field"),
    [(None, a_product("KIT", (BOLT, 1)), "warehouse_id"), (warehouse(), None, "product_id")],
)
def test_an_unknown_warehouse_or_product_is_not_found(
    where: Warehouse | None, kit: Product | None, field: str
) -> None:
    command = CreateAssemblyOrder(
        assembly_order_id="ao-1", warehouse_id="wh-1", product_id=KIT, quantity=1
    )
    with pytest.raises(NotFound) as refused:
        ao.create(command, where, kit, catalog(a_product("BOLT")))
    assert refused.value.field == field


def test_a_manual_warehouse_takes_an_order() -> None:
    command = CreateAssemblyOrder(
        assembly_order_id="ao-1", warehouse_id="wh-1", product_id=KIT, quantity=1
    )
    (created,) = ao.create(
        command,
        warehouse(WarehouseKind.MANUAL),
        a_product("KIT", (BOLT, 1)),
        catalog(a_product("BOLT")),
    )
    assert isinstance(created, AssemblyOrderCreated)


def test_a_receipt_consumes_the_components_and_adds_the_assembly() -> None:
    # given an order of 4 kits (2 bolts, 1 plate each): the kits on assembly, their parts
    # committed
    order = an_order(4)
    assert assembly_order_contribution(order) == {
        ("wh-1", "KIT"): StockFigures(on_order=4),
        ("wh-1", "BOLT"): StockFigures(committed=8),
        ("wh-1", "PLATE"): StockFigures(committed=4),
    }

    # when 3 are received with enough on hand
    events = receive(order, 3, BOLT=6, PLATE=3)
    after = ao.fold_onto(order, events)

    # then 3 kits are on hand, 1 on assembly, 6 bolts and 3 plates consumed, the last kit's
    # parts still committed
    assert events == [AssemblyOrderReceived(assembly_order_id="ao-1", quantity=3, received=3)]
    assert after.status is AssemblyOrderStatus.PARTIALLY_RECEIVED
    assert assembly_order_contribution(after) == {
        ("wh-1", "KIT"): StockFigures(on_hand=3, on_order=1),
        ("wh-1", "BOLT"): StockFigures(on_hand=-6, committed=2),
        ("wh-1", "PLATE"): StockFigures(on_hand=-3, committed=1),
    }

    # when the last one is received, nothing is committed any more
    done = ao.fold_onto(after, receive(after, 1, BOLT=2, PLATE=1))
    assert done.status is AssemblyOrderStatus.RECEIVED
    assert assembly_order_contribution(done) == {
        ("wh-1", "KIT"): StockFigures(on_hand=4),
        ("wh-1", "BOLT"): StockFigures(on_hand=-8),
        ("wh-1", "PLATE"): StockFigures(on_hand=-4),
    }


def test_a_receipt_short_of_components_names_each_short_sku() -> None:
    order = an_order(3)

    with pytest.raises(ComponentsShort) as refused:
        receive(order, 3, BOLT=5, PLATE=1)

    assert refused.value.code == "components_short"
    assert "BOLT needs 6, on hand 5" in str(refused.value)
    assert "PLATE needs 3, on hand 1" in str(refused.value)


def test_receiving_beyond_the_order_is_refused() -> None:
    order = ao.fold_onto(an_order(2), receive(an_order(2), 2, BOLT=4, PLATE=2))

    with pytest.raises(InvalidCommand) as refused:
        receive(order, 1, BOLT=100, PLATE=100)
    assert refused.value.field == "quantity"


def test_cancelling_drops_what_is_on_assembly_and_keeps_the_receipts() -> None:
    # given an order of 3 kits, 1 received
    order = ao.fold_onto(an_order(3), receive(an_order(3), 1, BOLT=2, PLATE=1))

    # when it is cancelled
    events = ao.decide(CancelAssemblyOrder(assembly_order_id="ao-1", reason="x"), order)
    cancelled = ao.fold_onto(order, events)

    # then nothing is on assembly; the kit made and its components consumed stay
    assert events == [AssemblyOrderCancelled(assembly_order_id="ao-1", reason="x")]
    assert assembly_order_contribution(cancelled) == {
        ("wh-1", "KIT"): StockFigures(on_hand=1),
        ("wh-1", "BOLT"): StockFigures(on_hand=-2),
        ("wh-1", "PLATE"): StockFigures(on_hand=-1),
    }
    with pytest.raises(InvalidTransition):
        receive(cancelled, 1, BOLT=2, PLATE=1)
    assert ao.decide(CancelAssemblyOrder(assembly_order_id="ao-1", reason="x"), cancelled) == []


def test_a_fully_received_order_cannot_be_cancelled() -> None:
    done = ao.fold_onto(an_order(1), receive(an_order(1), 1, BOLT=2, PLATE=1))
    with pytest.raises(InvalidTransition):
        ao.decide(CancelAssemblyOrder(assembly_order_id="ao-1", reason="x"), done)
