"""Bodies of /sales-orders and /purchase-orders (commands)."""

from typing import Literal

from pydantic import Field

from functions.api.models.common import ApiModel, ReadModel
from functions.shared.views.order_models import TransferOrderSummary


class SalesOrderStatusRequest(ApiModel):
    status: Literal["shipped"] = Field(description="The only status a user sets: the goods left")


class SalesOrderStatusChanged(ApiModel):
    sales_order_id: str
    status: Literal["shipped"]
    version: int
    purchase_order_id: str | None = Field(
        default=None, description="Its purchase order, whose units are now in transit"
    )


class WrittenOffLine(ApiModel):
    sku: str
    quantity: int = Field(description="Units written off: missing when Amazon closed the shipment")


class DiscrepancyAcknowledged(ApiModel):
    purchase_order_id: str
    version: int
    written_off: list[WrittenOffLine]


class TransferOrderPage(ReadModel):
    items: list[TransferOrderSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
