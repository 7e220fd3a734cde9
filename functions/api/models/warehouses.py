"""Bodies of /warehouses."""

from typing import Literal

from pydantic import AwareDatetime, Field, StrictBool

from domain.combined_warehouse import MAX_DEPTH, MAX_LEAVES, MAX_MEMBERS
from domain.warehouse import Member, WarehouseAddress
from functions.api.models.common import (
    ID_PATTERN,
    MAX_QUANTITY,
    SKU_PATTERN,
    ApiModel,
    Integer,
    ReadModel,
)
from functions.shared.views.setup_models import Warehouse

MEMBERS = (
    f"The warehouses a combined warehouse sums (1-{MAX_MEMBERS}, each once, any kind, "
    f"combined ones too: at most {MAX_DEPTH} levels deep, {MAX_LEAVES} warehouses summed, and "
    "never itself, directly or through another). Unknown or another tenant's: 422"
)


class MemberBody(ApiModel):
    warehouse_id: str = Field(pattern=ID_PATTERN)
    include_stock: StrictBool = Field(default=True, description="Its stock counts in the sum")
    include_sales: StrictBool = Field(default=True, description="Its sales count in the sum")

    def member(self) -> Member:
        return Member(**self.model_dump())


class CreateWarehouseRequest(ApiModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Literal["own", "manual", "combined"] = Field(
        default="own",
        description='`own`: stock by counts, adjustments and orders; `manual` (an "IP '
        "warehouse\"): stock by counts and adjustments only, never an order's source or "
        "destination; `combined`: the sum of its `members`, holding no stock of its own and in "
        "no order. FBA and FBM warehouses come with a connection",
    )
    members: list[MemberBody] | None = Field(
        default=None, max_length=MAX_MEMBERS, description=MEMBERS + "; combined only"
    )


class ChangeWarehouseRequest(ApiModel):
    """The fields to change (absent or null: unchanged)."""

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    enabled: StrictBool | None = Field(
        default=None,
        description="Your own warehouses only (FBA and FBM warehouses follow their connection: "
        "422). A disabled warehouse is no source or destination of new orders, nor a default "
        "source of a connection; it keeps its stock and history",
    )
    address: WarehouseAddress | None = Field(
        default=None,
        description="Your own warehouses only (422 for FBA and FBM): where it ships from, "
        "replaced whole. Saving a transfer to Amazon needs name, address_line_1, city, "
        "country_code, postal_code and phone_number",
    )
    members: list[MemberBody] | None = Field(
        default=None,
        max_length=MAX_MEMBERS,
        description=MEMBERS + "; combined warehouses only, replaced whole",
    )


class WarehouseChanged(ApiModel):
    warehouse_id: str
    name: str
    enabled: bool
    address: WarehouseAddress | None = None
    members: list[Member] = Field(default_factory=list, description="A combined warehouse's")
    version: int = Field(description="Version of the warehouse stream after this command")


class WarehouseCreated(ApiModel):
    warehouse_id: str
    version: int


class CountedLine(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN, description="Seller SKU, 1-100 characters")
    quantity: int = Field(ge=0, le=MAX_QUANTITY, description="Units counted on hand")


class StockCountRequest(ApiModel):
    lines: list[CountedLine] = Field(
        min_length=1, max_length=500, description="Each SKU at most once"
    )


class StockCounted(ApiModel):
    warehouse_id: str
    version: int
    counted_at: AwareDatetime


class AdjustedLine(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN, description="Seller SKU, 1-100 characters")
    delta: Integer = Field(
        ge=-MAX_QUANTITY,
        le=MAX_QUANTITY,
        description="Units added to on hand (negative: taken off; not zero). On hand may go "
        "below zero: a count sets it right",
    )
    reason: str = Field(
        min_length=1, max_length=200, pattern=r"\S", description="Why, e.g. damaged, found"
    )


class StockAdjustmentRequest(ApiModel):
    lines: list[AdjustedLine] = Field(
        min_length=1, max_length=500, description="Each SKU at most once"
    )


class StockAdjusted(ApiModel):
    warehouse_id: str
    version: int


class WarehouseList(ReadModel):
    items: list[Warehouse]
