"""How far a connection's order reads reach (`SalesState.orders_read_through`): what the drift
check is told, so it books no adjustment on Amazon's figures a sale not read yet may explain."""

from datetime import UTC, datetime, timedelta

from domain.inventory import (
    AmazonInventoryFigures,
    AmazonInventoryReported,
    AmazonSalesReadThrough,
    sales_read_through,
)
from domain.sales.gateway import ReportRequest, ReportType
from functions.sync.engine.sales_state import MarketplaceSales, ReportWindow, SalesState, windows

US = "ATVPDKIKX0DER"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def state_with(*pending_windows: ReportWindow) -> SalesState:
    state = SalesState(marketplaces={US: MarketplaceSales(orders_through=T0, returns_through=T0)})
    state.to_request = list(pending_windows)
    return state


def order_window(start_day: int, end_day: int, kind: ReportType) -> ReportWindow:
    request = ReportRequest(
        report_type=kind,
        marketplace_id=US,
        start=T0 + timedelta(days=start_day),
        end=T0 + timedelta(days=end_day),
    )
    return ReportWindow(request=request)


def test_nothing_asked_for_reaches_nowhere() -> None:
    assert SalesState().orders_read_through(US) is None
    assert state_with().orders_read_through(US) is None


def test_a_backfill_reaches_the_start_of_its_earliest_window_not_finished() -> None:
    # Given a backfill of three order windows and a returns window
    backfill = windows(ReportType.ORDERS_BY_ORDER_DATE, US, T0, T0 + timedelta(days=90),
                       timedelta(days=30), backfill=True)  # fmt: skip
    returns = order_window(0, 90, ReportType.FBA_RETURNS)
    state = state_with(*backfill, returns)
    assert state.orders_read_through(US) == T0

    # When the second window finishes first, the reach stays at the first's start
    state.to_request.remove(backfill[1])
    state.finished(backfill[1])
    assert state.orders_read_through(US) == T0

    # When the first finishes, it reaches the third's start; then its end; returns count not
    state.to_request.remove(backfill[0])
    state.finished(backfill[0])
    assert state.orders_read_through(US) == T0 + timedelta(days=60)
    state.to_request.remove(backfill[2])
    state.finished(backfill[2])
    state.finished(returns)
    assert state.orders_read_through(US) == T0 + timedelta(days=90)


def test_an_incremental_report_outstanding_holds_the_reach_at_its_start() -> None:
    state = state_with()
    state.finished(order_window(0, 10, ReportType.ORDERS_BY_LAST_UPDATE))
    later = order_window(9, 12, ReportType.ORDERS_BY_LAST_UPDATE)  # overlapping the last
    state.to_request.append(later)
    assert state.orders_read_through(US) == T0 + timedelta(days=9)
    state.to_request.remove(later)
    state.finished(later)
    assert state.orders_read_through(US) == T0 + timedelta(days=12)


def test_the_reach_told_to_a_warehouse_only_moves_forward() -> None:
    def told(days: int) -> AmazonSalesReadThrough:
        return AmazonSalesReadThrough(warehouse_id="fba#us", through=T0 + timedelta(days=days))

    other = AmazonInventoryReported(
        warehouse_id="fba#us",
        sku="S",
        fnsku="F",
        reported_at=T0,
        figures=AmazonInventoryFigures(),
        source="summaries",
    )
    steps = [(other, None), (told(2), 2), (told(1), 2), (other, 2), (told(3), 3)]
    reach = None
    for event, days in steps:
        reach = sales_read_through(reach, event)
        assert reach == (None if days is None else T0 + timedelta(days=days))
