"""Inbound shipments: the detail lives in the doc; two summary rows give the list paths."""

from domain.event_store import RecordedEvent
from domain.inbound_shipment.events import InboundShipmentDiscovered
from domain.inbound_shipment.state import evolve
from domain.streams import StreamId
from functions.projector.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs import ShipmentDoc
from functions.shared.views.items import ViewItem
from functions.shared.views.render import shipment_summary
from functions.shared.views.stock import AmazonReport, LedgerFact

SUMMARY_KIND = "shipment_summary"


class ShipmentProjection:
    def initial(self, stream_id: StreamId) -> ShipmentDoc:
        return ShipmentDoc(stream_id=str(stream_id))

    def evolve(self, doc: ShipmentDoc, recorded: RecordedEvent) -> ShipmentDoc:
        event = recorded.event
        discovered_at = doc.discovered_at
        if isinstance(event, InboundShipmentDiscovered) and discovered_at is None:
            discovered_at = event.observed_at
        return doc.model_copy(
            update={"shipment": evolve(doc.shipment, event), "discovered_at": discovered_at}
        )

    def rows(self, doc: ShipmentDoc) -> list[ViewItem]:
        summary = shipment_summary(doc)
        if summary is None:
            return []
        tenant = StreamId.parse(doc.stream_id).tenant_id
        sk = keys.newest_first(summary.discovered_at, summary.shipment_id)
        reconciled = "yes" if summary.reconciled else "no"
        filters = {
            "status": summary.status,
            "reconciled": reconciled,
            "connection_id": summary.connection_id,
            "marketplace_id": summary.marketplace_id,
        }
        return [
            ViewItem.of(
                keys.shipments(tenant),
                sk,
                SUMMARY_KIND,
                summary,
                gsi1pk=keys.shipments_by(tenant, "STATUS", summary.status),
                gsi1sk=sk,
                gsi2pk=keys.shipments_by(tenant, "RECONCILED", reconciled),
                gsi2sk=sk,
                filters=filters,
            ),
            ViewItem.of(
                keys.shipments_by(tenant, "CONNECTION", summary.connection_id),
                sk,
                SUMMARY_KIND,
                summary,
                gsi1pk=keys.shipments_by(tenant, "MARKETPLACE", summary.marketplace_id),
                gsi1sk=sk,
                filters=filters,
            ),
        ]

    def doc_index(self, doc: ShipmentDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: ShipmentDoc, after: ShipmentDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []  # a shipment moves no stock by itself: its purchase order does

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []
