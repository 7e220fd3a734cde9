"""Transfer, sales, purchase and assembly orders: docs, the transfer order list, and stock
movements from each order's contribution (`domain/stock.py`) before and after the event."""

from collections.abc import Iterable
from datetime import date
from typing import Any, Final

from domain.event_store import RecordedEvent
from domain.orders import assembly_order, purchase_order, sales_order, transfer_order
from domain.orders.assembly_order import AssemblyOrderCreated
from domain.orders.purchase_order import PurchaseOrder, PurchaseOrderCreated
from domain.orders.transfer_order import TransferOrderCreated
from domain.planning import Incoming
from domain.stock import Contribution
from domain.stock.contributions import (
    assembly_order_contribution,
    purchase_order_contribution,
    sales_order_contribution,
)
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.stock.movements import assembly_movements, order_movements
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.assembly_models import (
    ASSEMBLY_ORDER_ROW,
    AssemblyComponentView,
    assembly_orders,
)
from functions.shared.views.assembly_models import AssemblyOrder as AssemblyOrderView
from functions.shared.views.docs import derived
from functions.shared.views.docs.assembly_order import AssemblyOrderDoc
from functions.shared.views.docs.purchase_order import PurchaseOrderDoc
from functions.shared.views.docs.sales_order import SalesOrderDoc
from functions.shared.views.docs.transfer_order import TransferOrderDoc
from functions.shared.views.items import ViewItem
from functions.shared.views.order_render import purchase_order_summary

PURCHASE_ORDER_ROW: Final = "purchase_order_summary"
INCOMING_ROW: Final = "incoming"
SKU_SEPARATOR: Final = "\n"  # never in a SKU (see the API's SKU pattern)


def sku_set(skus: Iterable[str]) -> str:
    """The order's SKUs as one string where `sku_member(sku)` occurs only for its SKUs."""
    return SKU_SEPARATOR + SKU_SEPARATOR.join(sorted(skus)) + SKU_SEPARATOR


def sku_member(sku: str) -> str:
    return SKU_SEPARATOR + sku + SKU_SEPARATOR


class _NoStock:
    rendered: tuple[str, ...] = ()  # no rows

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []

    def rows(self, doc: Any) -> list[ViewItem]:
        return []


