"""The read side the API calls: typed views by tenant, every key starting with the tenant."""

from functools import cached_property
from typing import TYPE_CHECKING, cast

from pydantic import AwareDatetime

from domain.event_store import EventStore
from domain.streams import StreamKind
from functions.shared.tables import VIEWS_GSI1
from functions.shared.views import keys, setup_render
from functions.shared.views.cursor import CursorCodec, InvalidCursor
from functions.shared.views.doc_reads import DocReads, as_doc, stream_of
from functions.shared.views.docs import doc_type
from functions.shared.views.docs.warehouse import WarehouseDoc
from functions.shared.views.models import Page
from functions.shared.views.setup_models import Connection, Vendor, Warehouse
from functions.shared.views.table import Partition, ViewTable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from functions.shared.views.assembly_queries import AssemblyOrderQueries
    from functions.shared.views.docs.connection import ConnectionDoc
    from functions.shared.views.docs.vendor import VendorDoc
    from functions.shared.views.order_queries import OrderQueries
    from functions.shared.views.planning_queries import PlanningQueries
    from functions.shared.views.product_queries import ProductQueries
    from functions.shared.views.replenishment_queries import ReplenishmentQueries
    from functions.shared.views.stock_models import LedgerEntry, StockDrift, StockRow
    from functions.shared.views.stock_queries import StockQueries

__all__ = ["InvalidCursor", "ViewQueries"]


class ViewQueries:
    """Single resources are read your writes (see `catch_up.py`); lists are eventually
    consistent, each row showing the version of its stream it was rendered from."""

    def __init__(
        self, table_name: str, client: "DynamoDBClient", cursors: CursorCodec, log: EventStore
    ) -> None:
        self._table = ViewTable(table_name, client, cursors)
        self._reads = DocReads(self._table, log)

    # The readers of stock, shipments and orders, products, assemblies and planning are built
    # (and their modules loaded) at their first use: a cold start serving warehouses needs none.

    @cached_property
    def _stock(self) -> "StockQueries":
        from functions.shared.views.stock_queries import StockQueries

        return StockQueries(self._table)

    @cached_property
    def orders(self) -> "OrderQueries":
        from functions.shared.views.order_queries import OrderQueries

        return OrderQueries(self._table, self._reads)

    @cached_property
    def products(self) -> "ProductQueries":
        from functions.shared.views.product_queries import ProductQueries

        return ProductQueries(self._table, self._stock, self._reads)

    @cached_property
    def assembly_orders(self) -> "AssemblyOrderQueries":
        from functions.shared.views.assembly_queries import AssemblyOrderQueries

        return AssemblyOrderQueries(self._table, self._reads)

    @cached_property
    def planning(self) -> "PlanningQueries":
        from functions.shared.views.planning_queries import PlanningQueries
        from functions.shared.views.sales_queries import SalesQueries

        return PlanningQueries(self.products, self._stock, SalesQueries(self._table))

    @cached_property
    def replenishment(self) -> "ReplenishmentQueries":
        from functions.shared.views.replenishment_queries import ReplenishmentQueries

        return ReplenishmentQueries(self.products, self._stock, self.planning, self.get_vendor)

    def list_warehouses(self, tenant_id: str) -> list[Warehouse]:
        docs = self._table.all(Partition(keys.warehouses(tenant_id), VIEWS_GSI1))
        views = (setup_render.warehouse_view(as_doc(WarehouseDoc, item)) for item in docs)
        return [view for view in views if view is not None]

    def get_warehouse(self, tenant_id: str, warehouse_id: str) -> Warehouse | None:
        doc = self._reads.doc(
            stream_of(tenant_id, StreamKind.WAREHOUSE, warehouse_id), WarehouseDoc
        )
        return setup_render.warehouse_view(doc) if doc else None

    def sales_warehouses(self, tenant_id: str, warehouse_id: str) -> tuple[str, ...]:
        """The warehouses whose sales `warehouse_id` shows: itself, or a combined warehouse's
        members with `include_sales`, nested combined ones resolved (InvalidCommand past the
        limits of `domain.combined_warehouse`)."""
        members = self._stock.members.sales(tenant_id, warehouse_id)
        return (warehouse_id,) if members is None else members

    def list_connections(self, tenant_id: str) -> list[Connection]:
        docs = self._table.all(Partition(keys.connections(tenant_id), VIEWS_GSI1))
        views = (setup_render.connection_view(as_doc(_connection_doc(), item)) for item in docs)
        return [view for view in views if view is not None]

    def get_connection(self, tenant_id: str, connection_id: str) -> Connection | None:
        stream_id = stream_of(tenant_id, StreamKind.CONNECTION, connection_id)
        doc = self._reads.doc(stream_id, _connection_doc())
        return setup_render.connection_view(doc) if doc else None

    def list_vendors(
        self, tenant_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[Vendor]:
        path = Partition(keys.vendors(tenant_id), VIEWS_GSI1)
        items, next_cursor = self._table.page(path, limit, cursor)
        views = (setup_render.vendor_view(as_doc(_vendor_doc(), item)) for item in items)
        return Page[Vendor](items=[v for v in views if v is not None], next_cursor=next_cursor)

    def get_vendor(self, tenant_id: str, vendor_id: str) -> Vendor | None:
        doc = self._reads.doc(stream_of(tenant_id, StreamKind.VENDOR, vendor_id), _vendor_doc())
        return setup_render.vendor_view(doc) if doc else None

    def get_stock(
        self,
        tenant_id: str,
        warehouse_id: str | None = None,
        sku: str | None = None,
        as_of: AwareDatetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
        now: AwareDatetime | None = None,
    ) -> "Page[StockRow]":
        """`now`: the instant "ignore unreceived" is judged at (None: not judged)."""
        return self._stock.stock(tenant_id, warehouse_id, sku, as_of, limit, cursor, now)

    def get_ledger(
        self,
        tenant_id: str,
        warehouse_id: str,
        sku: str,
        limit: int = 100,
        cursor: str | None = None,
    ) -> "Page[LedgerEntry]":
        return self._stock.ledger(tenant_id, warehouse_id, sku, limit, cursor)

    def get_drift(
        self, tenant_id: str, warehouse_id: str, tolerance: int, limit: int, cursor: str | None
    ) -> "Page[StockDrift]":
        from functions.shared.views.drift_queries import DriftQueries

        return DriftQueries(self._table).drift(tenant_id, warehouse_id, tolerance, limit, cursor)


# The connection's and the vendor's docs (and domain code) load with the first of them read:
# serving warehouses needs neither.


def _connection_doc() -> "type[ConnectionDoc]":
    return cast("type[ConnectionDoc]", doc_type(StreamKind.CONNECTION))


def _vendor_doc() -> "type[VendorDoc]":
    return cast("type[VendorDoc]", doc_type(StreamKind.VENDOR))
