"""Warehouses: listed per tenant, and the stock a warehouse's own events move (counts set on hand,
adjustments add to it)."""

from typing import Any

from domain import warehouse
from domain.event_store import RecordedEvent
from domain.stock import StockFigures
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.stock.movements import fact
from domain.streams import StreamId
from domain.warehouse import StockAdjusted, StockCounted
from functions.shared.projections.changes import IndexKeys, NoRows
from functions.shared.views import keys
from functions.shared.views.docs.warehouse import WarehouseDoc


class WarehouseProjection(NoRows):
    def initial(self, stream_id: StreamId) -> WarehouseDoc:
        return WarehouseDoc(stream_id=str(stream_id))

    def evolve(self, doc: WarehouseDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"warehouse": warehouse.evolve(doc.warehouse, recorded.event)}

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
