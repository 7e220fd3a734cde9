"""Inbound shipments: the detail lives in the doc; two summary rows give the list paths."""

from typing import Any

from domain.event_store import RecordedEvent
from domain.inbound_shipment.events import InboundShipmentDiscovered
from domain.inbound_shipment.state import evolve
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs.shipment import ShipmentDoc
from functions.shared.views.items import ViewItem
from functions.shared.views.shipment_render import shipment_summary

SUMMARY_KIND = "shipment_summary"


class ShipmentProjection:
    rendered: tuple[str, ...] = ("shipment", "discovered_at")

    def initial(self, stream_id: StreamId) -> ShipmentDoc:
        return ShipmentDoc(stream_id=str(stream_id))

    def evolve(self, doc: ShipmentDoc, recorded: RecordedEvent) -> dict[str, Any]:
        event = recorded.event
        update: dict[str, Any] = {"shipment": evolve(doc.shipment, event)}
        if isinstance(event, InboundShipmentDiscovered) and doc.discovered_at is None:
            update["discovered_at"] = event.observed_at
        return update

    def rows(self, doc: ShipmentDoc) -> list[ViewItem]:
        summary = shipment_summary(doc)
        if summary is None:
            return []
        tenant = doc.tenant_id
        sk = keys.newest_first(summary.discovered_at, summary.shipment_id)
        reconciled = "yes" if summary.reconciled else "no"
        filters = {
            "status": summary.status,
            "reconciled": reconciled,
            "connection_id": summary.connection_id,
            "marketplace_id": summary.marketplace_id,
        }
        # Once for both rows; a row's version is its `rev` (see `ViewQueries.list_shipments`).
        data = summary.model_dump_json(exclude={"version"})
        return [
            ViewItem(
                pk=keys.shipments(tenant),
                sk=sk,
                kind=SUMMARY_KIND,
                data=data,
                gsi1pk=keys.shipments_by(tenant, "STATUS", summary.status),
                gsi1sk=sk,
                gsi2pk=keys.shipments_by(tenant, "RECONCILED", reconciled),
                gsi2sk=sk,
                filters=filters,
                rev=doc.version,
            ),
            ViewItem(
                pk=keys.shipments_by(tenant, "CONNECTION", summary.connection_id),
                sk=sk,
                kind=SUMMARY_KIND,
                data=data,
                gsi1pk=keys.shipments_by(tenant, "MARKETPLACE", summary.marketplace_id),
                gsi1sk=sk,
                filters=filters,
                rev=doc.version,
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
