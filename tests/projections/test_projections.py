"""The pure projections: given a stream's doc and its next event, then these view changes."""

from datetime import timedelta

import pytest

from domain.event_store import RecordedEvent
from domain.stock import StockFigures
from domain.streams import StreamKind
from functions.shared.projections.changes import ViewChanges
from functions.shared.projections.step import initial_doc, step
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from tests.projections.world import CA, T0, US, World
from tests.support.in_memory import InMemoryEventStore


def project_stream(events: list[RecordedEvent]) -> list[ViewChanges]:
    doc: StreamDoc = initial_doc(events[0].stream_id)
    changes = []
    for event in events:
        changes.append(step(doc, event))
        doc = changes[-1].after
    return changes


def stream_of(world: World, kind: StreamKind, entity_id: str | None = None) -> list[RecordedEvent]:
    return [
        e
        for e in world.log
        if e.stream_id.kind is kind and entity_id in (None, e.stream_id.entity_id)
    ]


def a_world() -> World:
    world = World(InMemoryEventStore(), react_inline=False)
    world.connect((US, CA))
    return world


def test_a_discovered_shipment_is_listed_unreconciled_on_every_list_path() -> None:
    # Given a shipment just discovered in the CA marketplace
    world = a_world()
    shipment_id = world.discover({"A": 3}, CA)
    # When its discovery is projected
    changes = project_stream(stream_of(world, StreamKind.SHIPMENT))[0]
    # Then two list rows carry it under all, status, reconciled, connection and marketplace
    tenant, sk = world.tenant_id, keys.newest_first(T0, shipment_id)
    paths = {(row.pk, row.sk, row.gsi1pk, row.gsi2pk) for row in changes.puts}
    assert paths == {
        (
            keys.shipments(tenant),
            sk,
            keys.shipments_by(tenant, "STATUS", "WORKING"),
            keys.shipments_by(tenant, "RECONCILED", "no"),
        ),
        (
            keys.shipments_by(tenant, "CONNECTION", world.connection_id),
            sk,
            keys.shipments_by(tenant, "MARKETPLACE", CA),
            None,
        ),
    }
    assert changes.version == 1 and changes.doc.rev == 1 and not changes.facts


def test_a_status_change_moves_the_shipment_to_the_new_status_path_in_place() -> None:
    # Given a discovered shipment
    world = a_world()
    shipment_id = world.discover({"A": 3})
    # When Amazon shows it shipped
    world.amazon_status(shipment_id, "SHIPPED")
    changes = project_stream(stream_of(world, StreamKind.SHIPMENT))[-1]
    # Then the same rows are rewritten with the new status key, and none is deleted
    assert changes.deletes == ()
    assert {row.gsi1pk for row in changes.puts} == {
        keys.shipments_by(world.tenant_id, "STATUS", "SHIPPED"),
        keys.shipments_by(world.tenant_id, "MARKETPLACE", US),
    }


def test_a_sales_order_commits_at_the_source_then_ships_out_of_on_hand_when_it_left() -> None:
    # Given a reconciled shipment marked shipped 30 minutes later
    world = a_world()
    main = world.own_warehouse()
    shipment_id = world.discover({"A": 3})
    world.reconcile(shipment_id, main)
    world.clock.advance(30)
    world.mark_shipped(shipment_id)
    # When the sales order's events are projected
    created, shipped = project_stream(stream_of(world, StreamKind.SALES_ORDER))
    # Then creating commits 3 at the source, shipping releases them from on hand, when shipped
    [commit] = created.facts
    assert (commit.warehouse_id, commit.sku, commit.delta) == (main, "A", StockFigures(committed=3))
    [leave] = shipped.facts
    assert leave.delta == StockFigures(on_hand=-3, committed=-3)
    assert leave.at == world.clock.now() and leave.event_type == "SalesOrderShipped"
    assert leave.order_id == world.reconciled[shipment_id].sales_order_id


def test_a_purchase_order_closing_short_books_the_discrepancy_at_the_fba_warehouse() -> None:
    # Given a shipped transfer of 10 of which Amazon received 7 before closing
    world = World(InMemoryEventStore())
    world.connect((US,))
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, world.own_warehouse())
    world.mark_shipped(shipment_id)
    world.amazon_receives(shipment_id, "A", 7)
    world.amazon_status(shipment_id, "CLOSED")
    # When the purchase order's close is projected
    events = stream_of(world, StreamKind.PURCHASE_ORDER)
    closing = [i for i, e in enumerate(events) if e.type == "PurchaseOrderClosed"]
    closed = project_stream(events)[closing[0]]
    # Then the 3 still receiving become a discrepancy, with the shipment as cause
    [fact] = closed.facts
    assert fact.delta == StockFigures(receiving=-3, discrepancy=3)
    assert fact.shipment_id == shipment_id and fact.actor == "system:reactor"


def test_a_count_is_a_fact_carrying_the_count_at_the_time_it_was_counted() -> None:
    world = a_world()
    main = world.own_warehouse()
    world.clock.advance(120)
    world.count(main, {"A": 12, "B": 0}, minutes_ago=90)
    counted = project_stream(stream_of(world, StreamKind.WAREHOUSE, main))[-1]
    counted_at = T0 + timedelta(minutes=30)
    assert {(f.sku, f.count, f.at) for f in counted.facts} == {
        ("A", 12, counted_at),
        ("B", 0, counted_at),
    }


def test_an_event_out_of_turn_or_of_another_stream_is_refused() -> None:
    world = a_world()
    world.discover({"A": 1})
    world.discover({"B": 1})
    first, second = (stream_of(world, StreamKind.SHIPMENT)[i] for i in (0, 2))
    doc = project_stream([first])[0].after
    with pytest.raises(ValueError, match="cannot apply 1 on 1"):
        step(doc, first)
    with pytest.raises(ValueError, match="cannot apply to"):
        step(doc, second)
