"""Vendors, listed per tenant."""

from typing import Any

from domain import vendor
from domain.event_store import RecordedEvent
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys, MovesNoStock, NoRows
from functions.shared.views import keys
from functions.shared.views.docs.vendor import VendorDoc


class VendorProjection(NoRows, MovesNoStock):
    def initial(self, stream_id: StreamId) -> VendorDoc:
        return VendorDoc(stream_id=str(stream_id))

    def evolve(self, doc: VendorDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"vendor": vendor.evolve(doc.vendor, recorded.event)}

    def doc_index(self, doc: VendorDoc) -> IndexKeys:
        if doc.vendor is None:
            return IndexKeys()
        return IndexKeys(gsi1pk=keys.vendors(doc.tenant_id), gsi1sk=keys.part(doc.vendor.vendor_id))
