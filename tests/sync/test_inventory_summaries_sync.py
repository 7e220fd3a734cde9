"""Amazon's own FBA figures, read by the sync runs: getInventorySummaries of every SKU, page by
page, per marketplace, recorded as `AmazonInventoryReported` (source "summaries") on each FBA
warehouse's inventory stream; only what changed since is recorded again."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.event_store import EventContext
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported
from domain.warehouse import fba_warehouse_id
from functions.shared.adapters.system import RandomIds
from functions.shared.inventory_stream import InventoryRecorder, inventory_stream
from tests.sync.conftest import PAGE_SIZE
from tests.sync.harness import CA, FAST_TUNING, US, SyncWorld

pytestmark = pytest.mark.slow

EVERY_RUN = FAST_TUNING.model_copy(update={"inventory_summaries_minutes": 0})


def reported(world: SyncWorld, marketplace_id: str) -> list[AmazonInventoryReported]:
    stream = inventory_stream(
        world.tenant_id, fba_warehouse_id(world.connection_id, marketplace_id)
    )
    return [
        recorded.event
        for recorded in world.store.read(stream)
        if isinstance(recorded.event, AmazonInventoryReported)
    ]


def test_every_sku_of_each_marketplace_is_recorded_with_amazons_figures(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(marketplace_ids=[US, CA], tuning=EVERY_RUN)
    skus = {f"U{n:02d}": 10 + n for n in range(2 * PAGE_SIZE + 5)}  # three pages
    in_us = world.control.create_shipment(world.seller_id, US, skus, status="SHIPPED")
    world.control.receive(in_us, {"U01": 4})
    in_ca = world.control.create_shipment(world.seller_id, CA, {"C": 7}, status="WORKING")
    world.control.reset_calls()

    world.sync()

    us = {event.sku: event for event in reported(world, US)}
    assert set(us) == set(skus)
    assert {event.source for event in us.values()} == {"summaries"}
    # The shipment is receiving: what is not received yet of each SKU is inbound receiving.
    assert us["U01"].figures == AmazonInventoryFigures(fulfillable=4, inbound_receiving=7)
    assert all(
        us[sku].figures == AmazonInventoryFigures(inbound_receiving=units)
        for sku, units in skus.items()
        if sku != "U01"
    )
    assert us["U02"].fnsku == world.control.shipment(in_us)["items"][2]["fnsku"]
    [ca] = reported(world, CA)
    assert (ca.sku, ca.figures) == ("C", AmazonInventoryFigures(inbound_working=7))
    assert ca.warehouse_id == fba_warehouse_id(world.connection_id, CA)
    assert in_ca
    assert world.control.calls()["getInventorySummaries"]["served"] >= 3 + 1
    assert world.status().last_run.counters.inventory_reported == len(skus) + 1


def test_only_skus_whose_figures_changed_are_recorded_again(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=EVERY_RUN)
    world.control.create_shipment(world.seller_id, US, {"A": 5, "C": 7}, status="SHIPPED")
    shipment = world.control.create_shipment(world.seller_id, US, {"B": 6}, status="SHIPPED")
    world.sync()
    world.sync()
    assert len(reported(world, US)) == 3
    assert world.status().last_run.counters.inventory_reported == 0

    world.control.receive(shipment, {"B": 2})
    world.sync()

    events = reported(world, US)
    assert len(events) == 4
    assert (events[-1].sku, events[-1].figures.fulfillable) == ("B", 2)


def test_a_sku_someone_else_reported_since_is_recorded_again(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=EVERY_RUN)
    world.control.create_shipment(world.seller_id, US, {"A": 5, "B": 6}, status="SHIPPED")
    world.sync()
    # A notification's figures (older, or reordered) land on the stream after ours.
    warehouse_id = fba_warehouse_id(world.connection_id, US)
    notified = AmazonInventoryReported(
        warehouse_id=warehouse_id,
        sku="A",
        fnsku="X00A",
        figures=AmazonInventoryFigures(fulfillable=1),
        reported_at=world.clock.now(),
        source="notification:n-1",
    )
    context = EventContext(
        tenant_id=world.tenant_id,
        actor="system:notifications",
        correlation_id="n-1",
        occurred_at=world.clock.now(),
    )
    recorder = InventoryRecorder(world.store, world.state, RandomIds(), world.clock)
    assert recorder.record(context, notified, None, lambda version: None)

    world.sync()

    events = reported(world, US)
    assert [(e.sku, e.source) for e in events[2:]] == [
        ("A", "notification:n-1"),
        ("A", "summaries"),
    ]
    assert events[-1].figures == AmazonInventoryFigures(inbound_shipped=5)


def test_summaries_are_read_at_most_every_so_many_minutes(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=FAST_TUNING.model_copy(update={"inventory_summaries_minutes": 60}))
    world.control.create_shipment(world.seller_id, US, {"A": 5}, status="SHIPPED")
    world.sync()
    world.control.reset_calls()

    world.sync()
    assert "getInventorySummaries" not in world.control.calls()

    world.advance(timedelta(minutes=61).total_seconds())
    world.sync()
    assert world.control.calls()["getInventorySummaries"]["served"] == 1


def test_an_unchanged_sku_is_recorded_again_once_its_last_record_is_old(
    new_world: Callable[..., SyncWorld],
) -> None:
    # Amazon confirming a figure is what lets a difference with our ledger persist (drift).
    confirm = EVERY_RUN.model_copy(update={"inventory_confirm_minutes": 120})
    world = new_world(tuning=confirm)
    world.control.create_shipment(world.seller_id, US, {"A": 5}, status="SHIPPED")
    world.sync()
    world.advance(timedelta(minutes=60).total_seconds())
    world.sync()
    assert len(reported(world, US)) == 1

    world.advance(timedelta(minutes=61).total_seconds())
    world.sync()

    events = reported(world, US)
    assert len(events) == 2
    assert events[0].figures == events[1].figures
    assert events[1].reported_at > events[0].reported_at
