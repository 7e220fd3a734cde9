"""A seller's orders and returns, and the flat-file reports Amazon renders from them.

Tests give a seller orders through the control API (`POST /_sim/sellers/{id}/orders`); the
Reports API (reports_api.py) renders them as Amazon's tab-separated report documents:

- GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL / ..._BY_LAST_UPDATE_GENERAL: one row per
  order line (seller SKU), FBA (`fulfillment-channel` Amazon) and FBM (Merchant) alike,
  cancelled orders included (`order-status` Cancelled);
- GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA: returns of FBA (AFN) orders, by return date;
- GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE: returns of FBM (MFN) orders, by return date.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import Conflict, InvalidRequest, NotFound
from .identifiers import asin_for, fnsku_for

ORDERS_BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDERS_BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
FBM_RETURNS = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"

# The Orders API's statuses (the control API takes these); the flat file writes Canceled as
# "Cancelled".
ORDER_STATUSES = (
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "Canceled",
    "Unfulfillable",
    "InvoiceUnconfirmed",
    "PendingAvailability",
)

# Columns as Amazon's "Order Tracking reports attributes" page lists them.
ORDER_COLUMNS = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)
# "FBA Customer Concessions reports attributes".
FBA_RETURN_COLUMNS = (
    "return-date",
    "order-id",
    "sku",
    "asin",
    "fnsku",
    "product-name",
    "quantity",
    "fulfillment-center-id",
    "detailed-disposition",
    "reason",
    "status",
    "license-plate-number",
    "customer-comments",
)
# "Returns reports attributes" (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE), the columns kept.
FBM_RETURN_COLUMNS = (
    "Order ID",
    "Order date",
    "Return request date",
    "Return request status",
    "Amazon RMA ID",
    "ASIN",
    "Merchant SKU",
    "Item Name",
    "Return quantity",
    "Return Reason",
    "Return type",
    "Resolution",
)
_SALES_CHANNELS = {
    "ATVPDKIKX0DER": "Amazon.com",
    "A2EUQ1WTGCTBG2": "Amazon.ca",
    "A1AM78C64UM0Y8": "Amazon.com.mx",
    "A1F83G8C2ARO7P": "Amazon.co.uk",
    "A1PA6795UKMFR9": "Amazon.de",
}


class ReturnInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    return_date: datetime
    reason: str = "CUSTOMER_CHANGED_MIND"

    @field_validator("return_date")
    @classmethod
    def _zoned(cls, value: datetime) -> datetime:
        return _utc(value)


class OrderLineInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1)
    quantity: int = Field(ge=0)


class OrderInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marketplace_id: str = Field(min_length=1)
    fulfillment_channel: Literal["AFN", "MFN"]
    purchase_date: datetime
    last_updated_date: datetime | None = None
    order_status: Literal[
        "Pending",
        "Unshipped",
        "PartiallyShipped",
        "Shipped",
        "Canceled",
        "Unfulfillable",
        "InvoiceUnconfirmed",
        "PendingAvailability",
    ] = "Shipped"
    amazon_order_id: str | None = Field(default=None, pattern=r"^\d{3}-\d{7}-\d{7}$")
    lines: list[OrderLineInput] = Field(min_length=1)
    returns: list[ReturnInput] = Field(default_factory=list)
    # What the order report's rows of this order show instead of the order's own values (a
    # column of ORDER_COLUMNS -> text): a malformed row for tests, e.g. {"quantity": "-2"}.
    row_overrides: dict[str, str] = Field(default_factory=dict)

    @field_validator("row_overrides")
    @classmethod
    def _known_columns(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(ORDER_COLUMNS))
        if unknown:
            raise ValueError(f"not columns of the order reports: {unknown}")
        return value

    @field_validator("purchase_date", "last_updated_date")
    @classmethod
    def _zoned(cls, value: datetime | None) -> datetime | None:
        return _utc(value) if value is not None else None


class AddOrdersRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    orders: list[OrderInput] = Field(min_length=1, max_length=10_000)


class UpdateOrderRequest(BaseModel):
    """What happened to an order since: a new status (a late cancellation, a shipment) and
    returns, as of `last_updated_date` (its last-updated time moves there)."""

    model_config = ConfigDict(extra="forbid")

    last_updated_date: datetime
    order_status: (
        Literal[
            "Pending",
            "Unshipped",
            "PartiallyShipped",
            "Shipped",
            "Canceled",
            "Unfulfillable",
            "InvoiceUnconfirmed",
            "PendingAvailability",
        ]
        | None
    ) = None
    add_returns: list[ReturnInput] = Field(default_factory=list)

    @field_validator("last_updated_date")
    @classmethod
    def _zoned(cls, value: datetime) -> datetime:
        return _utc(value)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Return:
    sku: str
    quantity: int
    return_date: datetime
    reason: str


@dataclass
class Order:
    amazon_order_id: str
    seller_id: str
    marketplace_id: str
    fulfillment_channel: str  # AFN or MFN
    purchase_date: datetime
    last_updated_date: datetime
    order_status: str
    lines: list[OrderLine]
    returns: list[Return] = field(default_factory=list)
    row_overrides: dict[str, str] = field(default_factory=dict)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("date-times need a time zone, e.g. 2024-01-31T00:00:00Z")
    return moment.astimezone(UTC)


def _flat_time(moment: datetime) -> str:
    """Timestamps as the flat files write them: 2024-01-31T10:00:00+00:00."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _order_id(seller_id: str, number: int) -> str:
    digest = int(hashlib.sha256(f"{seller_id}/{number}".encode()).hexdigest(), 16)
    digits = f"{digest % 10**17:017d}"
    return f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"


