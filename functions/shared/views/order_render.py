"""Rendering the read models of stock orders from their docs (pure)."""

from typing import TYPE_CHECKING

from functions.shared.views.order_models import (
    OrderLine,
    PlanDifference,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderSummary,
    SalesOrder,
    SalesOrderLine,
    TransferOrderDetail,
    TransferOrderSummary,
)
from functions.shared.views.shipment_models import ShipmentSummary

if TYPE_CHECKING:  # a doc kind's module loads with the first doc of that kind read
    from functions.shared.views.docs.purchase_order import PurchaseOrderDoc
    from functions.shared.views.docs.sales_order import SalesOrderDoc
    from functions.shared.views.docs.transfer_order import TransferOrderDoc


def sales_order_view(doc: "SalesOrderDoc") -> SalesOrder | None:
    order = doc.order
    if order is None:
        return None
    return SalesOrder(
        sales_order_id=order.sales_order_id,
        transfer_order_id=order.transfer_order_id,
        warehouse_id=order.warehouse_id,
        status=order.status.value,
        shipped_at=order.shipped_at,
        lines=[
            SalesOrderLine(
                sku=line.sku, quantity=line.quantity, shipped_over_plan=line.shipped_over_plan
            )
            for line in order.lines
        ],
        version=doc.version,
    )


def purchase_order_summary(doc: "PurchaseOrderDoc") -> PurchaseOrderSummary | None:
    order = doc.order
    if order is None:
        return None
    lines = order.lines.values()
    return PurchaseOrderSummary(
        purchase_order_id=order.purchase_order_id,
        source_type=order.source_type.value,
        vendor_id=order.vendor_id,
        transfer_order_id=order.transfer_order_id,
        destination_warehouse_id=order.warehouse_id,
        warehouse_id=order.warehouse_id,
        shipment_id=order.shipment_id,
        shipment_ids=list(order.shipment_ids),
        locked=order.locked,
        received_by_amazon=order.received_by_amazon,
        reference=order.reference,
        expected_date=order.expected_date,
        status=order.status.value,
        shipped=order.shipped,
        created_at=doc.created_at,
        units_ordered=sum(line.quantity_ordered for line in lines),
        units_received=sum(line.quantity_received for line in lines),
        version=doc.version,
    )


def purchase_order_view(doc: "PurchaseOrderDoc") -> PurchaseOrder | None:
    summary = purchase_order_summary(doc)
    if summary is None or doc.order is None:
        return None
    open_discrepancies = {d.sku: d.quantity for d in doc.order.open_discrepancies()}
    return PurchaseOrder(
        **summary.__dict__,
        lines=[
            PurchaseOrderLine(
                sku=line.sku,
                quantity_ordered=line.quantity_ordered,
                quantity_received=line.quantity_received,
                discrepancy=open_discrepancies.get(line.sku, 0),
                written_off=line.written_off,
                unit_cost=line.unit_cost,
            )
            for line in sorted(doc.order.lines.values(), key=lambda line: line.sku)
        ],
        plan_differences=[
            PlanDifference(sku=c.sku, ordered=c.from_quantity, planned=c.to_quantity)
            for c in doc.order.bound_differences
        ],
    )


def transfer_order_summary(
    doc: "TransferOrderDoc", sales: SalesOrder | None, purchase: PurchaseOrder | None
) -> TransferOrderSummary | None:
    order = doc.order
    if order is None or doc.created_at is None:
        return None
    return TransferOrderSummary(
        **order.model_dump(exclude={"lines"}),
        created_at=doc.created_at,
        units=sum(line.quantity for line in order.lines),
        sales_order_status=sales.status if sales else None,
        purchase_order_status=purchase.status if purchase else None,
        version=doc.version,
    )


def transfer_order_detail(
    doc: "TransferOrderDoc",
    sales: SalesOrder | None,
    purchase: PurchaseOrder | None,
    shipment: ShipmentSummary | None,
) -> TransferOrderDetail | None:
    summary = transfer_order_summary(doc, sales, purchase)
    if summary is None or doc.order is None:
        return None
    return TransferOrderDetail(
        **summary.model_dump(),
        lines=[OrderLine(sku=line.sku, quantity=line.quantity) for line in doc.order.lines],
        sales_order=sales,
        purchase_order=purchase,
        shipment=shipment,
    )
