"""Warehouses, connections and vendors (listed per tenant), and the stock a warehouse's own
events move: counts set on hand, adjustments add to it."""

from typing import Any

from domain import connection, planning, vendor, warehouse
from domain.event_store import RecordedEvent
from domain.save_to_amazon import job as amazon_job
from domain.stock import StockFigures
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.stock.movements import fact
from domain.streams import StreamId
from domain.warehouse import StockAdjusted, StockCounted
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs import (
    AmazonJobDoc,
    ConnectionDoc,
    SettingsDoc,
    VendorDoc,
    WarehouseDoc,
)
from functions.shared.views.items import ViewItem


class WarehouseProjection:
    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> WarehouseDoc:
        return WarehouseDoc(stream_id=str(stream_id))

    def evolve(self, doc: WarehouseDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"warehouse": warehouse.evolve(doc.warehouse, recorded.event)}

    def rows(self, doc: WarehouseDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: WarehouseDoc) -> IndexKeys:
        if doc.warehouse is None:
            return IndexKeys()
        tenant = doc.tenant_id
        return IndexKeys(
            gsi1pk=keys.warehouses(tenant), gsi1sk=keys.part(doc.warehouse.warehouse_id)
        )

    def facts(
        self, before: WarehouseDoc, after: WarehouseDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        event = recorded.event
        if isinstance(event, StockCounted):
            return [
                fact(recorded, event.warehouse_id, line.sku, count=line.quantity)
                for line in event.lines
            ]
        if isinstance(event, StockAdjusted):
            return [
                fact(recorded, event.warehouse_id, line.sku, delta=StockFigures(on_hand=line.delta))
                for line in event.lines
                if line.delta
            ]
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


class ConnectionProjection:
    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> ConnectionDoc:
        return ConnectionDoc(stream_id=str(stream_id))

    def evolve(self, doc: ConnectionDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"connection": connection.evolve(doc.connection, recorded.event)}

    def rows(self, doc: ConnectionDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: ConnectionDoc) -> IndexKeys:
        if doc.connection is None:
            return IndexKeys()
        tenant = doc.tenant_id
        return IndexKeys(
            gsi1pk=keys.connections(tenant), gsi1sk=keys.part(doc.connection.connection_id)
        )

    def facts(
        self, before: ConnectionDoc, after: ConnectionDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


class VendorProjection:
    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> VendorDoc:
        return VendorDoc(stream_id=str(stream_id))

    def evolve(self, doc: VendorDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"vendor": vendor.evolve(doc.vendor, recorded.event)}

    def rows(self, doc: VendorDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: VendorDoc) -> IndexKeys:
        if doc.vendor is None:
            return IndexKeys()
        return IndexKeys(gsi1pk=keys.vendors(doc.tenant_id), gsi1sk=keys.part(doc.vendor.vendor_id))

    def facts(
        self, before: VendorDoc, after: VendorDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


class SettingsProjection:
    """A tenant's settings: the doc only (read by the queries that apply them)."""

    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> SettingsDoc:
        return SettingsDoc(stream_id=str(stream_id))

    def evolve(self, doc: SettingsDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"planning": planning.evolve(doc.planning, recorded.event)}

    def rows(self, doc: SettingsDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: SettingsDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: SettingsDoc, after: SettingsDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


class AmazonJobProjection:
    """A Save-to-Amazon job: the doc only (its bindings move stock through the orders')."""

    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> AmazonJobDoc:
        return AmazonJobDoc(stream_id=str(stream_id))

    def evolve(self, doc: AmazonJobDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"job": amazon_job.evolve(doc.job, recorded.event)}

    def rows(self, doc: AmazonJobDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: AmazonJobDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: AmazonJobDoc, after: AmazonJobDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []
