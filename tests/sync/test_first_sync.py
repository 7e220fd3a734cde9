"""A connection's first sync discovers every shipment with its lines; a re-run appends nothing."""

import pytest

from functions.sync.status import RunOutcome
from tests.sync.conftest import PAGE_SIZE
from tests.sync.harness import US, SyncWorld

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
    assert [(line["sku"], line["quantity_shipped"]) for line in lines] == [
        (item["sku"], item["quantity_shipped"]) for item in sample["items"]
    ]
    assert all(len(events) == 2 for events in streams.values())
    calls = world.control.calls()
    # 30 full pages, then the empty page Amazon's last token leads to; one items call each.
    assert calls["getShipments"]["served"] == 300 // PAGE_SIZE + 1
    assert calls["getShipmentItemsByShipmentId"]["served"] == 300
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    assert (report.counters.shipments_seen, report.counters.events_appended) == (300, 600)
    assert report.counters.calls == {"getShipments": 31, "getShipmentItemsByShipmentId": 300}
