"""Which ended shipments each run re-reads for late units: a change of the connection's watch
window applies at once, longer or shorter, and shipments cancelled once reconciled or once
their goods had left are watched like closed ones (Amazon still receives what was sent)."""

import pytest

from domain.inbound_shipment.events import InboundShipmentReceiptsChanged
from functions.connection_state.sync_jobs import SyncReason
from tests.sync.harness import US, SyncWorld

pytestmark = pytest.mark.slow

DAY = 24 * 3600
OVERLAP = 660  # more than the listing's overlap


def receipts(world: SyncWorld, shipment_id: str) -> list[list[tuple[str, int, int]]]:
    return [
        [(r.sku, r.quantity_received, r.delta) for r in e.event.receipts]
        for e in world.stream(shipment_id)
        if isinstance(e.event, InboundShipmentReceiptsChanged)
    ]


def items_read(world: SyncWorld) -> int:
    """getShipmentItemsByShipmentId calls of the last run."""
    return world.status().last_run.counters.calls.get("getShipmentItemsByShipmentId", 0)


def past_the_overlap(world: SyncWorld) -> None:
    """A run whose listing no longer reaches the last changes: from then on, only the watch
    index brings their shipments back."""
    world.advance(OVERLAP)
    world.sync()


def days_pass(world: SyncWorld, days: float) -> None:
    """Time passes at Amazon and for us; DynamoDB deletes what its TTL says is expired."""
    world.advance(days * DAY)
    world.expire_state_items()


def closed_short(world: SyncWorld) -> str:
    """A shipment of 10 closed with 6 received, recorded by a sync (day 0), and watched."""
    sid = world.control.create_shipment(world.seller_id, US, {"A": 10}, status="SHIPPED")
    world.control.receive(sid, {"A": 6})
    world.control.close(sid)
    world.sync()
    assert receipts(world, sid) == [[("A", 6, 6)]]
    past_the_overlap(world)
    assert items_read(world) == 1
    return sid


def test_raising_the_window_watches_a_shipment_again_past_the_old_window(
    world: SyncWorld,
) -> None:
    # Given a shipment closed 4 short under the default 60-day window
    sid = closed_short(world)

    # When day 70 comes and Amazon finds a unit
    days_pass(world, 70)
    world.control.receive(sid, {"A": 1})
    world.sync()

    # Then it is past the window: not read
    assert items_read(world) == 0
    assert receipts(world, sid) == [[("A", 6, 6)]]

    # When the user raises the window to 120 days
    world.set_watch_window(120)
    world.sync()

    # Then it is read at once and the late unit recorded
    assert items_read(world) == 1
    assert receipts(world, sid)[-1] == [("A", 7, 1)]

    # And it stays watched until day 120, not after
    days_pass(world, 49)  # day 119
    world.control.receive(sid, {"A": 1})
    world.sync()
    assert receipts(world, sid)[-1] == [("A", 8, 1)]
    days_pass(world, 2)  # day 121
    world.control.receive(sid, {"A": 1})
    world.sync()
    assert items_read(world) == 0
    assert receipts(world, sid)[-1] == [("A", 8, 1)]


def test_lowering_the_window_stops_the_reading_at_once_and_raising_it_again_brings_it_back(
    world: SyncWorld,
) -> None:
    # Given a shipment closed short under the default 60-day window, read at each run
    sid = closed_short(world)

    # When at day 40 the user lowers the window to 30 days and Amazon finds a unit
    days_pass(world, 40)
    world.set_watch_window(30)
    world.control.receive(sid, {"A": 1})
    world.sync()

    # Then neither the scheduled run nor a notification about its SKU reads it
    assert items_read(world) == 0
    world.sync(world.job(SyncReason.NOTIFICATION, shipment_ids=(sid,)))
    assert items_read(world) == 0
    assert receipts(world, sid) == [[("A", 6, 6)]]

    # When the user raises the window again, to 60 days
    world.set_watch_window(60)
    world.sync()

    # Then it is read again and the unit found meanwhile recorded
    assert items_read(world) == 1
    assert receipts(world, sid)[-1] == [("A", 7, 1)]


def test_a_cancelled_shipment_is_watched_once_reconciled_or_once_its_goods_left(
    world: SyncWorld,
) -> None:
    # Given three shipments: one reconciled before it shipped, one shipped and never
    # reconciled, one neither
    reconciled = world.control.create_shipment(world.seller_id, US, {"A": 10}, status="WORKING")
    shipped = world.control.create_shipment(world.seller_id, US, {"B": 6}, status="SHIPPED")
    never_left = world.control.create_shipment(world.seller_id, US, {"C": 4}, status="WORKING")
    world.sync()
    world.reconcile(reconciled)

    # When Amazon cancels each of them
    world.control.set_status(reconciled, "CANCELLED")
    world.control.cancel(shipped)
    world.control.cancel(never_left)  # DELETED: it had not been sent
    world.sync()
    past_the_overlap(world)

    # And then receives units into each, their statuses unchanged
    world.control.receive(reconciled, {"A": 10})
    world.control.receive(shipped, {"B": 5})
    world.control.receive(never_left, {"C": 4})
    world.sync()

    # Then the reconciled one and the shipped one are read and their receipts recorded
    assert items_read(world) == 2
    assert receipts(world, reconciled) == [[("A", 10, 10)]]
    assert receipts(world, shipped) == [[("B", 5, 5)]]
    for sid in (reconciled, shipped):
        assert world.stream(sid)[-1].type == "InboundShipmentReceiptsChanged"
    assert [world.control.shipment(sid)["status"] for sid in (reconciled, shipped)] == [
        "CANCELLED",
        "CANCELLED",
    ]
    # And the one whose goods never left, never reconciled, is not
    assert receipts(world, never_left) == []

    # When the 60-day window after the cancellation has passed
    days_pass(world, 61)
    world.control.receive(shipped, {"B": 1})
    world.sync()

    # Then they are no longer read
    assert items_read(world) == 0
    assert receipts(world, shipped) == [[("B", 5, 5)]]
