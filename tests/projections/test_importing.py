"""The reactor imports what the sync discovers by the connection's rule: exactly once, by the
rule in force at discovery, and a user's reconcile racing it either wins or is refused."""

import pytest

from domain import connection
from domain.connection import ChangeConnectionSettings, OrderRule, OrderType
from domain.errors import InvalidTransition
from domain.orders.purchase_order import PurchaseOrder, SourceType
from domain.orders.sales_order import SalesOrder
from domain.streams import StreamKind
from functions.reactor.reactor import ACTOR
from tests.projections.world import CA, US, World
from tests.support.in_memory import InMemoryEventStore


def a_world(rule: OrderRule, **overrides: OrderRule) -> tuple[World, str]:
    world = World(InMemoryEventStore(), react_inline=False)
    world.connect((US, CA))
    main = world.own_warehouse()
    if rule.default_source_warehouse_id == "MAIN":
        rule = rule.model_copy(update={"default_source_warehouse_id": main})
    set_rule(world, rule, **overrides)
    return world, main


def set_rule(world: World, rule: OrderRule, **overrides: OrderRule) -> None:
    state = world.aggregates.load(world.tenant_id, StreamKind.CONNECTION, world.connection_id)
    command = ChangeConnectionSettings(
        connection_id=world.connection_id, order_rule=rule, marketplace_overrides=overrides
    )
    key = (StreamKind.CONNECTION, world.connection_id)
    world.save({key: connection.decide(command, state.state)})


def react_to_all(world: World, since: int = 0) -> None:
    position = since
    while position < len(world.log):
        world.reactor.react(world.log[position])
        position += 1


def purchase_order(world: World, shipment_id: str) -> PurchaseOrder | None:
    loaded = world.aggregates.load(world.tenant_id, StreamKind.PURCHASE_ORDER, f"po-{shipment_id}")
    return loaded.state


def imported(world: World) -> list[str]:
    return [
        e.stream_id.entity_id
        for e in world.log
        if e.type == "PurchaseOrderCreated" and e.actor == ACTOR
    ]


def test_under_purchase_order_every_discovered_shipment_is_one_unknown_source_order() -> None:
    world, _ = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    shipments = [world.discover({"A": 10, "B": n + 1}) for n in range(5)]

    react_to_all(world)
    first = imported(world)
    react_to_all(world)  # every event delivered again, and the reactions too
    for shipment_id in shipments:
        world.sync(shipment_id)  # re-syncs
    react_to_all(world)

    assert sorted(first) == sorted(f"po-{s}" for s in shipments)
    assert imported(world) == first
    order = purchase_order(world, shipments[0])
    assert order is not None
    assert (order.source_type, order.locked, order.received_by_amazon) == (
        SourceType.UNKNOWN,
        True,
        True,
    )
    assert {sku: line.quantity_ordered for sku, line in order.lines.items()} == {"A": 10, "B": 1}


def test_under_transfer_order_a_shipment_is_reconciled_from_the_default_source() -> None:
    world, main = a_world(
        OrderRule(default_order_type=OrderType.TRANSFER_ORDER, default_source_warehouse_id="MAIN")
    )
    shipment_id = world.discover({"A": 4})

    react_to_all(world)

    sales = world.aggregates.load(world.tenant_id, StreamKind.SALES_ORDER, f"so-{shipment_id}")
    assert isinstance(sales.state, SalesOrder)
    assert (sales.state.warehouse_id, sales.state.lines[0].quantity) == (main, 4)
    order = purchase_order(world, shipment_id)
    assert order is not None and order.transfer_order_id == f"to-{shipment_id}"


def test_a_marketplace_override_wins_and_none_leaves_the_shipment_for_the_user() -> None:
    world, _ = a_world(
        OrderRule(default_order_type=OrderType.PURCHASE_ORDER),
        **{CA: OrderRule(default_order_type=OrderType.NONE)},
    )
    in_us = world.discover({"A": 1}, US)
    in_ca = world.discover({"A": 1}, CA)

    react_to_all(world)

    assert purchase_order(world, in_us) is not None
    assert purchase_order(world, in_ca) is None


def test_a_rule_changed_after_discovery_applies_only_to_shipments_discovered_later() -> None:
    world, _ = a_world(OrderRule())
    before = world.discover({"A": 1})
    react_to_all(world)
    world.clock.advance(1)
    set_rule(world, OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    start = len(world.log)
    world.amazon_receives(before, "A", 1)  # a later event of the earlier shipment
    after = world.discover({"A": 2})

    react_to_all(world, start)

    assert purchase_order(world, before) is None
    assert purchase_order(world, after) is not None


def test_a_user_reconcile_after_the_import_is_refused() -> None:
    world, main = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    shipment_id = world.discover({"A": 3})
    react_to_all(world)

    with pytest.raises(InvalidTransition, match="already reconciled"):
        world.reconcile(shipment_id, main)


def test_a_user_reconcile_before_the_import_wins_and_the_import_does_nothing() -> None:
    world, main = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    shipment_id = world.discover({"A": 3})
    world.reconcile(shipment_id, main)  # before the reactor saw the discovery

    react_to_all(world)

    assert purchase_order(world, shipment_id) is None
    assert imported(world) == []
