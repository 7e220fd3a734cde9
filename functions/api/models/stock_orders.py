"""Bodies of the stock-order commands: purchase orders to vendors, transfers, receipts."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from domain.orders.lines import MAX_LINES
from domain.orders.purchase_order import PurchaseLine
from functions.api.models.common import (
    ID_PATTERN,
    MAX_QUANTITY,
    SKU_PATTERN,
    ApiModel,
    Integer,
    IsoDate,
    ReadModel,
)
from functions.api.models.vendors import UNIT_COST
from functions.shared.views.order_models import PurchaseOrderSummary

REFERENCE = r"\S"  # not blank
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2999, 12, 31)


class LineRequest(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN, description="Seller SKU, 1-100 characters")
    quantity: Integer = Field(ge=1, le=MAX_QUANTITY, description="Units")

    def to_domain(self) -> PurchaseLine:
        return PurchaseLine(sku=self.sku, quantity=self.quantity)


class PurchaseLineRequest(LineRequest):
    unit_cost: str | None = Field(
        default=None,
        pattern=UNIT_COST,
        description="In the vendor's currency, a decimal string of at most 4 decimals; "
        "absent: the vendor's unit cost for the SKU, if it has one",
    )

    def to_domain(self) -> PurchaseLine:
        cost = None if self.unit_cost is None else Decimal(self.unit_cost)
        return PurchaseLine(sku=self.sku, quantity=self.quantity, unit_cost=cost)


def _each_sku_once(lines: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for line in lines:
        if line.sku in seen:
            raise ValueError(f"SKU {line.sku!r} is on more than one line: put it on one")
        seen.add(line.sku)
    return lines


def _plausible(day: date | None) -> date | None:
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError("use a date from 2000-01-01 to 2999-12-31, e.g. 2026-12-24")
    return day


LINES = "1 to 1,000 lines, each SKU at most once"
Lines = Annotated[
    list[LineRequest],
    Field(min_length=1, max_length=MAX_LINES, description=LINES),
    AfterValidator(_each_sku_once),
]
PurchaseLines = Annotated[
    list[PurchaseLineRequest],
    Field(min_length=1, max_length=MAX_LINES, description=LINES),
    AfterValidator(_each_sku_once),
]
Reference = Annotated[
    str, Field(min_length=1, max_length=200, pattern=REFERENCE, description="Your reference")
]
ExpectedDate = Annotated[
    IsoDate, AfterValidator(_plausible), Field(description="When the goods are expected (ISO date)")
]
WarehouseId = Annotated[str, Field(pattern=ID_PATTERN)]


class CreatePurchaseOrderRequest(ApiModel):
    vendor_id: str = Field(pattern=ID_PATTERN)
    destination_warehouse_id: WarehouseId
    expected_date: ExpectedDate | None = None
    reference: Reference | None = None
    lines: PurchaseLines


class ChangePurchaseOrderRequest(ApiModel):
    """The fields to change (absent or null: unchanged); `lines` replaces them all."""

    lines: PurchaseLines | None = None
    expected_date: ExpectedDate | None = None
    reference: Reference | None = None


class ReceiptRequest(ApiModel):
    lines: Lines = Field(
        description="Units counted in per SKU (partial, over and unplanned receipts are all "
        "accepted); " + LINES
    )

    def units(self) -> dict[str, int]:
        return {line.sku: line.quantity for line in self.lines}


class CreateTransferOrderRequest(ApiModel):
    source_warehouse_id: WarehouseId = Field(description="One of your own warehouses")
    destination_warehouse_id: WarehouseId = Field(
        description="Another of your warehouses, or an FBA warehouse (then only Amazon "
        "receives it, once a shipment is bound to it)"
    )
    lines: Lines


class PurchaseOrderResult(ApiModel):
    purchase_order_id: str
    status: str = Field(description="The order's status after the command")
    version: int = Field(description="Unchanged when the request changed nothing")


class TransferOrderCreated(ApiModel):
    transfer_order_id: str
    sales_order_id: str = Field(description="The units leaving the source (committed there)")
    purchase_order_id: str = Field(description="The units going into the destination")
    version: int


class TransferOrderChanged(ApiModel):
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    version: int = Field(description="Version of the order the command moved")


class PurchaseOrderPage(ReadModel):
    items: list[PurchaseOrderSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (a page filtered by `sku` or a date can "
        "hold fewer items than `limit` and still have one)"
    )


MAX_SET_SOURCE = 500


def _each_once(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("each purchase order id at most once")
    return ids


class SetSourceRequest(ApiModel):
    purchase_order_ids: Annotated[
        list[Annotated[str, Field(pattern=ID_PATTERN)]],
        Field(min_length=1, max_length=MAX_SET_SOURCE, description="1 to 500 ids, each once"),
        AfterValidator(_each_once),
    ]
    source_warehouse_id: WarehouseId = Field(description="One of your own, enabled warehouses")


class SetSourceResult(ApiModel):
    purchase_order_id: str
    result: Literal["ok", "error"]
    transfer_order_id: str | None = Field(
        default=None, description="The transfer order it is the inbound half of, when ok"
    )
    code: str | None = Field(
        default=None,
        description="When refused: `not_found`, `not_unknown_source`, `source_not_usable` "
        "(unknown, disabled or not your own) or `source_already_set` (from another warehouse)",
    )
    message: str | None = None


class SetSourceResults(ApiModel):
    results: list[SetSourceResult] = Field(description="One per id, in the order sent")
