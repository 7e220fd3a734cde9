"""Projecting one event onto its stream's doc: the one pure entry point of the projections."""

from collections.abc import Mapping
from typing import Any, Final

from domain.event_store import RecordedEvent
from domain.streams import StreamId, StreamKind
from functions.projector.projections.catalog import ConnectionProjection, WarehouseProjection
from functions.projector.projections.changes import Projection, ViewChanges, doc_item
from functions.projector.projections.inventory import InventoryProjection
from functions.projector.projections.orders import (
    PurchaseOrderProjection,
    SalesOrderProjection,
    TransferOrderProjection,
)
from functions.projector.projections.shipments import ShipmentProjection
from functions.shared.views.docs import StreamDoc

PROJECTIONS: Final[Mapping[StreamKind, Projection[Any]]] = {
    StreamKind.SHIPMENT: ShipmentProjection(),
    StreamKind.TRANSFER_ORDER: TransferOrderProjection(),
    StreamKind.SALES_ORDER: SalesOrderProjection(),
    StreamKind.PURCHASE_ORDER: PurchaseOrderProjection(),
    StreamKind.WAREHOUSE: WarehouseProjection(),
    StreamKind.CONNECTION: ConnectionProjection(),
    StreamKind.FBA_INVENTORY: InventoryProjection(),
}


def initial_doc(stream_id: StreamId) -> StreamDoc:
    doc: StreamDoc = PROJECTIONS[stream_id.kind].initial(stream_id)
    return doc


def step(doc: StreamDoc, recorded: RecordedEvent) -> ViewChanges:
    """The changes that take the views from `doc` (at version n) to version n + 1.

    Rows are rendered whole from the doc before and after and diffed, so replaying a step, or
    every step after a crash, converges on exactly the rows of the latest doc.
    """
    if str(recorded.stream_id) != doc.stream_id:
        raise ValueError(f"an event of {recorded.stream_id} cannot apply to {doc.stream_id}")
    if recorded.version != doc.version + 1:
        raise ValueError(f"{recorded.stream_id}: cannot apply {recorded.version} on {doc.version}")
    projection = PROJECTIONS[recorded.stream_id.kind]
    after = projection.evolve(doc, recorded).model_copy(update={"version": recorded.version})
    before_rows = {row.key: row for row in projection.rows(doc)}
    after_rows = {row.key: row for row in projection.rows(after)}
    return ViewChanges(
        after=after,
        doc=doc_item(recorded.stream_id, after, projection.doc_index(after)),
        version=recorded.version,
        puts=tuple(
            row.model_copy(update={"rev": recorded.version})
            for key, row in after_rows.items()
            if before_rows.get(key) != row
        ),
        deletes=tuple(key for key in before_rows if key not in after_rows),
        facts=tuple(projection.facts(doc, after, recorded)),
        reports=tuple(projection.reports(recorded)),
    )
