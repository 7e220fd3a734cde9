"""What an Amazon customer order books: daily sold, cancelled and returned units per listing,
and the stock it moves (`domain/sales/figures.py`, `domain/stock/contributions.py`)."""

from datetime import date, datetime, timedelta, timezone

from domain.sales import LineStatus, SalesChannel
from domain.sales.figures import SalesFigures, sales_changes, sales_contribution
from domain.stock import StockFigures, moved_at
from domain.stock.contributions import amazon_order_contribution
from tests.unit.domain.sales_builders import (
    FBA_US,
    FBM_NA,
    day,
    line,
    observed,
    returned,
    seen,
)

SHIPPED, CANCELLED = LineStatus.SHIPPED, LineStatus.CANCELLED
D1, D2, D3 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)


def test_an_order_books_its_units_sold_on_the_purchase_day() -> None:
    # Given an order of 2 A and 1 B, purchased on day 1, seen pending on day 1
    order = observed(seen(line("A", 2), line("B", 1), updated_at=day(1)))
    # When its figures are booked
    assert order is not None
    booked = sales_contribution(order)
    # Then both lines are sold on day 1, at the order's warehouse, and nothing else
    assert booked == {
        (FBA_US, "A", D1): SalesFigures(sold=2),
        (FBA_US, "B", D1): SalesFigures(sold=1),
    }


def test_a_late_cancellation_moves_the_units_from_sold_to_cancelled_on_its_own_day() -> None:
    # Given an order seen pending on day 1
    pending = seen(line("A", 2), line("B", 1), updated_at=day(1))
    before = observed(pending)
    # When Amazon shows its A line cancelled on day 3
    after = observed(pending, seen(line("A", 2, CANCELLED), line("B", 1), updated_at=day(3)))
    # Then A is no longer sold on day 1 and is cancelled on day 3; B is untouched
    assert before is not None and after is not None
    assert sales_changes(sales_contribution(before), sales_contribution(after)) == [
        ((FBA_US, "A", D1), SalesFigures(sold=-2)),
        ((FBA_US, "A", D3), SalesFigures(cancelled=2)),
    ]


def test_reading_the_cancellation_again_changes_nothing() -> None:
    # Given an order cancelled on day 3
    cancelled = seen(line("A", 2, CANCELLED), updated_at=day(3))
    once = observed(seen(line("A", 2), updated_at=day(1)), cancelled)
    # When the same report is read again, and again later
    again = observed(seen(line("A", 2), updated_at=day(1)), cancelled, cancelled, cancelled)
    # Then the order and its figures are the same: the cancellation is booked once
    assert once == again
    assert once is not None
    assert sales_contribution(once) == {(FBA_US, "A", D3): SalesFigures(cancelled=2)}


def test_an_order_first_seen_cancelled_books_what_a_live_sync_would_have() -> None:
    # Given an order a backfill first reads cancelled (Amazon last updated it on day 3)
    backfilled = observed(seen(line("A", 2, CANCELLED), updated_at=day(3)))
    # And the same order a live sync saw pending on day 1, then cancelled on day 3
    lived = observed(
        seen(line("A", 2), updated_at=day(1)), seen(line("A", 2, CANCELLED), updated_at=day(3))
    )
    # Then both book the units cancelled on day 3 and not sold
    assert backfilled is not None and lived is not None
    assert sales_contribution(backfilled) == sales_contribution(lived)
    assert sales_contribution(backfilled) == {(FBA_US, "A", D3): SalesFigures(cancelled=2)}


def test_units_amazon_no_longer_shows_cancelled_are_sold_again_and_later_dates_go_first() -> None:
    # Given two A lines cancelled on days 2 and 3
    order = observed(
        seen(line("A", 1), line("A", 2), updated_at=day(1)),
        seen(line("A", 1, CANCELLED), line("A", 2), updated_at=day(2)),
        seen(line("A", 1, CANCELLED), line("A", 2, CANCELLED), updated_at=day(3)),
        # When Amazon shows one of them (2 units) not cancelled any more, on day 4
        seen(line("A", 1, CANCELLED), line("A", 2, SHIPPED), updated_at=day(4)),
    )
    # Then those units are sold again and only day 3's cancellation shrinks
    assert order is not None
    assert sales_contribution(order) == {
        (FBA_US, "A", D1): SalesFigures(sold=2),
        (FBA_US, "A", D2): SalesFigures(cancelled=1),
    }


def test_days_are_utc_days() -> None:
    # Given an order purchased at 23:30 on Nov 1 in Seattle (07:30 UTC on Nov 2)
    seattle = timezone(timedelta(hours=-8))
    purchased = datetime(2026, 11, 1, 23, 30, tzinfo=seattle)
    order = observed(seen(line("A", 1), purchased_at=purchased, updated_at=purchased))
    # Then it is sold on Nov 2
    assert order is not None
    assert sales_contribution(order) == {(FBA_US, "A", D2): SalesFigures(sold=1)}


def test_a_return_books_its_units_on_the_return_day_once() -> None:
    # Given a shipped order, and a return of 1 unit on day 3 read by two reports
    order = observed(
        seen(line("A", 2, SHIPPED), updated_at=day(1)),
        returned("LPN1", "A", 1, day(3)),
        returned("LPN1", "A", 1, day(3)),
    )
    # Then the return is booked once, on day 3
    assert order is not None
    assert len(order.returns) == 1
    assert sales_contribution(order) == {
        (FBA_US, "A", D1): SalesFigures(sold=2),
        (FBA_US, "A", D3): SalesFigures(returned=1),
    }
    assert sales_contribution(order)[(FBA_US, "A", D1)].net == 2


def test_a_return_of_an_order_older_than_our_reads_is_booked_alone() -> None:
    order = observed(returned("LPN9", "A", 3, day(2)))
    assert order is not None and order.order is None
    assert sales_contribution(order) == {(FBA_US, "A", D2): SalesFigures(returned=3)}
    assert amazon_order_contribution(order) == {(FBA_US, "A"): StockFigures(on_hand=3)}


def test_shipped_units_leave_the_fulfilling_warehouse_and_returns_come_back() -> None:
    # Given an FBA order with a shipped, a pending and a cancelled line
    fba = observed(
        seen(line("A", 2, SHIPPED), line("B", 1), line("C", 4, CANCELLED), updated_at=day(2)),
        returned("LPN1", "A", 1, day(5)),
    )
    # And an FBM order shipped from the region's own warehouse
    fbm = observed(
        seen(
            line("A", 3, SHIPPED),
            updated_at=day(2),
            channel=SalesChannel.FBM,
            warehouse_id=FBM_NA,
            order_id="111-0000002-0000002",
        )
    )
    # Then only shipped units leave on hand, where they were fulfilled, and returns come back
    assert fba is not None and fbm is not None
    assert amazon_order_contribution(fba) == {(FBA_US, "A"): StockFigures(on_hand=-1)}
    assert amazon_order_contribution(fbm) == {(FBM_NA, "A"): StockFigures(on_hand=-3)}


def test_units_move_when_amazon_showed_them_shipped_or_returned() -> None:
    shipped = seen(line("A", 2, SHIPPED), updated_at=day(2, hour=15))
    came_back = returned("LPN1", "A", 1, day(4, hour=8))
    assert moved_at(shipped, occurred_at=day(9)) == day(2, hour=15)
    assert moved_at(came_back, occurred_at=day(9)) == day(4, hour=8)
