"""Sales from Amazon's reports, read by the sync runs (simulated Amazon at 100x Amazon's rates,
reports processed 100x faster too): a year's backfill records every order and return once;
later runs read the orders updated since, overlapping, and book a late cancellation or a
return once; what cannot be read is quarantined while the rest is recorded."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.inventory import AmazonSalesReadThrough
from domain.sales.gateway import ReportType
from domain.sales.order import LineStatus, SalesChannel
from domain.warehouse import fba_warehouse_id, fbm_warehouse_id
from functions.connection_state.keys import sync_pk
from functions.connection_state.status import RunOutcome
from functions.shared.inventory_stream import inventory_stream
from functions.sync.engine.sales_state import SALES_QUARANTINE_SK, QuarantinedRows
from tests.sync.harness import CA, US, FakeLambdaContext, SyncWorld
from tests.sync.sales_world import (
    SALES_TUNING,
    amazon_now,
    observations,
    orders_seen,
    returns_seen,
    year_of_orders,
)

pytestmark = pytest.mark.slow

# 365 days in windows of 30: 13 per report type (orders by date, FBA and FBM returns).
BACKFILL_REPORTS = 13 * 3
# A report is processed in 0.6 s here; a run that does not wait leaves it to the next one.
PROCESSING_SECONDS = 61


@pytest.fixture
def sales_world(new_world: Callable[..., SyncWorld]) -> SyncWorld:
    return new_world(tuning=SALES_TUNING)


def later_run(world: SyncWorld) -> None:
    """A scheduled run, then Amazon finishes its reports, then the next run reads them."""
    world.sync()
    world.advance(PROCESSING_SECONDS)
    world.sync()


def test_a_years_backfill_records_every_order_and_return_once(sales_world: SyncWorld) -> None:
    world = sales_world
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 60))
    given = {order["amazon_order_id"]: order for order in world.control.orders(world.seller_id)}

    world.sync()

    seen = orders_seen(world)
    assert set(seen) == set(ids)
    assert all(len(events) == 1 for events in seen.values())
    for order_id, [event] in seen.items():
        order = given[order_id]
        fba = order["fulfillment_channel"] == "AFN"
        assert event.channel is (SalesChannel.FBA if fba else SalesChannel.FBM)
        assert event.warehouse_id == (
            fba_warehouse_id(world.connection_id, US)
            if fba
            else fbm_warehouse_id(world.connection_id)
        )
        cancelled = order["order_status"] == "Canceled"
        assert [(line.sku, line.quantity, line.status) for line in event.lines] == [
            (
                line["sku"],
                line["quantity"],
                LineStatus.CANCELLED if cancelled else LineStatus.SHIPPED,
            )
            for line in order["lines"]
        ]
    expected_returns = sorted(
        (order_id, r["sku"]) for order_id, order in given.items() for r in order["returns"]
    )
    assert expected_returns  # the data set has returns, of FBA and FBM orders
    assert sorted((r.amazon_order_id, r.item.sku) for r in returns_seen(world)) == expected_returns
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    counters = report.counters
    assert (counters.reports_requested, counters.reports_dropped) == (BACKFILL_REPORTS, 0)
    assert (counters.orders_recorded, counters.returns_recorded) == (60, len(expected_returns))
    assert world.control.calls()["createReport"]["served"] == BACKFILL_REPORTS


def test_an_overlapping_incremental_read_appends_nothing_new(sales_world: SyncWorld) -> None:
    world = sales_world
    world.control.add_orders(world.seller_id, year_of_orders(world, US, 20))
    world.sync()
    before = observations(world)
    # An order updated just before the backfill ended: the next report overlaps it.
    now = amazon_now(world)
    [recent] = world.control.add_orders(
        world.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": (now - timedelta(minutes=20)).isoformat(),
                "lines": [{"sku": "NEW", "quantity": 2}],
            }
        ],
    )
    world.control.reset_calls()

    later_run(world)  # the by-last-update report from the backfill's end less an hour
    later_run(world)  # and again, overlapping the previous one by an hour

    calls = world.control.calls()
    assert calls["createReport"]["served"] == calls["getReportDocument"]["served"] == 2
    after = observations(world)
    assert after - before == {"AmazonOrderObserved": 1}
    assert len(orders_seen(world)[recent]) == 1
    assert world.status().last_run.counters.orders_recorded == 0  # the second read: nothing new


def test_a_late_cancellation_is_booked_once(sales_world: SyncWorld) -> None:
    world = sales_world
    now = amazon_now(world)
    [order_id] = world.control.add_orders(
        world.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "MFN",
                "purchase_date": (now - timedelta(days=40)).isoformat(),
                "order_status": "Unshipped",
                "lines": [{"sku": "A", "quantity": 3}],
            }
        ],
    )
    world.sync()
    world.control.update_order(
        world.seller_id,
        order_id,
        order_status="Canceled",
        last_updated_date=amazon_now(world).isoformat(),
    )

    later_run(world)
    later_run(world)

    first, cancelled = orders_seen(world)[order_id]
    assert [line.status for line in first.lines] == [LineStatus.PENDING]
    assert [(line.quantity, line.status) for line in cancelled.lines] == [(3, LineStatus.CANCELLED)]
    assert cancelled.purchased_at == first.purchased_at
    assert observations(world) == {"AmazonOrderObserved": 2}


def test_a_return_after_the_sale_is_booked_once(new_world: Callable[..., SyncWorld]) -> None:
    world = new_world(tuning=SALES_TUNING.model_copy(update={"returns_every_minutes": 0}))
    now = amazon_now(world)
    [fba_order, fbm_order] = world.control.add_orders(
        world.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": channel,
                "purchase_date": (now - timedelta(days=10)).isoformat(),
                "lines": [{"sku": "R", "quantity": 2}],
            }
            for channel in ("AFN", "MFN")
        ],
    )
    world.sync()
    assert returns_seen(world) == []
    for order_id in (fba_order, fbm_order):
        returned_at = amazon_now(world) - timedelta(hours=2)
        world.control.update_order(
            world.seller_id,
            order_id,
            last_updated_date=amazon_now(world).isoformat(),
            add_returns=[{"sku": "R", "quantity": 1, "return_date": returned_at.isoformat()}],
        )

    later_run(world)
    later_run(world)  # the returns reports overlap: the same returns again

    returned = {r.amazon_order_id: r for r in returns_seen(world)}
    assert set(returned) == {fba_order, fbm_order}
    assert len(returns_seen(world)) == 2
    assert returned[fba_order].warehouse_id == fba_warehouse_id(world.connection_id, US)
    assert returned[fbm_order].warehouse_id == fbm_warehouse_id(world.connection_id)
    assert (returned[fba_order].item.quantity, returned[fba_order].channel) == (1, SalesChannel.FBA)


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"purchase-date": "yesterday"}, "purchase-date 'yesterday' is not a date-time"),
        ({"quantity": "-2"}, "quantity '-2' is not a whole number"),
        ({"fulfillment-channel": "Drone"}, "unknown fulfillment-channel 'Drone'"),
        ({"sku": ""}, "no sku"),
        ({"asin": "B0\tEXTRA"}, "32 fields where the header has 31"),
    ],
)
def test_a_malformed_row_is_quarantined_and_its_neighbours_recorded(
    sales_world: SyncWorld, override: dict[str, str], problem: str
) -> None:
    world = sales_world
    now = amazon_now(world)

    def order(days: int, **extra: object) -> dict[str, object]:
        return {
            "marketplace_id": US,
            "fulfillment_channel": "AFN",
            "purchase_date": (now - timedelta(days=days)).isoformat(),
            "lines": [{"sku": f"S{days}", "quantity": 1}],
            **extra,
        }

    before, bad, after = world.control.add_orders(
        world.seller_id, [order(3), order(2, row_overrides=override), order(1)]
    )

    world.sync()

    assert set(orders_seen(world)) == {before, after}
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    assert report.counters.quarantined_count == 1
    [record] = report.counters.quarantined
    assert (record.marketplace_id, record.operation) == (US, "getReportDocument")
    assert record.reference.endswith("row 2") and problem in record.problem
    stored = world.state.get(
        sync_pk(world.tenant_id, world.connection_id), SALES_QUARANTINE_SK, QuarantinedRows
    )
    assert stored is not None and stored.expires_at is not None
    [kept] = stored.doc.rows
    assert kept.row.raw.startswith(bad) and kept.report_type is ReportType.ORDERS_BY_ORDER_DATE


def test_gzip_documents_are_read(sales_world: SyncWorld) -> None:
    world = sales_world
    world.control.set_report_compression(world.seller_id, gzip_every=2)
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 30))

    world.sync()

    assert set(orders_seen(world)) == set(ids)


def test_a_stuck_report_is_dropped_and_requested_again(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=SALES_TUNING.model_copy(update={"report_max_wait_minutes": 0.05}))
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 30))
    world.control.force_report_outcomes(
        world.seller_id, ReportType.ORDERS_BY_ORDER_DATE.value, "STUCK", count=2
    )

    world.sync()

    assert set(orders_seen(world)) == set(ids)
    counters = world.status().last_run.counters
    assert counters.reports_dropped == 2
    assert counters.reports_requested == BACKFILL_REPORTS + 2
    assert counters.quarantined_count == 0


def test_a_window_whose_reports_keep_failing_is_given_up_and_reported(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=SALES_TUNING.model_copy(update={"report_max_attempts": 1}))
    world.control.add_orders(world.seller_id, year_of_orders(world, US, 30))
    # The first report the backfill asks for: its oldest order window.
    world.control.force_report_outcomes(
        world.seller_id, ReportType.ORDERS_BY_ORDER_DATE.value, "FATAL"
    )

    world.sync()

    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    assert (report.counters.reports_requested, report.counters.reports_dropped) == (39, 1)
    [record] = report.counters.quarantined
    assert record.operation == "createReport"
    assert "FATAL" in record.problem and "requested 1 time(s)" in record.problem
    assert record.reference.startswith(ReportType.ORDERS_BY_ORDER_DATE.value)
    # Every order after the oldest window (365 days back, 30 days long) is recorded.
    window_end = amazon_now(world) - timedelta(days=335)
    given = world.control.orders(world.seller_id)
    later = {o["amazon_order_id"] for o in given if o["purchase_date"] > window_end.isoformat()}
    assert later and len(later) < len(given)
    assert set(orders_seen(world)) == later


def test_each_marketplace_of_the_connection_is_backfilled(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(marketplace_ids=[US, CA], tuning=SALES_TUNING)
    in_us = world.control.add_orders(world.seller_id, year_of_orders(world, US, 5))
    in_ca = world.control.add_orders(world.seller_id, year_of_orders(world, CA, 5))

    world.sync()

    seen = orders_seen(world)
    assert set(seen) == {*in_us, *in_ca}
    assert {seen[i][0].marketplace_id for i in in_ca} == {CA}
    assert world.status().last_run.counters.reports_requested == 2 * BACKFILL_REPORTS


def test_a_backfill_out_of_time_continues_where_it_stood(sales_world: SyncWorld) -> None:
    world = sales_world
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 30))

    # Each invocation runs out of time after some thirty looks at the clock.
    world.sync(context=lambda: FakeLambdaContext(checks_until_timeout=30))

    seen = orders_seen(world)
    assert set(seen) == set(ids) and all(len(events) == 1 for events in seen.values())
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED and report.counters.invocations > 1
    assert report.counters.reports_requested == BACKFILL_REPORTS
    assert world.control.calls()["createReport"]["served"] == BACKFILL_REPORTS


def test_amazons_throttling_and_failures_are_retried(sales_world: SyncWorld) -> None:
    world = sales_world
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 20))
    world.control.inject_fault("createReport", 429, count=2)
    world.control.inject_fault("getReport", 503, body="html")
    world.control.inject_fault("getReportDocument", 500, body="empty")

    world.sync()

    assert set(orders_seen(world)) == set(ids)
    counters = world.status().last_run.counters
    assert counters.throttled == {"createReport": 2}
    assert counters.retried_errors == {"getReport": 1, "getReportDocument": 1}
    assert counters.reports_requested == BACKFILL_REPORTS


def test_a_document_over_the_size_cap_is_quarantined_and_not_asked_again(
    new_world: Callable[..., SyncWorld],
) -> None:
    world = new_world(tuning=SALES_TUNING.model_copy(update={"max_response_bytes": 1_024}))
    now = amazon_now(world)
    world.control.add_orders(
        world.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": (now - timedelta(days=2, minutes=n)).isoformat(),
                "lines": [{"sku": f"LONG-SKU-{n:04d}", "quantity": 1}],
            }
            for n in range(20)
        ],
    )

    world.sync()

    assert orders_seen(world) == {}
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    [record] = report.counters.quarantined
    assert "document unreadable" in record.problem and "not read again" in record.problem
    assert report.counters.reports_requested == BACKFILL_REPORTS
    assert world.control.calls()["getReportDocument"]["served"] == 1


def test_a_backfill_never_holds_the_connections_shipments(
    new_world: Callable[..., SyncWorld],
) -> None:
    # Given a new connection with a year of orders and a shipment, and runs that may pace a
    # backfill for 0.3 s only (30 s at 100x; Amazon processes each report in 0.6 s here)
    world = new_world(tuning=SALES_TUNING.model_copy(update={"sales_wait_seconds": 30.0}))
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 20))
    shipment_id = world.control.create_shipment(world.seller_id, US, {"MUG": 5})

    # When the first run is delivered
    world.handle(world.job(), FakeLambdaContext())

    # Then it ended with the shipment synced, its reports still processing at Amazon...
    first = world.status().last_run
    assert first.outcome is RunOutcome.COMPLETED
    assert world.stream(shipment_id)
    assert set(orders_seen(world)) < set(ids)
    # ...and the backfill goes on in the runs it queued, each ending as soon as it paced enough
    world.drain()
    assert set(orders_seen(world)) == set(ids)
    assert all(len(events) == 1 for events in orders_seen(world).values())
    assert world.status().last_run.reason == "sales_backfill"
    assert world.control.calls()["createReport"]["served"] == BACKFILL_REPORTS


def test_the_drift_check_is_told_how_far_the_orders_recorded_reach(
    sales_world: SyncWorld,
) -> None:
    world = sales_world
    world.control.add_orders(world.seller_id, year_of_orders(world, US, 10))

    world.sync()
    later_run(world)

    stream = inventory_stream(world.tenant_id, fba_warehouse_id(world.connection_id, US))
    told = [
        e.event for e in world.store.read(stream) if isinstance(e.event, AmazonSalesReadThrough)
    ]
    assert told, "no AmazonSalesReadThrough appended"
    throughs = [event.through for event in told]
    assert throughs == sorted(throughs) and len(set(throughs)) == len(throughs)  # only forward
    lateness = timedelta(minutes=SALES_TUNING.sales_lateness_minutes)
    assert amazon_now(world) - lateness - throughs[-1] < timedelta(minutes=5)
