"""Amazon customer orders: the doc, the stock ledger facts of what shipped and came back, and
the listing-day sales facts. Both kinds of facts are differences of the order's contributions
(`domain/stock/contributions.py`, `domain/sales/figures.py`) before and after the event, so
each movement and each sale is booked once, however the events are delivered."""

from typing import Any

from domain import sales
from domain.event_store import RecordedEvent
from domain.sales.days import SalesFact
from domain.sales.figures import SalesContribution, sales_changes, sales_contribution
from domain.stock import Contribution
from domain.stock.contributions import amazon_order_contribution
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.stock.movements import order_movements
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views.docs import StreamDoc, derived
from functions.shared.views.docs.amazon_order import AmazonOrderDoc
from functions.shared.views.items import ViewItem


class AmazonOrderProjection:
    rendered: tuple[str, ...] = ()  # no rows of its own: stock rows, ledger and sales days

    def initial(self, stream_id: StreamId) -> AmazonOrderDoc:
        return AmazonOrderDoc(stream_id=str(stream_id))

    def evolve(self, doc: AmazonOrderDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"order": sales.evolve(doc.order, recorded.event)}

    def rows(self, doc: AmazonOrderDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: AmazonOrderDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: AmazonOrderDoc, after: AmazonOrderDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        if after.order is None or after.order is before.order:
            return []
        return order_movements(
            recorded,
            _stock_contribution(before),
            _stock_contribution(after),
            order_id=recorded.stream_id.entity_id,  # the Amazon order id
            transfer_order_id=None,
        )

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


def sales_facts(before: StreamDoc, after: StreamDoc, recorded: RecordedEvent) -> list[SalesFact]:
    """The listing-day sales changes of one step: only Amazon customer orders book sales."""
    if not isinstance(after, AmazonOrderDoc) or not isinstance(before, AmazonOrderDoc):
        return []
    if after.order is None or after.order is before.order:
        return []
    stream_id = str(recorded.stream_id)
    return [
        SalesFact(
            tenant_id=after.tenant_id,
            warehouse_id=warehouse_id,
            sku=sku,
            day=day,
            stream_id=stream_id,
            version=recorded.version,
            delta=delta,
        )
        for (warehouse_id, sku, day), delta in sales_changes(
            _sales_contribution(before), _sales_contribution(after)
        )
    ]


# An order's contributions, once per doc: the `after` of one step is the `before` of the next.


def _stock_contribution(doc: AmazonOrderDoc) -> Contribution:
    order = doc.order
    return derived(doc, "contribution", lambda: amazon_order_contribution(order) if order else {})


def _sales_contribution(doc: AmazonOrderDoc) -> SalesContribution:
    order = doc.order
    return derived(doc, "sales", lambda: sales_contribution(order) if order else {})
