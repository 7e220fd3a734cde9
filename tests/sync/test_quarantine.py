"""A malformed record from Amazon is quarantined and reported; the rest of the sync goes on."""

import json
from typing import Any

import pytest

from domain.inbound_shipment.events import InboundShipmentReceiptsChanged
from tests.sync.harness import US, SyncWorld
from tests.sync.proxy import FaultyProxy

pytestmark = pytest.mark.slow


def test_malformed_records_are_quarantined_reported_and_the_rest_synced(
    proxied_world: SyncWorld, proxy: FaultyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    world = proxied_world
    ids = [
        world.control.create_shipment(world.seller_id, US, {"A": 3, "B": 4}, status="SHIPPED")
        for _ in range(4)
    ]
    hidden, bad_items = ids[0], ids[1]

    def drop_first_shipment_id(body: dict[str, Any]) -> dict[str, Any]:
        for shipment in body["payload"]["ShipmentData"]:
            if shipment.get("ShipmentId") == hidden:
                del shipment["ShipmentId"]
        return body

    def spoil_a_quantity(body: dict[str, Any]) -> dict[str, Any]:
        for item in body["payload"]["ItemData"]:
            if item["ShipmentId"] == bad_items and item["SellerSKU"] == "B":
                item["QuantityShipped"] = "four"
        return body

    proxy.rewrite("getShipments", drop_first_shipment_id)
    proxy.rewrite("getShipmentItemsByShipmentId", spoil_a_quantity)

    world.sync()

    counters = world.status().last_run.counters
    assert counters.quarantined_count == 2
    problems = {(q.operation, q.reference): q.problem for q in counters.quarantined}
    assert set(problems) == {
        ("getShipments", "record #0"),
        ("getShipmentItemsByShipmentId", f"{bad_items}/B"),
    }
    assert problems[("getShipments", "record #0")] == "ShipmentId: Field required"
    assert "QuantityShipped" in problems[("getShipmentItemsByShipmentId", f"{bad_items}/B")]
    assert "four" not in " ".join(problems.values())  # reasons, never Amazon's values
    # The shipment with an unreadable line is known, without lines (none would read as removed).
    streams = world.streams()
    assert [e.type for e in streams[bad_items]] == ["InboundShipmentDiscovered"]
    assert hidden not in streams
    assert all(len(streams[sid]) == 2 for sid in ids[2:])
    metrics = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert sum(sum(m.get("QuarantinedRecords", [0])) for m in metrics) == 2

    proxy.rewrite("getShipments", None)
    proxy.rewrite("getShipmentItemsByShipmentId", None)
    world.sync()

    streams = world.streams()
    assert [e.type for e in streams[bad_items]][-1] == "InboundShipmentLinesAdded"
    assert [e.type for e in streams[hidden]] == [
        "InboundShipmentDiscovered",
        "InboundShipmentLinesAdded",
    ]
    assert world.status().last_run.counters.quarantined_count == 0


@pytest.mark.parametrize("count", ["QuantityReceived", "QuantityShipped"])
def test_a_negative_count_from_amazon_is_quarantined_and_changes_nothing(
    proxied_world: SyncWorld, proxy: FaultyProxy, count: str
) -> None:
    # Given a shipment known with its lines and 3 units of A received
    world = proxied_world
    sid = world.control.create_shipment(world.seller_id, US, {"A": 10, "B": 5}, status="SHIPPED")
    world.control.receive(sid, {"A": 3})
    world.sync()
    known = [e.event_id for e in world.stream(sid)]

    # When Amazon receives 2 of B but reports A's count as -2
    world.control.receive(sid, {"B": 2})

    def negative(body: dict[str, Any]) -> dict[str, Any]:
        for item in body["payload"]["ItemData"]:
            if item["SellerSKU"] == "A":
                item[count] = -2
        return body

    proxy.rewrite("getShipmentItemsByShipmentId", negative)
    world.sync()

    # Then the record is quarantined and reported in the sync status, in words, without the value
    status = world.status()
    assert status.last_run.counters.quarantined_count == 1
    assert [q.model_dump() for q in status.last_run.counters.quarantined] == [
        {
            "marketplace_id": US,
            "operation": "getShipmentItemsByShipmentId",
            "reference": f"{sid}/A",
            "problem": f"{count}: must not be negative",
        }
    ]
    assert status.last_completed_run == status.last_run
    # And the shipment's stream is unchanged: its lines stay as they were, B's 2 units wait
    assert [e.event_id for e in world.stream(sid)] == known

    # When Amazon's counts are whole again
    proxy.rewrite("getShipmentItemsByShipmentId", None)
    world.sync()

    # Then B's units are recorded, and nothing is quarantined
    last = world.stream(sid)[-1].event
    assert isinstance(last, InboundShipmentReceiptsChanged)
    assert [(r.sku, r.quantity_received, r.delta) for r in last.receipts] == [("B", 2, 2)]
    assert world.status().last_run.counters.quarantined_count == 0
