"""A connection's first sync discovers every shipment with its lines; a re-run appends nothing."""

from collections.abc import Callable

import pytest

from functions.connection_state.keys import CURSOR_SK, sync_pk
from functions.connection_state.status import RunOutcome
from functions.sync.engine.checkpoint import SyncCursor
from tests.sync.conftest import PAGE_SIZE
from tests.sync.harness import CA, US, SyncWorld

pytestmark = pytest.mark.slow


def test_first_sync_discovers_300_shipments_with_every_line(world: SyncWorld) -> None:
    shipment_ids = world.control.bulk_create_shipments(world.seller_id, US, 300, 3)

    world.sync()

    streams = world.streams()
    assert set(streams) == set(shipment_ids)
    sample = world.control.shipment(shipment_ids[123])
    events = streams[shipment_ids[123]]
    assert [e.type for e in events] == ["InboundShipmentDiscovered", "InboundShipmentLinesAdded"]
    lines = events[1].event.model_dump()["lines"]
    assert [(line["sku"], line["fnsku"], line["quantity_shipped"]) for line in lines] == [
        (item["sku"], item["fnsku"], item["quantity_shipped"]) for item in sample["items"]
    ]
    assert {(e.actor, e.correlation_id) for es in streams.values() for e in es} == {
        ("system:sync", world.status().last_run.run_id)
    }
    assert all(len(events) == 2 for events in streams.values())
    calls = world.control.calls()
    # Listing: 30 full pages, then the empty page Amazon's last token leads to. Items, by date:
    # one call finds nothing updated before the window, then 90 full pages and an empty one.
    # None per shipment (ceil(items / page) + ceil(shipments / page) + 0 watched, plus those 3).
    assert calls["getShipments"]["served"] == 300 // PAGE_SIZE + 1
    assert calls["getShipmentItems"]["served"] == 1 + 300 * 3 // PAGE_SIZE + 1
    assert "getShipmentItemsByShipmentId" not in calls
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    assert (report.counters.shipments_seen, report.counters.events_appended) == (300, 600)
    assert report.counters.calls == {"getShipments": 31, "getShipmentItems": 92}


def test_each_marketplace_of_the_connection_is_listed_and_has_its_own_cursor(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(marketplace_ids=[US, CA])
    in_us = world.control.create_shipment(world.seller_id, US, {"A": 1}, status="SHIPPED")
    in_ca = world.control.create_shipment(world.seller_id, CA, {"B": 2}, status="SHIPPED")

    world.sync()

    discovered = {sid: events[0].event.model_dump() for sid, events in world.streams().items()}
    assert {sid: d["marketplace_id"] for sid, d in discovered.items()} == {in_us: US, in_ca: CA}
    cursor = world.state.get(sync_pk(world.tenant_id, world.connection_id), CURSOR_SK, SyncCursor)
    assert cursor is not None and set(cursor.doc.listed_through) == {US, CA}
