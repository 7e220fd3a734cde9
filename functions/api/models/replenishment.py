"""Bodies and results of the replenishment commands: purchase orders from the recommendations,
transfer orders from compare warehouses."""

from typing import Annotated

from pydantic import AfterValidator, Field

from functions.api.models.common import ID_PATTERN, MAX_QUANTITY, ApiModel, Integer

MAX_PRODUCTS = 200  # products a request orders from (named, or read from the catalogue)
MAX_TRANSFERS = 10
Id = Annotated[str, Field(pattern=ID_PATTERN)]


def _each_once(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("each product id may appear only once")
    return ids


class ReplenishmentOrderRequest(ApiModel):
    warehouse_id: Id = Field(description="Where the goods go (own, FBM or FBA warehouse)")
    vendor_id: Id | None = Field(
        default=None,
        description="Order only this vendor's products; absent: one order per vendor of the "
        "products to order",
    )
    product_ids: (
        Annotated[
            list[Id],
            Field(min_length=1, max_length=MAX_PRODUCTS, json_schema_extra={"uniqueItems": True}),
            AfterValidator(_each_once),
        ]
        | None
    ) = Field(
        default=None,
        description=f"Only these products (1-{MAX_PRODUCTS}); absent: every product of the "
        f"vendor(s), read from the catalogue (at most {MAX_PRODUCTS}: name them past that)",
    )


class ReplenishmentOrder(ApiModel):
    purchase_order_id: str
    vendor_id: str
    lines: int = Field(description="Products ordered, one line each")
    units: int
    version: int


class ReplenishmentOrders(ApiModel):
    purchase_orders: list[ReplenishmentOrder] = Field(description="One per vendor, by vendor id")


class TransferRequest(ApiModel):
    source_warehouse_id: Id = Field(description="One of your own warehouses")
    destination_warehouse_id: Id
    quantity: Integer = Field(ge=1, le=MAX_QUANTITY, description="Units of the product")


class CompareTransferOrdersRequest(ApiModel):
    product_id: Id
    transfers: list[TransferRequest] = Field(
        min_length=1,
        max_length=MAX_TRANSFERS,
        description=f"1-{MAX_TRANSFERS} transfers, e.g. the `transfers` of GET "
        "/reports/compare-warehouses; created together or not at all",
    )


class TransferCreated(ApiModel):
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    quantity: int
    version: int


class CompareTransferOrders(ApiModel):
    transfer_orders: list[TransferCreated] = Field(description="In the order of the request")
