"""Bodies and answers of /products and /listings."""

from pydantic import Field

from domain.products.product import MAX_BARCODE, MAX_FORECAST_UNITS, MAX_NAME
from domain.replenishment.forecast import Method
from domain.replenishment.order import MAX_DAYS_OF_STOCK, MAX_LEAD_TIME_DAYS
from functions.api.models.common import (
    ID_PATTERN,
    SKU_PATTERN,
    ApiModel,
    Integer,
    IsoDate,
    ReadModel,
)
from functions.shared.views.product_models import (
    Listing,
    Product,
    ProductLedgerEntry,
    ProductStock,
)

NAME = r"\S"  # not blank


class CreateProductRequest(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN, description="The product's own SKU, 1-100 characters")
    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=NAME)
    barcode: str | None = Field(
        default=None, min_length=1, max_length=MAX_BARCODE, pattern=r"^[A-Za-z0-9-]+$"
    )


class PlanningRequest(ApiModel):
    forecast_method: Method = Field(
        default=Method.LAST_DAYS,
        description="`last_days`: the average over the last `forecast_days` days in stock; "
        "`trend`: the last 6 months with a linear trend; `seasonal`: last year's same months "
        "scaled by this year's growth (`last_days` under 12 months of history)",
    )
    forecast_days: Integer = Field(default=90, ge=7, le=365)
    lead_time_days: Integer | None = Field(
        default=None, ge=0, le=MAX_LEAD_TIME_DAYS, description="null: the vendor's lead time"
    )
    days_of_stock: Integer = Field(default=30, ge=1, le=MAX_DAYS_OF_STOCK)
    vendor_id: str | None = Field(default=None, pattern=ID_PATTERN)


class ChangeProductRequest(ApiModel):
    """The fields to change (absent or null: unchanged); `planning` replaces the whole set."""

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME, pattern=NAME)
    barcode: str | None = Field(
        default=None, min_length=1, max_length=MAX_BARCODE, pattern=r"^[A-Za-z0-9-]+$"
    )
    planning: PlanningRequest | None = None


class ForecastEditRequest(ApiModel):
    month: IsoDate = Field(description="The month's first day, this month or later")
    units: Integer | None = Field(
        ge=0, le=MAX_FORECAST_UNITS, description="The month's units; null removes the edit"
    )


class ProductChanged(ApiModel):
    product_id: str
    version: int = Field(description="Unchanged when the request changed nothing")


class ProductCreated(ApiModel):
    product_id: str
    version: int


class MapListingRequest(ApiModel):
    product_id: str = Field(pattern=ID_PATTERN, description="The product the listing maps to")


class ListingMapped(ApiModel):
    listing_id: str
    product_id: str
    version: int = Field(description="Unchanged when the listing already was mapped so")


class ProductDetail(Product):
    listings: list[Listing] = Field(description="Its listings, by warehouse and seller SKU")


class ProductPage(ReadModel):
    items: list[Product]
    next_cursor: str | None = None


class ListingPage(ReadModel):
    items: list[Listing]
    next_cursor: str | None = None


class ProductStockList(ReadModel):
    items: list[ProductStock]


class ProductLedgerPage(ReadModel):
    items: list[ProductLedgerEntry]
    next_cursor: str | None = None
