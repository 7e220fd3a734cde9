"""A backfill (a marketplace's first listing) reads items by date, many shipments a page, and
records exactly what reading them per shipment records; shipments the feed cannot vouch for
(items last updated before the window, none in it, a malformed record without a ShipmentId) are
read per shipment; faults, crashes and continuations change nothing in what is recorded."""

from collections.abc import Callable
from typing import Any

import pytest

from functions.connection_state.keys import CHECKPOINT_SK, sync_pk
from functions.connection_state.status import RunOutcome
from functions.connection_state.sync_jobs import SyncReason
from functions.sync.engine.checkpoint import FeedStage, SyncCheckpoint
from tests.sync import scenario
from tests.sync.conftest import PAGE_SIZE
from tests.sync.harness import US, FakeLambdaContext, SyncWorld
from tests.sync.proxy import FaultyProxy

pytestmark = pytest.mark.slow

DAY = 24 * 3600
BY_DATE = "getShipmentItems"
BY_SHIPMENT = "getShipmentItemsByShipmentId"


def pages(items: int) -> int:
    """Calls to page through `items`: a full last page carries a token to an empty one."""
    return items // PAGE_SIZE + 1


def served(world: SyncWorld) -> dict[str, int]:
    return {op: counts["served"] for op, counts in world.control.calls().items() if op != "token"}


def shipments(world: SyncWorld, count: int, lines: int) -> list[str]:
    return [
        world.control.create_shipment(
            world.seller_id, US, {f"S{n}-{k}": 1 + k for k in range(lines)}, status="SHIPPED"
        )
        for n in range(count)
    ]


def event_types(world: SyncWorld, shipment_id: str) -> list[str]:
    return [e.type for e in world.stream(shipment_id)]


def skus_added(world: SyncWorld, shipment_id: str) -> list[str]:
    return [
        line["sku"]
        for e in world.stream(shipment_id)
        if e.type == "InboundShipmentLinesAdded"
        for line in e.event.model_dump(mode="json")["lines"]
    ]


def lines_of(n: int, count: int = 2) -> list[str]:
    """The SKUs `shipments` gives the n-th shipment it creates."""
    return [f"S{n}-{k}" for k in range(count)]


