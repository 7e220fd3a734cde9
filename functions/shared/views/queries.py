"""The read side the API calls: typed views by tenant, every key starting with the tenant."""

import json
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.event_store import EventStore
from domain.streams import StreamId, StreamKind
from functions.shared.projections.orders import sku_member
from functions.shared.tables import VIEWS_GSI1, VIEWS_GSI2
from functions.shared.views import keys, render
from functions.shared.views.cursor import CursorCodec, InvalidCursor
from functions.shared.views.docs import (
    ConnectionDoc,
    PurchaseOrderDoc,
    SalesOrderDoc,
    ShipmentDoc,
    StreamDoc,
    TransferOrderDoc,
    VendorDoc,
    WarehouseDoc,
    parse_doc,
)
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.models import (
    Connection,
    LedgerEntry,
    Page,
    PurchaseOrder,
    PurchaseOrderSummary,
    SalesOrder,
    ShipmentDetail,
    ShipmentSummary,
    StockDrift,
    StockRow,
    TransferOrderDetail,
    TransferOrderSummary,
    Vendor,
    Warehouse,
)
from functions.shared.views.stock_queries import StockQueries
from functions.shared.views.table import Condition, Partition, ViewTable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from functions.shared.views.assembly_queries import AssemblyOrderQueries
    from functions.shared.views.catch_up import CatchUp
    from functions.shared.views.planning_queries import PlanningQueries
    from functions.shared.views.product_queries import ProductQueries
    from functions.shared.views.replenishment_queries import ReplenishmentQueries

__all__ = ["InvalidCursor", "ViewQueries"]

D = TypeVar("D", bound=StreamDoc)


def stream_of(tenant_id: str, kind: StreamKind, entity_id: str) -> StreamId | None:
    """None for ids that cannot name a stream (e.g. containing the separator): not found."""
    try:
        return StreamId(tenant_id=tenant_id, kind=kind, entity_id=entity_id)
    except ValueError:
        return None


def doc_key(stream_id: StreamId) -> RowKey:
    return RowKey(pk=keys.doc_pk(stream_id), sk=keys.DOC)