class TransferOrderProjection(_NoStock):
    def initial(self, stream_id: StreamId) -> TransferOrderDoc:
        return TransferOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: TransferOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        update: dict[str, Any] = {"order": transfer_order.evolve(doc.order, recorded.event)}
        if isinstance(recorded.event, TransferOrderCreated) and doc.created_at is None:
            update["created_at"] = recorded.occurred_at
        return update

    def doc_index(self, doc: TransferOrderDoc) -> IndexKeys:
        if doc.order is None or doc.created_at is None:
            return IndexKeys()
        tenant = doc.tenant_id
        return IndexKeys(
            gsi1pk=keys.transfer_orders(tenant),
            gsi1sk=keys.newest_first(doc.created_at, doc.order.transfer_order_id),
        )

    def facts(
        self, before: TransferOrderDoc, after: TransferOrderDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []


class SalesOrderProjection(_NoStock):
    def initial(self, stream_id: StreamId) -> SalesOrderDoc:
        return SalesOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: SalesOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"order": sales_order.evolve(doc.order, recorded.event)}

    def doc_index(self, doc: SalesOrderDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: SalesOrderDoc, after: SalesOrderDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        order = after.order
        if order is None or order is before.order:
            return []
        return order_movements(
            recorded,
            _sales_contribution(before),
            _sales_contribution(after),
            order_id=order.sales_order_id,
            transfer_order_id=order.transfer_order_id,
        )


class PurchaseOrderProjection(_NoStock):
    """The doc, and one list row per order: by tenant, by status (GSI1) and by vendor (GSI2),
    newest first, carrying the other list filters."""

    rendered: tuple[str, ...] = ("order", "created_at")

    def initial(self, stream_id: StreamId) -> PurchaseOrderDoc:
        return PurchaseOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: PurchaseOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        update: dict[str, Any] = {"order": purchase_order.evolve(doc.order, recorded.event)}
        if isinstance(recorded.event, PurchaseOrderCreated) and doc.created_at is None:
            update["created_at"] = recorded.occurred_at
        return update

    def rows(self, doc: PurchaseOrderDoc) -> list[ViewItem]:
        summary = purchase_order_summary(doc)
        if summary is None or summary.created_at is None or doc.order is None:
            return []
        tenant, vendor = doc.tenant_id, summary.vendor_id or "-"
        sk = keys.newest_first(summary.created_at, summary.purchase_order_id)
        return [
            *_incoming_rows(doc.order, tenant, doc.version),
            ViewItem(
                pk=keys.purchase_orders(tenant),
                sk=sk,
                kind=PURCHASE_ORDER_ROW,
                data=summary.model_dump_json(exclude={"version"}),
                gsi1pk=keys.purchase_orders_by(tenant, "STATUS", summary.status),
                gsi1sk=sk,
                gsi2pk=keys.purchase_orders_by(tenant, "VENDOR", vendor),
                gsi2sk=sk,
                filters={
                    "status": summary.status,
                    "vendor_id": vendor,
                    "destination_warehouse_id": summary.destination_warehouse_id,
                    "source_type": summary.source_type,
                    "skus": sku_set(doc.order.lines),
                    "expected_date": (summary.expected_date or date.max).isoformat(),
                },
                rev=doc.version,
            ),
        ]

    def doc_index(self, doc: PurchaseOrderDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: PurchaseOrderDoc, after: PurchaseOrderDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        order = after.order
        if order is None or order is before.order:
            return []
        return order_movements(
            recorded,
            _purchase_contribution(before),
            _purchase_contribution(after),
            order_id=order.purchase_order_id,
            transfer_order_id=order.transfer_order_id,
            shipment_id=order.shipment_id,
        )


class AssemblyOrderProjection(_NoStock):
    """The doc, one list row per order (by tenant, newest first, filtered by warehouse and
    status), and the stock movements of its contribution, each with its reason."""

    rendered: tuple[str, ...] = ("order", "created_at")

    def initial(self, stream_id: StreamId) -> AssemblyOrderDoc:
        return AssemblyOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: AssemblyOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        update: dict[str, Any] = {"order": assembly_order.evolve(doc.order, recorded.event)}
        if isinstance(recorded.event, AssemblyOrderCreated) and doc.created_at is None:
            update["created_at"] = recorded.occurred_at
        return update

    def rows(self, doc: AssemblyOrderDoc) -> list[ViewItem]:
        view = assembly_order_view(doc)
        if view is None or view.created_at is None:
            return []
        return [
            ViewItem(
                pk=assembly_orders(doc.tenant_id),
                sk=keys.newest_first(view.created_at, view.assembly_order_id),
                kind=ASSEMBLY_ORDER_ROW,
                data=view.model_dump_json(),
                filters={"warehouse_id": view.warehouse_id, "status": view.status.value},
                rev=doc.version,
            )
        ]

    def doc_index(self, doc: AssemblyOrderDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: AssemblyOrderDoc, after: AssemblyOrderDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        order = after.order
        if order is None or order is before.order:
            return []
        return assembly_movements(
            recorded, order, _assembly_contribution(before), _assembly_contribution(after)
        )


def assembly_order_view(doc: AssemblyOrderDoc) -> AssemblyOrderView | None:
    order = doc.order
    if order is None:
        return None
    return AssemblyOrderView(
        assembly_order_id=order.assembly_order_id,
        warehouse_id=order.warehouse_id,
        product_id=order.product_id,
        sku=order.sku,
        quantity=order.quantity,
        received=order.received,
        on_assembly=order.open_units,
        status=order.status,
        components=[AssemblyComponentView(**c.model_dump()) for c in order.components],
        created_at=doc.created_at,
        version=doc.version,
    )


def _incoming_rows(order: PurchaseOrder, tenant_id: str, version: int) -> list[ViewItem]:
    """Per SKU, the units of an open order into FBA still on their way (for planning)."""
    if not order.received_by_amazon or order.cancelled or order.closed:
        return []
    received = any(line.quantity_received for line in order.lines.values())
    return [
        ViewItem.of(
            keys.incoming(tenant_id, order.warehouse_id),
            keys.join(line.sku, order.purchase_order_id),
            INCOMING_ROW,
            Incoming(
                purchase_order_id=order.purchase_order_id,
                shipment_id=order.shipment_id,
                sku=line.sku,
                units=line.shortfall,
                expected_date=order.expected_date,
                anything_received=received,
            ),
            rev=version,
        )
        for line in order.lines.values()
        if line.shortfall > 0
    ]


# An order's contribution, once per doc: the `after` of one step is the `before` of the next.


def _sales_contribution(doc: SalesOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: sales_order_contribution(order) if order else {})


def _purchase_contribution(doc: PurchaseOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: purchase_order_contribution(order) if order else {})


def _assembly_contribution(doc: AssemblyOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: assembly_order_contribution(order) if order else {})
