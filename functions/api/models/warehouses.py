"""Bodies of /warehouses."""

from typing import Literal

from pydantic import AwareDatetime, Field

from functions.api.models.common import MAX_QUANTITY, SKU_PATTERN, ApiModel, ReadModel
from functions.shared.views.models import Warehouse


class CreateWarehouseRequest(ApiModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Literal["own"] = Field(
        default="own",
        description="Only your own warehouses are created here; FBA and FBM "
        "warehouses come with a connection",
    )


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