class PurchaseOrderFilters(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str | None = None
    vendor_id: str | None = None
    destination_warehouse_id: str | None = None
    source_type: str | None = None
    sku: str | None = None
    expected_before: date | None = None
    expected_after: date | None = None


class ViewQueries:
    """Single resources are read your writes (see `catch_up.py`); lists are eventually
    consistent, each row showing the version of its stream it was rendered from."""

    def __init__(
        self, table_name: str, client: "DynamoDBClient", cursors: CursorCodec, log: EventStore
    ) -> None:
        self._table = ViewTable(table_name, client, cursors)
        self._stock = StockQueries(self._table)
        self._log = log

    # The readers of products, assemblies and planning are built (and their modules loaded) at
    # their first use: a cold start serving warehouses or orders needs none of them.

    @cached_property
    def products(self) -> "ProductQueries":
        from functions.shared.views.product_queries import ProductQueries

        return ProductQueries(self._table, self._stock, self._doc)

    @cached_property
    def assembly_orders(self) -> "AssemblyOrderQueries":
        from functions.shared.views.assembly_queries import AssemblyOrderQueries

        return AssemblyOrderQueries(self._table, self._doc)

    @cached_property
    def planning(self) -> "PlanningQueries":
        from functions.shared.views.planning_queries import PlanningQueries
        from functions.shared.views.sales_queries import SalesQueries

        return PlanningQueries(self.products, self._stock, SalesQueries(self._table))

    @cached_property
    def replenishment(self) -> "ReplenishmentQueries":
        from functions.shared.views.replenishment_queries import ReplenishmentQueries

        return ReplenishmentQueries(self.products, self._stock, self.planning, self.get_vendor)

    @cached_property
    def _catch_up(self) -> "CatchUp":
        """Built at the first single-resource read: it brings in every projection's code,
        which lists and commands do not need (a cold start that only lists never loads it)."""
        from functions.shared.views.catch_up import CatchUp

        return CatchUp(self._log)

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
        doc = self._doc(stream_of(tenant_id, StreamKind.SHIPMENT, shipment_id), ShipmentDoc)
        return render.shipment_detail(doc) if doc else None

    def list_transfer_orders(
        self, tenant_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[TransferOrderSummary]:
        path = Partition(keys.transfer_orders(tenant_id), VIEWS_GSI1)
        items, next_cursor = self._table.page(path, limit, cursor)
        docs = [parse_doc(item.data) for item in items]
        orders = [doc for doc in docs if isinstance(doc, TransferOrderDoc) and doc.order]
        related = self._table.get_many(
            [doc_key(s) for doc in orders for s in self._order_streams(tenant_id, doc) if s]
        )
        summaries = []
        for doc in orders:
            sales, purchase, _ = self._related(tenant_id, doc, related, catch_up=False)
            summary = render.transfer_order_summary(doc, sales, purchase)
            if summary is not None:
                summaries.append(summary)
        return Page[TransferOrderSummary](items=summaries, next_cursor=next_cursor)

    def get_transfer_order(
        self, tenant_id: str, transfer_order_id: str
    ) -> TransferOrderDetail | None:
        stream_id = stream_of(tenant_id, StreamKind.TRANSFER_ORDER, transfer_order_id)
        doc = self._doc(stream_id, TransferOrderDoc)
        if doc is None or doc.order is None:
            return None
        related = self._table.get_many(
            [doc_key(s) for s in self._order_streams(tenant_id, doc) if s is not None]
        )
        sales, purchase, shipment = self._related(tenant_id, doc, related, catch_up=True)
        return render.transfer_order_detail(doc, sales, purchase, shipment)

    def get_sales_order(self, tenant_id: str, sales_order_id: str) -> SalesOrder | None:
        doc = self._doc(stream_of(tenant_id, StreamKind.SALES_ORDER, sales_order_id), SalesOrderDoc)
        return render.sales_order_view(doc) if doc else None

    def get_purchase_order(self, tenant_id: str, purchase_order_id: str) -> PurchaseOrder | None:
        stream_id = stream_of(tenant_id, StreamKind.PURCHASE_ORDER, purchase_order_id)
        doc = self._doc(stream_id, PurchaseOrderDoc)
        return render.purchase_order_view(doc) if doc else None

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

    def list_warehouses(self, tenant_id: str) -> list[Warehouse]:
        docs = self._table.all(Partition(keys.warehouses(tenant_id), VIEWS_GSI1))
        views = (render.warehouse_view(_as(WarehouseDoc, item)) for item in docs)
        return [view for view in views if view is not None]

    def get_warehouse(self, tenant_id: str, warehouse_id: str) -> Warehouse | None:
        doc = self._doc(stream_of(tenant_id, StreamKind.WAREHOUSE, warehouse_id), WarehouseDoc)
        return render.warehouse_view(doc) if doc else None

    def sales_warehouses(self, tenant_id: str, warehouse_id: str) -> tuple[str, ...]:
        """The warehouses whose sales `warehouse_id` shows: itself, or a combined warehouse's
        members with `include_sales`, nested combined ones resolved (InvalidCommand past the
        limits of `domain.combined_warehouse`)."""
        members = self._stock.members.sales(tenant_id, warehouse_id)
        return (warehouse_id,) if members is None else members

    def list_connections(self, tenant_id: str) -> list[Connection]:
        docs = self._table.all(Partition(keys.connections(tenant_id), VIEWS_GSI1))
        views = (render.connection_view(_as(ConnectionDoc, item)) for item in docs)
        return [view for view in views if view is not None]

    def get_connection(self, tenant_id: str, connection_id: str) -> Connection | None:
        stream_id = stream_of(tenant_id, StreamKind.CONNECTION, connection_id)
        doc = self._doc(stream_id, ConnectionDoc)
        return render.connection_view(doc) if doc else None

    def list_vendors(
        self, tenant_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[Vendor]:
        path = Partition(keys.vendors(tenant_id), VIEWS_GSI1)
        items, next_cursor = self._table.page(path, limit, cursor)
        views = (render.vendor_view(_as(VendorDoc, item)) for item in items)
        return Page[Vendor](items=[v for v in views if v is not None], next_cursor=next_cursor)

    def get_vendor(self, tenant_id: str, vendor_id: str) -> Vendor | None:
        doc = self._doc(stream_of(tenant_id, StreamKind.VENDOR, vendor_id), VendorDoc)
        return render.vendor_view(doc) if doc else None

    def get_stock(
        self,
        tenant_id: str,
        warehouse_id: str | None = None,
        sku: str | None = None,
        as_of: AwareDatetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
        now: AwareDatetime | None = None,
    ) -> Page[StockRow]:
        """`now`: the instant "ignore unreceived" is judged at (None: not judged)."""
        return self._stock.stock(tenant_id, warehouse_id, sku, as_of, limit, cursor, now)

    def get_ledger(
        self,
        tenant_id: str,
        warehouse_id: str,
        sku: str,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[LedgerEntry]:
        return self._stock.ledger(tenant_id, warehouse_id, sku, limit, cursor)

    def get_drift(
        self, tenant_id: str, warehouse_id: str, tolerance: int, limit: int, cursor: str | None
    ) -> Page[StockDrift]:
        from functions.shared.views.drift_queries import DriftQueries

        return DriftQueries(self._table).drift(tenant_id, warehouse_id, tolerance, limit, cursor)

    def _doc(self, stream_id: StreamId | None, kind: type[D]) -> D | None:
        """The stream's doc as of its latest event (None: no such stream)."""
        if stream_id is None:
            return None
        item = self._table.get(doc_key(stream_id))
        return self._caught_up(stream_id, _as(kind, item) if item else None, kind)

    def _caught_up(self, stream_id: StreamId, doc: D | None, kind: type[D]) -> D | None:
        fresh = self._catch_up.doc(stream_id, doc)
        return _checked(kind, fresh, stream_id) if fresh is not None else None

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
        so = self._found(found, so_stream, SalesOrderDoc, catch_up)
        po = self._found(found, po_stream, PurchaseOrderDoc, catch_up)
        shipment = self._found(found, shipment_stream, ShipmentDoc, catch_up)
        return (
            render.sales_order_view(so) if so else None,
            render.purchase_order_view(po) if po else None,
            render.shipment_summary(shipment) if shipment else None,
        )

    def _found(
        self,
        found: dict[RowKey, ViewItem],
        stream_id: StreamId | None,
        kind: type[D],
        catch_up: bool,
    ) -> D | None:
        if stream_id is None:
            return None
        item = found.get(doc_key(stream_id))
        doc = _as(kind, item) if item else None
        return self._caught_up(stream_id, doc, kind) if catch_up else doc


def purchase_order_row(item: ViewItem) -> PurchaseOrderSummary:
    return PurchaseOrderSummary.model_validate({**json.loads(item.data), "version": item.rev})


def shipment_row(item: ViewItem) -> ShipmentSummary:
    """A list row: the summary as rendered, at the version that rendered it."""
    return ShipmentSummary.model_validate({**json.loads(item.data), "version": item.rev})


def _as(kind: type[D], item: ViewItem) -> D:
    return _checked(kind, parse_doc(item.data), item.pk)


def _checked(kind: type[D], doc: StreamDoc, where: object) -> D:
    if not isinstance(doc, kind):
        raise TypeError(f"{where} holds a {type(doc).__name__}, not a {kind.__name__}")
    return doc
