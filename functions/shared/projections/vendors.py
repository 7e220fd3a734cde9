"""Vendors, listed per tenant."""

from typing import Any

from domain import vendor
from domain.event_store import RecordedEvent
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs.vendor import VendorDoc
from functions.shared.views.items import ViewItem


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
