"""Amazon's reported FBA inventory: the latest reports per warehouse x SKU go on its stock row;
an adjustment to Amazon's on hand (`domain.stock.drift`) is a ledger fact like any movement."""

from typing import Any

from domain.event_store import RecordedEvent
from domain.inventory import (
    AmazonInventoryReported,
    AmazonSalesReadThrough,
    AmazonStockAdjusted,
    sales_read_through,
)
from domain.stock.drift import adjustment_fact
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views.docs.fba_inventory import InventoryDoc
from functions.shared.views.items import ViewItem


class InventoryProjection:
    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> InventoryDoc:
        return InventoryDoc(stream_id=str(stream_id))

    def evolve(self, doc: InventoryDoc, recorded: RecordedEvent) -> dict[str, Any]:
        if isinstance(recorded.event, AmazonSalesReadThrough):
            return {
                "sales_read_through": sales_read_through(doc.sales_read_through, recorded.event)
            }
        return {}

    def rows(self, doc: InventoryDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: InventoryDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: InventoryDoc, after: InventoryDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        """Amazon's figures are Amazon's: they sit beside ours, never in our ledger, until an
        adjustment makes on hand follow them."""
        event = recorded.event
        if not isinstance(event, AmazonStockAdjusted):
            return []
        return [
            adjustment_fact(
                event,
                tenant_id=recorded.stream_id.tenant_id,
                event_id=recorded.event_id,
                stream_id=str(recorded.stream_id),
                version=recorded.version,
                actor=recorded.actor,
            )
        ]

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        event = recorded.event
        if not isinstance(event, AmazonInventoryReported):
            return []
        return [
            AmazonReport(
                tenant_id=recorded.stream_id.tenant_id,
                warehouse_id=event.warehouse_id,
                sku=event.sku,
                figures=event.figures,
                reported_at=event.reported_at,
                source=event.source,
                event_id=recorded.event_id,
            )
        ]
