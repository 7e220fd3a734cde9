"""Reading Amazon's flat-file reports as observations: an order is all its rows, a row that
cannot be read sets its order aside (and only it), returns are keyed by Amazon's own key."""

from datetime import UTC, datetime

from domain.sales.gateway import ReportRequest, ReportType
from domain.sales.order import LineStatus, SalesChannel
from functions.shared.adapters.sales_reports import read_report
from infra.simulated_amazon.sales_orders import (
    FBM_RETURN_COLUMNS,
    ORDER_COLUMNS,
)

US = "ATVPDKIKX0DER"


def request(report_type: ReportType) -> ReportRequest:
    return ReportRequest(
        report_type=report_type,
        marketplace_id=US,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 31, tzinfo=UTC),
    )


def document(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def order_row(order_id: str, sku: str, **fields: str) -> dict[str, str]:
    return {
        "amazon-order-id": order_id,
        "purchase-date": "2026-01-05T10:00:00+00:00",
        "last-updated-date": "2026-01-06T10:00:00Z",
        "order-status": "Shipped",
        "fulfillment-channel": "Amazon",
        "sku": sku,
        "item-status": "Shipped",
        "quantity": "2",
        **fields,
    }


def test_an_orders_rows_are_its_lines_and_a_bad_line_sets_the_order_aside() -> None:
    text = document(
        ORDER_COLUMNS,
        [
            order_row("111-0000001-0000001", "A"),
            order_row("222-0000002-0000002", "B", **{"fulfillment-channel": "Merchant"}),
            order_row("111-0000001-0000001", "C", **{"item-status": "Cancelled", "quantity": "0"}),
            order_row("333-0000003-0000003", "D"),
            order_row("333-0000003-0000003", "E", quantity="1.5"),
        ],
    )

    rows = read_report(text, request(ReportType.ORDERS_BY_LAST_UPDATE), "conn")

    orders = {order.amazon_order_id: order for order in rows.orders}
    assert set(orders) == {"111-0000001-0000001", "222-0000002-0000002"}
    first = orders["111-0000001-0000001"]
    assert [(line.sku, line.quantity, line.status) for line in first.lines] == [
        ("A", 2, LineStatus.SHIPPED),
        ("C", 0, LineStatus.CANCELLED),
    ]
    assert (first.channel, first.warehouse_id) == (SalesChannel.FBA, f"fba-conn-{US}")
    assert first.updated_at == datetime(2026, 1, 6, 10, tzinfo=UTC)
    assert orders["222-0000002-0000002"].warehouse_id == "fbm-conn"
    assert [(u.row, u.problem) for u in rows.unreadable] == [
        (4, "another line of 333-0000003-0000003 is unreadable"),
        (5, "quantity '1.5' is not a whole number of at least 0"),
    ]
    assert rows.unreadable[1].raw.startswith("333-0000003-0000003\t")


def test_a_header_without_a_needed_column_makes_the_document_unreadable() -> None:
    columns = tuple(column for column in ORDER_COLUMNS if column != "quantity")
    text = document(columns, [order_row("111-0000001-0000001", "A")])

    rows = read_report(text, request(ReportType.ORDERS_BY_ORDER_DATE), "conn")

    assert rows.orders == ()
    [header] = rows.unreadable
    assert (header.row, header.problem) == (0, "the header lacks quantity")


def test_fbm_returns_are_keyed_by_amazons_rma_or_by_order_sku_and_date() -> None:
    base = {
        "Order ID": "111-0000001-0000001",
        "Return request date": "2026-01-10T08:00:00+00:00",
        "Merchant SKU": "A",
        "Return quantity": "1",
    }
    text = document(
        FBM_RETURN_COLUMNS,
        [{**base, "Amazon RMA ID": "RMA-1"}, base, {**base, "Return quantity": "0"}],
    )

    rows = read_report(text, request(ReportType.FBM_RETURNS), "conn")

    assert [r.item.return_id for r in rows.returns] == [
        "RMA-1",
        "111-0000001-0000001/A/2026-01-10T08:00:00+00:00",
    ]
    assert {(r.channel, r.warehouse_id) for r in rows.returns} == {(SalesChannel.FBM, "fbm-conn")}
    [bad] = rows.unreadable
    assert (bad.row, bad.problem) == (3, "Return quantity '0' is not a whole number of at least 1")


def test_an_empty_document_has_nothing() -> None:
    rows = read_report("", request(ReportType.FBA_RETURNS), "conn")

    assert (rows.orders, rows.returns, rows.unreadable) == ((), (), ())
