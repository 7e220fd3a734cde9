"""Bodies and answers of /products and /listings."""

from pydantic import Field

from domain.products.product import MAX_BARCODE, MAX_NAME
from functions.api.models.common import ID_PATTERN, SKU_PATTERN, ApiModel, ReadModel
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
