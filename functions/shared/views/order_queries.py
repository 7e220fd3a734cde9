"""Inbound shipments and the orders they become, as the API reads them: one resource read your
writes (its doc caught up with its stream), lists eventually consistent, newest first."""

import json
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.streams import StreamId, StreamKind
from functions.shared.projections.orders import sku_member
from functions.shared.tables import VIEWS_GSI1, VIEWS_GSI2
from functions.shared.views import keys, order_render, shipment_render
from functions.shared.views.doc_reads import DocReads, as_doc, doc_key, stream_of
from functions.shared.views.docs.purchase_order import PurchaseOrderDoc
from functions.shared.views.docs.sales_order import SalesOrderDoc
from functions.shared.views.docs.shipment import ShipmentDoc
from functions.shared.views.docs.transfer_order import TransferOrderDoc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.models import Page
from functions.shared.views.order_models import (
    PurchaseOrder,
    PurchaseOrderSummary,
    SalesOrder,
    TransferOrderDetail,
    TransferOrderSummary,
)
from functions.shared.views.shipment_models import ShipmentDetail, ShipmentSummary
from functions.shared.views.table import Condition, Partition, ViewTable


class PurchaseOrderFilters(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str | None = None
    vendor_id: str | None = None
    destination_warehouse_id: str | None = None
    source_type: str | None = None
    sku: str | None = None
    expected_before: date | None = None
    expected_after: date | None = None


class OrderQueries:
    def __init__(self, table: ViewTable, reads: DocReads) -> None:
        self._table = table
        self._reads = reads

    def list_shipments(
        self,
        tenant_id: str,
        status: str | None = None,
        reconciled: bool | None = None,
        connection_id: str | None = None,
        marketplace_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ShipmentSummary]:
        """Newest first by discovery. The most selective filter picks the key path; the others
        filter that path's items."""
        wanted = {
            "status": status,
            "connection_id": connection_id,
            "marketplace_id": marketplace_id,
            "reconciled": None if reconciled is None else ("yes" if reconciled else "no"),
        }
        filters = {name: value for name, value in wanted.items() if value is not None}
        if status is not None:
            path = Partition(keys.shipments_by(tenant_id, "STATUS", status), VIEWS_GSI1)
            filters.pop("status")
        elif connection_id is not None:
            path = Partition(keys.shipments_by(tenant_id, "CONNECTION", connection_id))
            filters.pop("connection_id")
        elif marketplace_id is not None:
            path = Partition(
                keys.shipments_by(tenant_id, "MARKETPLACE", marketplace_id), VIEWS_GSI1
            )
            filters.pop("marketplace_id")
        elif "reconciled" in filters:
            path = Partition(
                keys.shipments_by(tenant_id, "RECONCILED", filters.pop("reconciled")), VIEWS_GSI2
            )
        else:
            path = Partition(keys.shipments(tenant_id))
        items, next_cursor = self._table.page(path, limit, cursor, filters)
        return Page[ShipmentSummary](
            items=[shipment_row(item) for item in items], next_cursor=next_cursor
        )

    def get_shipment(self, tenant_id: str, shipment_id: str) -> ShipmentDetail | None:
        doc = self._reads.doc(stream_of(tenant_id, StreamKind.SHIPMENT, shipment_id), ShipmentDoc)
        return shipment_render.shipment_detail(doc) if doc else None

    def list_transfer_orders(
        self, tenant_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[TransferOrderSummary]:
        path = Partition(keys.transfer_orders(tenant_id), VIEWS_GSI1)
        items, next_cursor = self._table.page(path, limit, cursor)
        docs = [as_doc(TransferOrderDoc, item) for item in items]
        orders = [doc for doc in docs if doc.order]
        related = self._table.get_many(
            [doc_key(s) for doc in orders for s in self._order_streams(tenant_id, doc) if s]
        )
        summaries = []
        for doc in orders:
            sales, purchase, _ = self._related(tenant_id, doc, related, catch_up=False)
            summary = order_render.transfer_order_summary(doc, sales, purchase)
            if summary is not None:
                summaries.append(summary)
        return Page[TransferOrderSummary](items=summaries, next_cursor=next_cursor)

    def get_transfer_order(
        self, tenant_id: str, transfer_order_id: str
    ) -> TransferOrderDetail | None:
        stream_id = stream_of(tenant_id, StreamKind.TRANSFER_ORDER, transfer_order_id)
        doc = self._reads.doc(stream_id, TransferOrderDoc)
        if doc is None or doc.order is None:
            return None
        related = self._table.get_many(
            [doc_key(s) for s in self._order_streams(tenant_id, doc) if s is not None]
        )
        sales, purchase, shipment = self._related(tenant_id, doc, related, catch_up=True)
        return order_render.transfer_order_detail(doc, sales, purchase, shipment)

    def get_sales_order(self, tenant_id: str, sales_order_id: str) -> SalesOrder | None:
        doc = self._reads.doc(
            stream_of(tenant_id, StreamKind.SALES_ORDER, sales_order_id), SalesOrderDoc
        )
        return order_render.sales_order_view(doc) if doc else None

    def get_purchase_order(self, tenant_id: str, purchase_order_id: str) -> PurchaseOrder | None:
        stream_id = stream_of(tenant_id, StreamKind.PURCHASE_ORDER, purchase_order_id)
        doc = self._reads.doc(stream_id, PurchaseOrderDoc)
        return order_render.purchase_order_view(doc) if doc else None

    def list_purchase_orders(
        self,
        tenant_id: str,
        filters: PurchaseOrderFilters,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[PurchaseOrderSummary]:
        """Newest first. A status or vendor picks the key path; the other filters filter it."""
        equal = {
            name: value
            for name, value in {
                "status": filters.status,
                "vendor_id": filters.vendor_id,
                "destination_warehouse_id": filters.destination_warehouse_id,
                "source_type": filters.source_type,
            }.items()
            if value is not None
        }
        if "status" in equal:
            path = Partition(
                keys.purchase_orders_by(tenant_id, "STATUS", equal.pop("status")), VIEWS_GSI1
            )
        elif "vendor_id" in equal:
            path = Partition(
                keys.purchase_orders_by(tenant_id, "VENDOR", equal.pop("vendor_id")), VIEWS_GSI2
            )
        else:
            path = Partition(keys.purchase_orders(tenant_id))
        conditions = []
        if filters.sku is not None:
            conditions.append(Condition("skus", "contains", sku_member(filters.sku)))
        if filters.expected_before is not None:
            conditions.append(Condition("expected_date", "<", filters.expected_before.isoformat()))
        if filters.expected_after is not None:
            # Strictly after; orders with no expected date sort last and never match.
            after = filters.expected_after.isoformat()
            conditions += [
                Condition("expected_date", ">", after),
                Condition("expected_date", "<", date.max.isoformat()),
            ]
        items, next_cursor = self._table.page(path, limit, cursor, equal, conditions=conditions)
        return Page[PurchaseOrderSummary](
            items=[purchase_order_row(item) for item in items], next_cursor=next_cursor
        )

    def _order_streams(self, tenant_id: str, doc: TransferOrderDoc) -> list[StreamId | None]:
        assert doc.order is not None
        return [
            stream_of(tenant_id, StreamKind.SALES_ORDER, doc.order.sales_order_id),
            stream_of(tenant_id, StreamKind.PURCHASE_ORDER, doc.order.purchase_order_id),
            stream_of(tenant_id, StreamKind.SHIPMENT, doc.order.shipment_id)
            if doc.order.shipment_id
            else None,
        ]

    def _related(
        self,
        tenant_id: str,
        doc: TransferOrderDoc,
        found: dict[RowKey, ViewItem],
        *,
        catch_up: bool,
    ) -> tuple[SalesOrder | None, PurchaseOrder | None, ShipmentSummary | None]:
        so_stream, po_stream, shipment_stream = self._order_streams(tenant_id, doc)
        so = self._reads.found(found, so_stream, SalesOrderDoc, catch_up)
        po = self._reads.found(found, po_stream, PurchaseOrderDoc, catch_up)
        shipment = self._reads.found(found, shipment_stream, ShipmentDoc, catch_up)
        return (
            order_render.sales_order_view(so) if so else None,
            order_render.purchase_order_view(po) if po else None,
            shipment_render.shipment_summary(shipment) if shipment else None,
        )


def purchase_order_row(item: ViewItem) -> PurchaseOrderSummary:
    return PurchaseOrderSummary.model_validate({**json.loads(item.data), "version": item.rev})


def shipment_row(item: ViewItem) -> ShipmentSummary:
    """A list row: the summary as rendered, at the version that rendered it."""
    return ShipmentSummary.model_validate({**json.loads(item.data), "version": item.rev})