class SalesBook:
    """Every seller's orders, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._orders: dict[str, Order] = {}
        self._count = 0

    def clear(self) -> None:
        with self._lock:
            self._orders.clear()

    def add(
        self, seller_id: str, marketplace_ids: list[str], orders: list[OrderInput]
    ) -> list[str]:
        created: list[Order] = []
        for spec in orders:
            if spec.marketplace_id not in marketplace_ids:
                raise InvalidRequest(
                    f"seller {seller_id} does not sell in marketplace {spec.marketplace_id}"
                )
            last_updated = spec.last_updated_date or spec.purchase_date
            if last_updated < spec.purchase_date:
                raise InvalidRequest("last_updated_date is before purchase_date")
            skus = {line.sku for line in spec.lines}
            for returned in spec.returns:
                if returned.sku not in skus:
                    raise InvalidRequest(f"return of {returned.sku!r}, which the order lacks")
                if returned.return_date < spec.purchase_date:
                    raise InvalidRequest("a return_date is before the purchase_date")
            with self._lock:
                self._count += 1
                number = self._count
            created.append(
                Order(
                    amazon_order_id=spec.amazon_order_id or _order_id(seller_id, number),
                    seller_id=seller_id,
                    marketplace_id=spec.marketplace_id,
                    fulfillment_channel=spec.fulfillment_channel,
                    purchase_date=spec.purchase_date,
                    last_updated_date=last_updated,
                    order_status=spec.order_status,
                    lines=[OrderLine(line.sku, line.quantity) for line in spec.lines],
                    returns=[
                        Return(r.sku, r.quantity, r.return_date, r.reason) for r in spec.returns
                    ],
                    row_overrides=dict(spec.row_overrides),
                )
            )
        with self._lock:
            for order in created:
                if order.amazon_order_id in self._orders:
                    raise Conflict(f"order {order.amazon_order_id} exists already")
            for order in created:
                self._orders[order.amazon_order_id] = order
        return [order.amazon_order_id for order in created]

    def update(self, seller_id: str, amazon_order_id: str, change: UpdateOrderRequest) -> Order:
        """The order as changed: its status, its returns, its last-updated time."""
        with self._lock:
            order = self._orders.get(amazon_order_id)
            if order is None or order.seller_id != seller_id:
                raise NotFound(f"seller {seller_id} has no order {amazon_order_id!r}")
            if change.last_updated_date < order.last_updated_date:
                raise InvalidRequest("last_updated_date is before the order's last update")
            skus = {line.sku for line in order.lines}
            for returned in change.add_returns:
                if returned.sku not in skus:
                    raise InvalidRequest(f"return of {returned.sku!r}, which the order lacks")
                if returned.return_date < order.purchase_date:
                    raise InvalidRequest("a return_date is before the purchase_date")
            order.last_updated_date = change.last_updated_date
            if change.order_status is not None:
                order.order_status = change.order_status
            order.returns.extend(
                Return(r.sku, r.quantity, r.return_date, r.reason) for r in change.add_returns
            )
            return order

    def orders_of(self, seller_id: str) -> list[Order]:
        with self._lock:
            return [order for order in self._orders.values() if order.seller_id == seller_id]

    def order(self, amazon_order_id: str) -> Order:
        with self._lock:
            order = self._orders.get(amazon_order_id)
        if order is None:
            raise NotFound(f"no order {amazon_order_id!r}")
        return order

    def report_rows(
        self,
        seller_id: str,
        report_type: str,
        marketplace_ids: list[str],
        start: datetime,
        end: datetime,
    ) -> list[dict[str, str]]:
        """The rows of one report, oldest first; start and end inclusive."""
        orders = [
            order for order in self.orders_of(seller_id) if order.marketplace_id in marketplace_ids
        ]
        if report_type in (ORDERS_BY_ORDER_DATE, ORDERS_BY_LAST_UPDATE):
            by_update = report_type == ORDERS_BY_LAST_UPDATE
            chosen = sorted(
                (o for o in orders if start <= _key(o, by_update) <= end),
                key=lambda o: (_key(o, by_update), o.amazon_order_id),
            )
            return [_order_row(order, line) for order in chosen for line in order.lines]
        channel = "AFN" if report_type == FBA_RETURNS else "MFN"
        returns = sorted(
            (
                (returned, order)
                for order in orders
                if order.fulfillment_channel == channel
                for returned in order.returns
                if start <= returned.return_date <= end
            ),
            key=lambda pair: (pair[0].return_date, pair[1].amazon_order_id),
        )
        render = _fba_return_row if channel == "AFN" else _fbm_return_row
        return [render(returned, order) for returned, order in returns]


def _key(order: Order, by_update: bool) -> datetime:
    return order.last_updated_date if by_update else order.purchase_date


def _order_row(order: Order, line: OrderLine) -> dict[str, str]:
    cancelled = order.order_status == "Canceled"
    item_status = {
        "Canceled": "Cancelled",
        "Shipped": "Shipped",
        "PartiallyShipped": "Shipped",
    }.get(order.order_status, "Unshipped")
    row = dict.fromkeys(ORDER_COLUMNS, "")
    row.update(
        {
            "amazon-order-id": order.amazon_order_id,
            "merchant-order-id": "",
            "purchase-date": _flat_time(order.purchase_date),
            "last-updated-date": _flat_time(order.last_updated_date),
            "order-status": "Cancelled" if cancelled else order.order_status,
            "fulfillment-channel": "Amazon" if order.fulfillment_channel == "AFN" else "Merchant",
            "sales-channel": _SALES_CHANNELS.get(order.marketplace_id, order.marketplace_id),
            "ship-service-level": "Expedited" if order.fulfillment_channel == "AFN" else "Standard",
            "product-name": f"Product {line.sku}",
            "sku": line.sku,
            "asin": asin_for(order.seller_id, line.sku),
            "item-status": item_status,
            "quantity": str(line.quantity),
            "is-business-order": "false",
        }
    )
    row.update(order.row_overrides)
    return row


def _fba_return_row(returned: Return, order: Order) -> dict[str, str]:
    row = dict.fromkeys(FBA_RETURN_COLUMNS, "")
    row.update(
        {
            "return-date": _flat_time(returned.return_date),
            "order-id": order.amazon_order_id,
            "sku": returned.sku,
            "asin": asin_for(order.seller_id, returned.sku),
            "fnsku": fnsku_for(order.seller_id, returned.sku),
            "product-name": f"Product {returned.sku}",
            "quantity": str(returned.quantity),
            "fulfillment-center-id": "PHX7",
            "detailed-disposition": "SELLABLE",
            "reason": returned.reason,
            "status": "Unit returned to inventory",
        }
    )
    return row


def _fbm_return_row(returned: Return, order: Order) -> dict[str, str]:
    row = dict.fromkeys(FBM_RETURN_COLUMNS, "")
    row.update(
        {
            "Order ID": order.amazon_order_id,
            "Order date": _flat_time(order.purchase_date),
            "Return request date": _flat_time(returned.return_date),
            "Return request status": "Approved",
            "ASIN": asin_for(order.seller_id, returned.sku),
            "Merchant SKU": returned.sku,
            "Item Name": f"Product {returned.sku}",
            "Return quantity": str(returned.quantity),
            "Return Reason": returned.reason,
            "Return type": "C-Returns",
            "Resolution": "StandardRefund",
        }
    )
    return row


def to_tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    lines = ["\t".join(columns)]
    lines.extend("\t".join(row[column] for column in columns) for row in rows)
    return "\n".join(lines) + "\n"


def columns_for(report_type: str) -> tuple[str, ...]:
    if report_type == FBA_RETURNS:
        return FBA_RETURN_COLUMNS
    if report_type == FBM_RETURNS:
        return FBM_RETURN_COLUMNS
    return ORDER_COLUMNS


# How far one report may reach (dataEndTime - dataStartTime), by report type; None: no limit
# the simulator enforces (see docs/amazon-sales.md).
MAX_RANGES: dict[str, timedelta | None] = {
    ORDERS_BY_ORDER_DATE: timedelta(days=30),
    ORDERS_BY_LAST_UPDATE: timedelta(days=30),
    FBA_RETURNS: None,
    FBM_RETURNS: None,
}
