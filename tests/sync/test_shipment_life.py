"""What each sync records as Amazon receives, closes and cancels shipments, and what it skips."""

from typing import Any

import pytest

from domain.inbound_shipment.events import (
    InboundShipmentCancelled,
    InboundShipmentClosed,
    InboundShipmentLinesAdded,
    InboundShipmentReceiptsChanged,
)
from tests.sync.harness import US, SyncWorld

pytestmark = pytest.mark.slow


def receipts(world: SyncWorld, shipment_id: str) -> list[list[tuple[str, int, int]]]:
    return [
        [(r.sku, r.quantity_received, r.delta) for r in e.event.receipts]
        for e in world.stream(shipment_id)
        if isinstance(e.event, InboundShipmentReceiptsChanged)
    ]


def items_calls(world: SyncWorld) -> int:
    return world.control.calls().get("getShipmentItemsByShipmentId", {}).get("served", 0)


def test_a_rerun_with_nothing_new_appends_nothing(world: SyncWorld) -> None:
    open_one = world.control.create_shipment(world.seller_id, US, {"A": 4}, status="SHIPPED")
    in_full = world.control.create_shipment(world.seller_id, US, {"B": 2}, status="SHIPPED")
    world.control.receive(in_full, {"B": 2})
    world.control.close(in_full)
    gone = world.control.create_shipment(world.seller_id, US, {"C": 1}, status="SHIPPED")
    world.control.cancel(gone)
    world.advance(660)  # past the overlap: the next listing starts after these changes
    world.sync()
    appended = world.event_count()

    world.sync()

    assert world.event_count() == appended
    counters = world.status().last_run.counters
    assert counters.events_appended == 0
    # Only the open shipment is read again (quantities move without a listing showing it);
    # one closed in full and one cancelled are not.
    assert counters.shipments_seen == 1
    assert counters.calls == {"getShipments": 1, "getShipmentItemsByShipmentId": 1}
    assert items_calls(world) == 3 + 1
    assert [e.type for e in world.stream(open_one)] == [
        "InboundShipmentDiscovered",
        "InboundShipmentLinesAdded",
    ]


def test_partial_receipts_over_several_syncs_post_deltas_of_the_cumulative_count(
    world: SyncWorld,
) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"A": 10, "B": 5}, status="SHIPPED")
    world.sync()
    world.control.receive(sid, {"A": 3})
    world.sync()
    world.control.receive(sid, {"A": 4, "B": 5})
    world.sync()
    world.control.receive(sid, {"A": -2})  # Amazon corrects its count
    world.sync()

    assert receipts(world, sid) == [
        [("A", 3, 3)],
        [("A", 7, 4), ("B", 5, 5)],
        [("A", 5, -2)],
    ]
    statuses = [
        e.event.to_status for e in world.stream(sid) if e.type == "InboundShipmentStatusChanged"
    ]
    assert statuses == ["RECEIVING"]


def test_a_shipment_closed_short_records_its_discrepancy_and_late_units_are_still_seen(
    world: SyncWorld,
) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"A": 10, "B": 6}, status="SHIPPED")
    world.control.receive(sid, {"A": 8, "B": 6})
    world.control.close(sid)
    world.sync()
    closed = [e.event for e in world.stream(sid) if isinstance(e.event, InboundShipmentClosed)]
    assert [
        (d.sku, d.quantity_shipped, d.quantity_received, d.discrepancy) for d in closed[0].lines
    ] == [
        ("A", 10, 8, 2),
        ("B", 6, 6, 0),
    ]

    world.advance(660)  # past the overlap: only the watch index still brings it back
    world.sync()
    world.control.receive(sid, {"A": 1})  # found later; the shipment stays CLOSED
    world.sync()
    assert receipts(world, sid)[-1] == [("A", 9, 1)]
    assert world.status().last_run.counters.calls["getShipmentItemsByShipmentId"] == 1

    world.advance(61 * 24 * 3600)  # past the 60-day watch window: no more re-reading
    world.control.receive(sid, {"A": 1})
    world.sync()
    assert world.status().last_run.counters.calls == {"getShipments": 1}
    assert receipts(world, sid)[-1] == [("A", 9, 1)]


def test_an_unplanned_sku_becomes_a_new_line_shipped_zero(world: SyncWorld) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"A": 5}, status="SHIPPED")
    world.sync()
    world.control.receive(sid, {"A": 5, "SURPRISE": 2})
    world.sync()

    added = [e.event for e in world.stream(sid) if isinstance(e.event, InboundShipmentLinesAdded)]
    assert [(line.sku, line.quantity_shipped) for line in added[-1].lines] == [("SURPRISE", 0)]
    assert receipts(world, sid)[-1] == [("A", 5, 5), ("SURPRISE", 2, 2)]


def test_a_shipment_cancelled_before_it_left_is_recorded_once_and_no_longer_read(
    world: SyncWorld,
) -> None:
    # Never reconciled, never shipped: no unit can come (see test_watch_window for the others).
    sid = world.control.create_shipment(world.seller_id, US, {"A": 5}, status="WORKING")
    world.sync()
    world.control.cancel(sid)
    world.sync()
    cancelled: list[Any] = [
        e.event for e in world.stream(sid) if isinstance(e.event, InboundShipmentCancelled)
    ]
    assert [c.status for c in cancelled] == ["DELETED"]

    world.advance(660)
    world.sync()  # the overlap lists it once more
    world.advance(660)
    before, appended = items_calls(world), world.event_count()
    world.sync()
    assert items_calls(world) == before
    assert world.event_count() == appended
