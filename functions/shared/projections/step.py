"""Projecting one event onto its stream's doc: the one pure entry point of the projections."""

import importlib
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from domain.event_store import RecordedEvent
from domain.streams import StreamId, StreamKind
from functions.shared.projections.changes import Projection, ViewChanges
from functions.shared.views.docs import StreamDoc, derived
from functions.shared.views.items import RowKey, ViewItem

if TYPE_CHECKING:
    from domain.sales.days import SalesFact

# Each kind's projection ("module:class" in this package), loaded when a function first meets
# the kind: a projector that is handed shipments never builds the orders' or products' classes.
PROJECTIONS: Final[Mapping[StreamKind, str]] = {
    StreamKind.SHIPMENT: "shipments:ShipmentProjection",
    StreamKind.TRANSFER_ORDER: "orders:TransferOrderProjection",
    StreamKind.SALES_ORDER: "orders:SalesOrderProjection",
    StreamKind.PURCHASE_ORDER: "orders:PurchaseOrderProjection",
    StreamKind.WAREHOUSE: "warehouses:WarehouseProjection",
    StreamKind.CONNECTION: "connections:ConnectionProjection",
    StreamKind.FBA_INVENTORY: "inventory:InventoryProjection",
    StreamKind.VENDOR: "vendors:VendorProjection",
    StreamKind.SETTINGS: "settings:SettingsProjection",
    StreamKind.AMAZON_JOB: "amazon_jobs:AmazonJobProjection",
    StreamKind.PRODUCT: "products:ProductProjection",
    StreamKind.LISTING: "products:ListingProjection",
    StreamKind.AMAZON_ORDER: "sales:AmazonOrderProjection",
    StreamKind.ASSEMBLY_ORDER: "orders:AssemblyOrderProjection",
}


@cache
def projection_of(kind: StreamKind) -> Projection[Any]:
    """The projection of a stream kind's events (its module imported on first use)."""
    module, name = PROJECTIONS[kind].split(":")
    found: Projection[Any] = getattr(importlib.import_module(f"{__package__}.{module}"), name)()
    return found


Rows = dict[tuple[str, str], ViewItem]
ROWS: Final = "rows"


def initial_doc(stream_id: StreamId) -> StreamDoc:
    doc: StreamDoc = projection_of(stream_id.kind).initial(stream_id)
    return doc


def step(doc: StreamDoc, recorded: RecordedEvent) -> ViewChanges:
    """The changes that take the views from `doc` (at version n) to version n + 1.

    Rows are rendered whole from the doc and diffed with the rows of the doc before, so
    replaying a step, or every step after a crash, converges on exactly the rows of the latest
    doc. A doc keeps the rows rendered from it in memory, and rows are rendered again only when
    an event changed the fields they are rendered from.
    """
    projection = projection_of(recorded.stream_id.kind)
    update = _update(projection, doc, recorded)
    after = doc.model_copy(update=update)
    puts: tuple[ViewItem, ...] = ()
    deletes: tuple[RowKey, ...] = ()
    if projection.rendered:  # else the stream has no rows
        before_rows = rows_of(projection, doc)
        if any(
            name in update and update[name] is not getattr(doc, name)
            for name in projection.rendered
        ):
            after_rows = rows_of(projection, after)
            puts = tuple(
                row for key, row in after_rows.items() if not _same(before_rows.get(key), row)
            )
            deletes = tuple(
                RowKey(pk=pk, sk=sk) for pk, sk in before_rows if (pk, sk) not in after_rows
            )
        else:
            derived(after, ROWS, lambda: before_rows)
    return ViewChanges(
        after=after,
        version=recorded.version,
        prior=doc.version,
        doc_index=projection.doc_index,
        puts=puts,
        deletes=deletes,
        facts=tuple(projection.facts(doc, after, recorded)),
        reports=tuple(projection.reports(recorded)),
        sales=_sales(doc, after, recorded),
    )


def _sales(before: StreamDoc, after: StreamDoc, recorded: RecordedEvent) -> "tuple[SalesFact, ...]":
    """Only Amazon's customer orders book sales: the rules are loaded with their projection."""
    if recorded.stream_id.kind is not StreamKind.AMAZON_ORDER:
        return ()
    from functions.shared.projections.sales import sales_facts

    return tuple(sales_facts(before, after, recorded))


def advance(doc: StreamDoc, recorded: RecordedEvent) -> StreamDoc:
    """The doc one event on, without the rows or facts: how a reader catches a doc up with
    its stream when the projector has not yet (the very doc `step` would reach)."""
    projection = projection_of(recorded.stream_id.kind)
    return doc.model_copy(update=_update(projection, doc, recorded))


def _update(projection: Projection[Any], doc: StreamDoc, recorded: RecordedEvent) -> dict[str, Any]:
    stream_id = recorded.stream_id
    if str(stream_id) != doc.stream_id:
        raise ValueError(f"an event of {stream_id} cannot apply to {doc.stream_id}")
    if recorded.version != doc.version + 1:
        raise ValueError(f"{stream_id}: cannot apply {recorded.version} on {doc.version}")
    update = projection.evolve(doc, recorded)
    update["version"] = recorded.version
    return update


def rows_of(projection: Projection[Any], doc: StreamDoc) -> Rows:
    """The rows the doc renders, by key (each at the version of the doc that rendered it);
    rendered once per doc object."""
    return derived(doc, ROWS, lambda: {(row.pk, row.sk): row for row in projection.rows(doc)})


def _same(stored: ViewItem | None, rendered: ViewItem) -> bool:
    """Equal but for the version that rendered them (the data first: it usually differs)."""
    return (
        stored is not None
        and stored.data == rendered.data
        and {**stored.__dict__, "rev": 0} == {**rendered.__dict__, "rev": 0}
    )