def test_a_first_sync_reads_items_by_date_and_records_what_per_shipment_reads_record(
    new_world: Callable[..., SyncWorld], world: SyncWorld
) -> None:
    per_shipment = scenario.reference(new_world, feed=False)
    world.configure()  # building the reference wired the worker to its world
    names = scenario.build(world)
    world.control.reset_calls()

    world.sync()

    assert scenario.by_name(world, names) == per_shipment
    # One call finds no item updated before the window; the window's items fill ten pages.
    # At most ceil(items / page) + ceil(shipments / page) + 0 watched, and that one call.
    by_date = 1 + -(-scenario.ITEMS // PAGE_SIZE)
    assert served(world) == {"getShipments": 3, BY_DATE: by_date}
    assert sum(served(world).values()) <= (
        -(-scenario.ITEMS // PAGE_SIZE) + -(-scenario.SHIPMENTS // PAGE_SIZE) + 1
    )
    report = world.status().last_run
    assert report.counters.calls == {"getShipments": 3, BY_DATE: by_date}
    assert report.counters.shipments_seen == scenario.SHIPMENTS

    # A run that sees nothing new appends nothing. Not a backfill, it reads per shipment (the
    # twelve-line shipments' second pages through getShipmentItems by NEXT_TOKEN).
    appended = world.event_count()
    world.sync()
    assert world.event_count() == appended
    counters = world.status().last_run.counters
    assert counters.events_appended == 0
    assert counters.calls == {"getShipments": 3, BY_SHIPMENT: scenario.SHIPMENTS, BY_DATE: 5}


def test_429s_and_500s_on_feed_pages_record_what_a_fault_free_run_records(
    new_world: Callable[..., SyncWorld], proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    per_shipment = scenario.reference(new_world, feed=False)
    proxied_world.configure()  # building the reference wired the worker to its world
    names = scenario.build(proxied_world)
    proxy.fail(BY_DATE, [1], 429, "empty")  # the probe
    proxy.fail(BY_DATE, [3], 500, "html")
    proxy.fail(BY_DATE, [4], 503, "empty")
    proxy.fail(BY_DATE, [6, 7], 429, "json")

    proxied_world.sync()

    assert scenario.by_name(proxied_world, names) == per_shipment
    counters = proxied_world.status().last_run.counters
    assert counters.throttled == {BY_DATE: 3}
    assert counters.retried_errors == {BY_DATE: 2}
    assert BY_SHIPMENT not in counters.calls


class SimulatedCrash(BaseException):
    """The process dies (no except clause of ours sees it), like a Lambda killed mid-run."""


def crash(seconds: float) -> None:
    raise SimulatedCrash


def test_a_crash_between_feed_pages_is_completed_by_the_redelivered_job(
    new_world: Callable[..., SyncWorld], proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    per_shipment = scenario.reference(new_world, feed=False)
    proxied_world.configure()  # building the reference wired the worker to its world
    names = scenario.build(proxied_world)
    # The fifth by-date call (the feed's fourth page) is throttled; the process dies in the pause.
    proxied_world.sleep = crash
    proxied_world.configure()
    proxy.fail(BY_DATE, [5], 429, "json")
    with pytest.raises(SimulatedCrash):
        proxied_world.sync()
    assert proxied_world.event_count() == 0  # nothing is recorded before the feed is read

    proxied_world.sleep = None
    proxied_world.configure()
    proxied_world.drain()  # SQS delivers the job again: a run from scratch

    assert scenario.by_name(proxied_world, names) == per_shipment


def saved_plan(world: SyncWorld) -> SyncCheckpoint:
    saved = world.state.get(
        sync_pk(world.tenant_id, world.connection_id), CHECKPOINT_SK, SyncCheckpoint
    )
    assert saved is not None
    return saved.doc


def test_running_out_of_time_mid_feed_resumes_from_the_saved_page(world: SyncWorld) -> None:
    ids = shipments(world, 12, 5)  # 60 items: six pages and the empty one after them
    world.control.reset_calls()

    # Listing (2 calls), probe (1), two feed pages: then no time is left
    world.deliver_job(world.job(), FakeLambdaContext(checks_until_timeout=5))

    assert world.status().last_run.outcome is RunOutcome.CONTINUING
    feed = saved_plan(world).marketplaces[0].feed
    assert feed is not None
    assert (feed.stage, feed.pages, feed.token is not None) == (FeedStage.ITEMS, 2, True)
    world.drain()

    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    assert all(event_types(world, sid)[1:] == ["InboundShipmentLinesAdded"] for sid in ids)
    assert all(len(skus_added(world, sid)) == 5 for sid in ids)
    # No page read twice; the continuation asked the listed headers again, by id (two pages).
    assert served(world) == {"getShipments": 2 + 2, BY_DATE: 1 + pages(60)}


def test_a_crash_in_a_continuation_resumes_the_feed_and_ignores_rows_the_crash_left(
    proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    world = proxied_world
    ids = shipments(world, 12, 5)  # two shipments a page: the sixth is on the third page
    world.deliver_job(world.job(), FakeLambdaContext(checks_until_timeout=5))
    assert saved_plan(world).marketplaces[0].feed.pages == 2  # type: ignore[union-attr]
    continuation = world.receive()

    # The continuation spools pages 3 and 4, is throttled on the fifth and dies in the pause
    world.sleep = crash
    world.configure()
    proxy.fail(BY_DATE, [3], 429, "json")
    with pytest.raises(SimulatedCrash):
        world.deliver(continuation, FakeLambdaContext())
    # Meanwhile the seller replaces the sixth shipment's plan: page 3, read again, lacks it
    sixth = ids[5]
    world.control.set_items(sixth, {"NEW": 7})
    world.control.reset_calls()

    world.sleep = None
    world.configure()
    world.drain()  # the continuation again: from its checkpoint, the third page

    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    # The rows the crash left for the sixth shipment do not count: it is read per shipment
    assert skus_added(world, sixth) == ["NEW"]
    assert event_types(world, sixth) == ["InboundShipmentDiscovered", "InboundShipmentLinesAdded"]
    others = [sid for sid in ids if sid != sixth]
    assert all(len(world.stream(sid)) == 2 and len(skus_added(world, sid)) == 5 for sid in others)
    assert served(world)[BY_SHIPMENT] == 1
    assert served(world)[BY_DATE] == pages(60) - 2  # pages 3 to 6, and the empty one


def test_a_shipment_with_items_updated_before_the_window_is_read_per_shipment(
    world: SyncWorld,
) -> None:
    # Given two shipments two days old, and a window of one day
    world.configure(lookback_days=1)
    [older, untouched] = shipments(world, 2, 2)
    world.advance(2 * DAY)
    # When Amazon receives one line of the first (listed: it is now RECEIVING), and ten new
    # shipments are created
    world.control.receive(older, {"S0-0": 1})
    new = shipments(world, 10, 2)
    world.control.reset_calls()

    world.sync()

    # Then the probe finds its other line before the window: it is read per shipment, whole
    assert skus_added(world, older) == ["S0-0", "S0-1"]
    assert event_types(world, older) == [
        "InboundShipmentDiscovered",
        "InboundShipmentLinesAdded",
        "InboundShipmentReceiptsChanged",
    ]
    assert untouched not in world.streams()  # not listed: not in the window
    assert all(skus_added(world, sid) == lines_of(n) for n, sid in enumerate(new))
    # Probe one page (three items); the window's 21 items three pages; one shipment per shipment
    assert served(world) == {"getShipments": 2, BY_DATE: 1 + 3, BY_SHIPMENT: 1}


def test_a_seller_whose_history_runs_far_before_the_window_is_read_per_shipment(
    world: SyncWorld,
) -> None:
    # Given a shipment of twelve lines two days old, and a window of one day
    world.configure(lookback_days=1)
    shipments(world, 1, 12)
    world.advance(2 * DAY)
    new = shipments(world, 10, 2)
    world.control.reset_calls()

    world.sync()

    # Then the items before the window fill more pages than the probe may read (one per ten
    # shipments listed): the backfill reads per shipment (listing: a full page, an empty one)
    assert served(world) == {"getShipments": 2, BY_DATE: 1, BY_SHIPMENT: 10}
    assert all(skus_added(world, sid) == lines_of(n) for n, sid in enumerate(new))


def spoil(shipment_id: str, sku: str, change: Callable[[dict[str, Any]], None]) -> Any:
    def rewrite(body: dict[str, Any]) -> dict[str, Any]:
        for item in body["payload"]["ItemData"]:
            if item.get("ShipmentId") == shipment_id and item.get("SellerSKU") == sku:
                change(item)
        return body

    return rewrite


def test_a_malformed_item_in_the_feed_quarantines_only_its_shipment(
    proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    world = proxied_world
    ids = shipments(world, 10, 2)
    bad = ids[3]
    proxy.rewrite(BY_DATE, spoil(bad, "S3-1", lambda item: item.update(QuantityShipped="four")))

    world.sync()

    counters = world.status().last_run.counters
    assert [(q.operation, q.reference) for q in counters.quarantined] == [(BY_DATE, f"{bad}/S3-1")]
    assert "QuantityShipped" in counters.quarantined[0].problem
    # Its lines are not trusted (none would read as removed); every other shipment has its own
    assert event_types(world, bad) == ["InboundShipmentDiscovered"]
    assert all(len(skus_added(world, sid)) == 2 for sid in ids if sid != bad)
    assert BY_SHIPMENT not in counters.calls

    proxy.rewrite(BY_DATE, None)
    world.sync()  # an incremental run: per shipment

    assert skus_added(world, bad) == ["S3-0", "S3-1"]
    assert world.status().last_run.counters.quarantined_count == 0


def test_an_item_without_a_readable_shipment_id_makes_the_backfill_read_per_shipment(
    proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    world = proxied_world
    ids = shipments(world, 10, 2)
    proxy.rewrite(BY_DATE, spoil(ids[3], "S3-1", lambda item: item.pop("ShipmentId", None)))

    world.sync()

    # It could be any shipment's: none takes its lines from the feed
    assert all(skus_added(world, sid) == lines_of(n) for n, sid in enumerate(ids))
    counters = world.status().last_run.counters
    assert counters.calls[BY_SHIPMENT] == 10
    assert counters.quarantined_count == 0  # per shipment, Amazon's answers were whole


def test_targeted_and_incremental_runs_never_read_by_date(world: SyncWorld) -> None:
    ids = shipments(world, 10, 1)
    world.sync()
    world.control.receive(ids[0], {"S0-0": 1})
    world.control.reset_calls()

    world.sync(world.job(SyncReason.NOTIFICATION, shipment_ids=(ids[0],)))
    world.sync()

    assert BY_DATE not in served(world)
    assert [(r["sku"], r["delta"]) for r in _receipts(world, ids[0])] == [("S0-0", 1)]


def _receipts(world: SyncWorld, shipment_id: str) -> list[dict[str, Any]]:
    return [
        receipt
        for e in world.stream(shipment_id)
        if e.type == "InboundShipmentReceiptsChanged"
        for receipt in e.event.model_dump(mode="json")["receipts"]
    ]
