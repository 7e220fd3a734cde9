"""Transfer, sales and purchase orders: docs, the transfer order list, and stock movements
from each order's contribution (`domain/stock.py`) before and after the event."""

from typing import Any

from domain.event_store import RecordedEvent
from domain.orders import purchase_order, sales_order, transfer_order
from domain.orders.transfer_order import TransferOrderCreated
from domain.stock import Contribution, purchase_order_contribution, sales_order_contribution
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.stock.movements import order_movements
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs import (
    PurchaseOrderDoc,
    SalesOrderDoc,
    TransferOrderDoc,
    derived,
)
from functions.shared.views.items import ViewItem


class _NoStock:
    rendered: tuple[str, ...] = ()  # no rows

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []

    def rows(self, doc: object) -> list[ViewItem]:
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
    def initial(self, stream_id: StreamId) -> PurchaseOrderDoc:
        return PurchaseOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: PurchaseOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"order": purchase_order.evolve(doc.order, recorded.event)}

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


# An order's contribution, once per doc: the `after` of one step is the `before` of the next.


def _sales_contribution(doc: SalesOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: sales_order_contribution(order) if order else {})


def _purchase_contribution(doc: PurchaseOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: purchase_order_contribution(order) if order else {})
