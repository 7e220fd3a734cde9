"""Bodies of /warehouses."""

from typing import Literal

from pydantic import AwareDatetime, Field, StrictBool

from domain.warehouse import WarehouseAddress
from functions.api.models.common import MAX_QUANTITY, SKU_PATTERN, ApiModel, ReadModel
from functions.shared.views.models import Warehouse


class CreateWarehouseRequest(ApiModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Literal["own"] = Field(
        default="own",
        description="Only your own warehouses are created here; FBA and FBM "
        "warehouses come with a connection",
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


class WarehouseChanged(ApiModel):
    warehouse_id: str
    name: str
    enabled: bool
    address: WarehouseAddress | None = None
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


class WarehouseList(ReadModel):
    items: list[Warehouse]
