"""The read models of stock orders: transfer, purchase and sales orders (see `models.py`)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from functions.shared.views.models import View
from functions.shared.views.shipment_models import ShipmentSummary


class OrderLine(View):
    sku: str
    quantity: int


class SalesOrderLine(OrderLine):
    quantity: int = Field(description="Amazon's plan (QuantityShipped) while the order is bound")
    shipped_over_plan: int = Field(
        description="Units Amazon received beyond the plan: they left the source too"
    )


class SalesOrder(View):
    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str = Field(description="The source warehouse")
    status: str = Field(description="`open`, `shipped` or `cancelled`")
    shipped_at: AwareDatetime | None = Field(
        description="When the goods left: the user's time, or Amazon's first observation of it"
    )
    lines: list[SalesOrderLine]
    version: int


class PurchaseOrderLine(View):
    sku: str
    quantity_ordered: int
    quantity_received: int
    discrepancy: int = Field(
        description="Once closed (by Amazon with its shipment, or by you): units still "
        "missing, less written off"
    )
    written_off: int
    unit_cost: Decimal | None = Field(
        default=None, description="In the vendor's currency (purchase orders from a vendor)"
    )


class PurchaseOrderSummary(View):
    purchase_order_id: str
    type: Literal["purchase_order"] = "purchase_order"
    source_type: str = Field(
        description="`vendor` (bought from a vendor), `warehouse` (the inbound half of a "
        "transfer order) or `unknown`"
    )
    vendor_id: str | None = Field(description="The vendor, for `source_type` vendor")
    transfer_order_id: str | None = Field(
        description="Its transfer order, if it is the inbound half of one"
    )
    destination_warehouse_id: str
    warehouse_id: str = Field(description="Same as `destination_warehouse_id` (older name)")
    shipment_id: str | None = Field(description="The FBA shipment it is bound to, if any")
    shipment_ids: list[str] = Field(description="The FBA shipments bound to it (zero or more)")
    locked: bool = Field(
        description="True while Amazon owns it (bound to an FBA shipment): edit it in Seller "
        "Central; changes sync back"
    )
    received_by_amazon: bool = Field(description="Into an FBA warehouse: only Amazon receives it")
    reference: str | None
    expected_date: date | None
    status: str = Field(
        description="`open`, `partially_received`, `received` (also: closed in full), "
        "`closed_short` or `cancelled`"
    )
    shipped: bool = Field(description="The goods left their source (transfers and FBA orders)")
    created_at: AwareDatetime | None = Field(description="null for orders the views have not dated")
    units_ordered: int
    units_received: int
    version: int = Field(
        description="Version of the order this answer shows (lists can lag a read of the "
        "order itself)"
    )


class PlanDifference(View):
    sku: str
    ordered: int = Field(description="On the purchase order when it was bound")
    planned: int = Field(description="In Amazon's plan: the order follows it from now on")


class PurchaseOrder(PurchaseOrderSummary):
    lines: list[PurchaseOrderLine]
    plan_differences: list[PlanDifference] = Field(
        description="Reconciled to a shipment after it was placed: its lines that differed "
        "from Amazon's plan then"
    )


class TransferOrderSummary(View):
    transfer_order_id: str
    shipment_id: str | None = Field(
        description="The (first) FBA shipment it is bound to: reconciled from, or made by "
        "saving it to Amazon; null while bound to none"
    )
    shipment_ids: list[str] = Field(
        default_factory=list,
        description="Every FBA shipment it is bound to (several when Amazon split it)",
    )
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    created_at: AwareDatetime
    units: int
    sales_order_status: str | None = Field(description="null until the view has the order")
    purchase_order_status: str | None = Field(description="null until the view has the order")
    version: int = Field(
        description="Version of the transfer order this answer shows (lists can lag a read "
        "of the order itself)"
    )


class TransferOrderDetail(TransferOrderSummary):
    lines: list[OrderLine]
    sales_order: SalesOrder | None
    purchase_order: PurchaseOrder | None
    shipment: ShipmentSummary | None
