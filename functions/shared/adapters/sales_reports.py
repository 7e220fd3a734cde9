"""Reading the Reports API's flat files (tab-separated, one header line) as the sales domain's
observations: the two all-orders reports as `AmazonOrderObserved` (one per amazon-order-id, its
rows its lines), the FBA and FBM returns reports as `AmazonReturnObserved`.

Amazon's flat files are not quoted: a field never holds a tab or a line break, so a line is a
row and a tab separates fields. A row that cannot be read (a bad date, a negative or missing
quantity, an unknown fulfillment channel, no SKU, too few or too many fields) is set aside with
its text and the reason; an order with such a row is set aside whole, since recording its other
lines alone would read as lines removed. Columns we do not use may change as they like; a
missing column we need makes every row unreadable (named once, as row 0).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from domain.connection_terms import fba_warehouse_id, fbm_warehouse_id
from domain.sales.gateway import ReportRequest, ReportRows, ReportType, UnreadableRow
from domain.sales.order import (
    AmazonOrderLine,
    AmazonOrderObserved,
    AmazonReturn,
    AmazonReturnObserved,
    LineStatus,
    SalesChannel,
)

# The most of a row's text kept with it when it is set aside.
MAX_RAW_CHARS: Final = 1_000
_CHANNELS: Final = {"amazon": SalesChannel.FBA, "merchant": SalesChannel.FBM}
_CANCELLED: Final = {"cancelled", "canceled"}
_SHIPPED: Final = {"shipped"}

ORDER_COLUMNS: Final = (
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sku",
    "asin",
    "item-status",
    "quantity",
)
FBA_RETURN_COLUMNS: Final = (
    "return-date",
    "order-id",
    "sku",
    "quantity",
    "detailed-disposition",
    "license-plate-number",
)
FBM_RETURN_COLUMNS: Final = (
    "Order ID",
    "Return request date",
    "Amazon RMA ID",
    "Merchant SKU",
    "Return quantity",
)


class RowProblem(ValueError):
    """Why a row cannot be read."""


class _OrderUnreadable(Exception):
    """An order with a row that cannot be read (`row`, for `problem`)."""

    def __init__(self, row: "_Row", problem: str) -> None:
        super().__init__(problem)
        self.row = row
        self.problem = problem


@dataclass(frozen=True)
class _Where:
    request: ReportRequest
    connection_id: str

    def warehouse(self, channel: SalesChannel) -> str:
        if channel is SalesChannel.FBA:
            return fba_warehouse_id(self.connection_id, self.request.marketplace_id)
        return fbm_warehouse_id(self.connection_id)


def read_report(
    text: str, request: ReportRequest, connection_id: str, rate_limit: float | None = None
) -> ReportRows:
    """The document `text` of the report `request` asked for, as observations."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return ReportRows(rate_limit=rate_limit)
    header = lines[0].split("\t")
    where = _Where(request, connection_id)
    needed = _columns_of(request.report_type)
    missing = [column for column in needed if column not in header]
    if missing:
        problem = f"the header lacks {', '.join(missing)}"
        header_row = UnreadableRow(row=0, raw=_raw(lines[0]), problem=problem)
        return ReportRows(unreadable=(header_row,), rate_limit=rate_limit)
    rows = _rows(header, lines[1:])
    if request.report_type in (ReportType.ORDERS_BY_ORDER_DATE, ReportType.ORDERS_BY_LAST_UPDATE):
        orders, unreadable = _orders(rows, where)
        return ReportRows(orders=orders, unreadable=unreadable, rate_limit=rate_limit)
    read = _fba_return if request.report_type is ReportType.FBA_RETURNS else _fbm_return
    returns, unreadable = _returns(rows, where, read)
    return ReportRows(returns=returns, unreadable=unreadable, rate_limit=rate_limit)


@dataclass(frozen=True)
class _Row:
    number: int
    raw: str
    fields: dict[str, str] | None  # None: the field count is not the header's
    problem: str = ""


def _rows(header: list[str], lines: list[str]) -> Iterator[_Row]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        values = line.split("\t")
        if len(values) != len(header):
            problem = f"{len(values)} fields where the header has {len(header)}"
            yield _Row(number, line, None, problem)
        else:
            yield _Row(number, line, dict(zip(header, values, strict=True)))


def _orders(
    rows: Iterator[_Row], where: _Where
) -> tuple[tuple[AmazonOrderObserved, ...], tuple[UnreadableRow, ...]]:
    """Each order's rows gathered (in the document's order of first appearance), then read."""
    by_order: dict[str, list[_Row]] = {}
    unreadable: list[UnreadableRow] = []
    for row in rows:
        order_id = (row.fields or {}).get("amazon-order-id", "").strip()
        if row.fields is None or not order_id:
            unreadable.append(_unreadable(row, row.problem or "no amazon-order-id"))
        else:
            by_order.setdefault(order_id, []).append(row)
    orders: list[AmazonOrderObserved] = []
    for order_id, order_rows in by_order.items():
        try:
            orders.append(_order(order_id, order_rows, where))
        except _OrderUnreadable as unread:
            for row in order_rows:
                why = (
                    unread.problem
                    if row is unread.row
                    else f"another line of {order_id} is unreadable"
                )
                unreadable.append(_unreadable(row, why))
    unreadable.sort(key=lambda u: u.row)
    return tuple(orders), tuple(unreadable)


