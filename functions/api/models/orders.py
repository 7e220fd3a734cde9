"""Bodies of /sales-orders and /purchase-orders (commands)."""

from typing import Literal

from pydantic import AwareDatetime, Field

from functions.api.models.common import ApiModel, ReadModel
from functions.api.models.shipments import ShipmentSummary


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


class OrderLine(ReadModel):
    sku: str
    quantity: int


class SalesOrderLine(OrderLine):
    quantity: int = Field(description="Amazon's plan (QuantityShipped) while the order is bound")
    shipped_over_plan: int = Field(
        description="Units Amazon received beyond the plan: they left the source too"
    )


class SalesOrder(ReadModel):
    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str = Field(description="The source warehouse")
    status: str = Field(description="`open`, `shipped` or `cancelled`")
    shipped_at: AwareDatetime | None = Field(
        description="When the goods left: the user's time, or Amazon's first observation of it"
    )
    lines: list[SalesOrderLine]
    version: int


class PurchaseOrderLine(ReadModel):
    sku: str
    quantity_ordered: int
    quantity_received: int
    discrepancy: int = Field(
        description="After Amazon closed the shipment: units still missing, less written off"
    )
    written_off: int


class PurchaseOrder(ReadModel):
    purchase_order_id: str
    transfer_order_id: str
    shipment_id: str
    warehouse_id: str = Field(description="The FBA warehouse")
    status: str = Field(
        description="`open`, `partially_received`, `received` (also: closed in full), "
        "`closed_short` or `cancelled`"
    )
    shipped: bool
    lines: list[PurchaseOrderLine]
    version: int


class TransferOrderSummary(ReadModel):
    transfer_order_id: str
    shipment_id: str
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    created_at: AwareDatetime
    units: int
    sales_order_status: str | None = Field(description="null until the view has the order")
    purchase_order_status: str | None = Field(description="null until the view has the order")


class TransferOrderDetail(TransferOrderSummary):
    lines: list[OrderLine]
    sales_order: SalesOrder | None
    purchase_order: PurchaseOrder | None
    shipment: ShipmentSummary | None


class TransferOrderPage(ReadModel):
    items: list[TransferOrderSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
