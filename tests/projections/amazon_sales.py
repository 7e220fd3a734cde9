"""Amazon's customer orders in a seller's world: the sync's reads of order and return reports,
appended through the real deciders (`observe_order`, `observe_return`), and the sales figures
and stock a view store holds for them."""

from datetime import date, datetime

from domain.messages import DomainEvent
from domain.sales import (
    AmazonOrder,
    AmazonOrderLine,
    AmazonOrderObserved,
    AmazonReturn,
    AmazonReturnObserved,
    LineStatus,
    SalesChannel,
    observe_order,
    observe_return,
)
from domain.sales.days import SalesDay
from domain.sales.figures import SalesFigures
from domain.stock.ledger import StockState
from domain.streams import StreamKind
from functions.projector.ports import ViewStore
from functions.shared.views.rows import STOCK_KIND
from functions.shared.views.sales_rows import SALES_DAY_KIND
from tests.projections.world import World

SYNC = "system:sync"


class AmazonCustomers:
    """What Amazon shows of a seller's customer orders, read by the sync into `world`."""

    def __init__(self, world: World, marketplace_id: str) -> None:
        self.world = world
        self.marketplace_id = marketplace_id

    def state(self, order_id: str) -> AmazonOrder | None:
        loaded = self.world.aggregates.load(self.world.tenant_id, StreamKind.AMAZON_ORDER, order_id)
        state: AmazonOrder | None = loaded.state
        return state

    def order(
        self,
        order_id: str,
        lines: dict[str, tuple[int, LineStatus]],
        warehouse_id: str,
        purchased_at: datetime,
        channel: SalesChannel = SalesChannel.FBA,
    ) -> list[DomainEvent]:
        """The sync reads the order as Amazon shows it now (last updated: the clock's now)."""
        seen = AmazonOrderObserved(
            amazon_order_id=order_id,
            connection_id=self.world.connection_id,
            marketplace_id=self.marketplace_id,
            channel=channel,
            warehouse_id=warehouse_id,
            purchased_at=purchased_at,
            updated_at=self.world.clock.now(),
            lines=tuple(
                AmazonOrderLine(sku=sku, quantity=quantity, status=status)
                for sku, (quantity, status) in lines.items()
            ),
        )
        return self._save(order_id, observe_order(self.state(order_id), seen))

    def returns(
        self, order_id: str, return_id: str, sku: str, quantity: int, warehouse_id: str
    ) -> list[DomainEvent]:
        """The sync reads a return Amazon dated now."""
        seen = AmazonReturnObserved(
            amazon_order_id=order_id,
            connection_id=self.world.connection_id,
            marketplace_id=self.marketplace_id,
            channel=SalesChannel.FBA,
            warehouse_id=warehouse_id,
            item=AmazonReturn(
                return_id=return_id,
                sku=sku,
                quantity=quantity,
                returned_at=self.world.clock.now(),
            ),
        )
        return self._save(order_id, observe_return(self.state(order_id), seen))

    def _save(self, order_id: str, events: list[DomainEvent]) -> list[DomainEvent]:
        if events:
            self.world.save({(StreamKind.AMAZON_ORDER, order_id): events}, actor=SYNC)
        return events


def sales_days(views: ViewStore) -> dict[tuple[str, str, date], SalesFigures]:
    """Every listing-day row's figures, by (warehouse, sku, day), but rows back to zero (a day
    whose sales were all cancelled keeps its row, for the orders it has applied)."""
    rows = (item.parse(SalesDay) for item in views.items() if item.kind == SALES_DAY_KIND)
    return {
        (row.warehouse_id, row.sku, row.day): row.figures
        for row in rows
        if not row.figures.is_zero()
    }


def on_hand(views: ViewStore) -> dict[tuple[str, str], int]:
    """Every stock row's on hand, by (warehouse, sku)."""
    rows = (item.parse(StockState) for item in views.items() if item.kind == STOCK_KIND)
    return {(row.warehouse_id, row.sku): row.figures.on_hand for row in rows}