def _order(order_id: str, rows: list[_Row], where: _Where) -> AmazonOrderObserved:
    lines: list[AmazonOrderLine] = []
    channels: set[SalesChannel] = set()
    purchased: list[datetime] = []
    updated: list[datetime] = []
    for row in rows:
        fields = row.fields or {}
        try:
            channel = _CHANNELS.get(fields["fulfillment-channel"].strip().lower())
            if channel is None:
                raise RowProblem(f"unknown fulfillment-channel {fields['fulfillment-channel']!r}")
            channels.add(channel)
            purchased.append(_instant(fields, "purchase-date"))
            updated.append(_instant(fields, "last-updated-date"))
            lines.append(
                AmazonOrderLine(
                    sku=_required(fields, "sku"),
                    asin=fields["asin"].strip() or None,
                    quantity=_quantity(fields, "quantity", minimum=0),
                    status=_line_status(fields),
                )
            )
        except RowProblem as problem:
            raise _OrderUnreadable(row, str(problem)) from None
    if len(channels) != 1:
        raise _OrderUnreadable(rows[-1], "lines of one order under both fulfillment channels")
    channel = channels.pop()
    return AmazonOrderObserved(
        amazon_order_id=order_id,
        connection_id=where.connection_id,
        marketplace_id=where.request.marketplace_id,
        channel=channel,
        warehouse_id=where.warehouse(channel),
        purchased_at=min(purchased),
        updated_at=max(updated),
        lines=tuple(lines),
    )


def _line_status(fields: dict[str, str]) -> LineStatus:
    item, order = fields["item-status"].strip().lower(), fields["order-status"].strip().lower()
    if item in _CANCELLED or order in _CANCELLED:
        return LineStatus.CANCELLED
    if item in _SHIPPED:
        return LineStatus.SHIPPED
    return LineStatus.PENDING


def _returns(
    rows: Iterator[_Row],
    where: _Where,
    read: Callable[[dict[str, str], _Where], AmazonReturnObserved],
) -> tuple[tuple[AmazonReturnObserved, ...], tuple[UnreadableRow, ...]]:
    returns: list[AmazonReturnObserved] = []
    unreadable: list[UnreadableRow] = []
    for row in rows:
        if row.fields is None:
            unreadable.append(_unreadable(row, row.problem))
            continue
        try:
            returns.append(read(row.fields, where))
        except RowProblem as problem:
            unreadable.append(_unreadable(row, str(problem)))
    return tuple(returns), tuple(unreadable)


def _fba_return(fields: dict[str, str], where: _Where) -> AmazonReturnObserved:
    """Keyed by the license plate Amazon gives the returned unit, else by order, SKU and date."""
    order_id, sku = _required(fields, "order-id"), _required(fields, "sku")
    returned_at = _instant(fields, "return-date")
    plate = fields["license-plate-number"].strip()
    return AmazonReturnObserved(
        amazon_order_id=order_id,
        connection_id=where.connection_id,
        marketplace_id=where.request.marketplace_id,
        channel=SalesChannel.FBA,
        warehouse_id=where.warehouse(SalesChannel.FBA),
        item=AmazonReturn(
            return_id=plate or _return_key(order_id, sku, returned_at),
            sku=sku,
            quantity=_quantity(fields, "quantity", minimum=1),
            returned_at=returned_at,
            disposition=fields["detailed-disposition"].strip() or None,
        ),
    )


def _fbm_return(fields: dict[str, str], where: _Where) -> AmazonReturnObserved:
    """Keyed by Amazon's RMA id, else by order, SKU and return request date."""
    order_id, sku = _required(fields, "Order ID"), _required(fields, "Merchant SKU")
    returned_at = _instant(fields, "Return request date")
    rma = fields["Amazon RMA ID"].strip()
    return AmazonReturnObserved(
        amazon_order_id=order_id,
        connection_id=where.connection_id,
        marketplace_id=where.request.marketplace_id,
        channel=SalesChannel.FBM,
        warehouse_id=where.warehouse(SalesChannel.FBM),
        item=AmazonReturn(
            return_id=rma or _return_key(order_id, sku, returned_at),
            sku=sku,
            quantity=_quantity(fields, "Return quantity", minimum=1),
            returned_at=returned_at,
        ),
    )


def _return_key(order_id: str, sku: str, returned_at: datetime) -> str:
    return f"{order_id}/{sku}/{returned_at.astimezone(UTC).isoformat()}"


def _required(fields: dict[str, str], column: str) -> str:
    value = fields[column].strip()
    if not value:
        raise RowProblem(f"no {column}")
    return value


def _instant(fields: dict[str, str], column: str) -> datetime:
    value = fields[column].strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RowProblem(f"{column} {value[:40]!r} is not a date-time") from None
    if moment.tzinfo is None:
        raise RowProblem(f"{column} {value!r} has no time zone")
    return moment


def _quantity(fields: dict[str, str], column: str, minimum: int) -> int:
    value = fields[column].strip()
    if not value.isdigit() or len(value) > 9 or int(value) < minimum:
        raise RowProblem(f"{column} {value[:20]!r} is not a whole number of at least {minimum}")
    return int(value)


def _unreadable(row: _Row, problem: str) -> UnreadableRow:
    return UnreadableRow(row=row.number, raw=_raw(row.raw), problem=problem)


def _raw(text: str) -> str:
    return text if len(text) <= MAX_RAW_CHARS else text[: MAX_RAW_CHARS - 1] + "…"


def _columns_of(report_type: ReportType) -> tuple[str, ...]:
    if report_type is ReportType.FBA_RETURNS:
        return FBA_RETURN_COLUMNS
    if report_type is ReportType.FBM_RETURNS:
        return FBM_RETURN_COLUMNS
    return ORDER_COLUMNS
