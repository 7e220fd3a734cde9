"""When Amazon departs from the plan: one test per row of `docs/when-amazon.md`, through the real
`observe`, reconcile, reactor and projector, with the exact figures at MAIN (the seller's own
warehouse, 50 of each SKU) and FBA (the marketplace's FBA warehouse)."""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.inbound_shipment.amazon import AmazonShipmentLine
from domain.orders.purchase_order import PurchaseOrder, PurchaseOrderStatus
from domain.orders.sales_order import SalesOrder, SalesOrderStatus
from domain.stock import StockFigures
from domain.streams import StreamKind
from domain.warehouse import fba_warehouse_id
from tests.projections.figures import Figures, accounted
from tests.projections.world import US, World
from tests.support.in_memory import InMemoryEventStore

DAY = 24 * 60


class Seller:
    """MAIN holding 50 of each SKU, one FBA warehouse, a shipment to it."""

    def __init__(
        self,
        skus: Sequence[str] = ("A", "B", "C"),
        react_inline: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.world = World(InMemoryEventStore(), rng, react_inline=react_inline)
        self.world.connect((US,))
        self.main = self.world.own_warehouse()
        self.fba = fba_warehouse_id(self.world.connection_id, US)
        self.world.count(self.main, {sku: 50 for sku in skus})
        self.world.clock.advance(1)

    def shipment(self, plan: dict[str, int]) -> str:
        shipment_id = self.world.discover(plan)
        self.world.reconcile(shipment_id, self.main)
        return shipment_id

    def later(self, minutes: int = 15) -> datetime:
        self.world.clock.advance(minutes)
        return self.world.clock.now()

    def react(self) -> None:
        for event in list(self.world.log):
            self.world.reactor.react(event)

    def figures(self) -> Figures:
        return Figures(self.world)

    def orders(self, shipment_id: str) -> tuple[SalesOrder, PurchaseOrder]:
        ids = self.world.reconciled[shipment_id]
        load = self.world.aggregates.load
        tenant = self.world.tenant_id
        sales = load(tenant, StreamKind.SALES_ORDER, ids.sales_order_id).state
        purchase = load(tenant, StreamKind.PURCHASE_ORDER, ids.purchase_order_id).state
        assert isinstance(sales, SalesOrder) and isinstance(purchase, PurchaseOrder)
        return sales, purchase

    def order_events(self, shipment_id: str) -> list[str]:
        ids = self.world.reconciled[shipment_id]
        streams = {ids.sales_order_id, ids.purchase_order_id}
        return [e.type for e in self.world.log if e.stream_id.entity_id in streams]


def test_1_a_plan_changed_after_reconcile_is_followed_by_both_orders() -> None:
    # Given A10 B4 reconciled while WORKING
    seller = Seller()
    sid = seller.shipment({"A": 10, "B": 4})
    # When Amazon's plan becomes A6 C5, everything ships, is received, and the shipment closes
    seller.later()
    seller.world.amazon_plan(sid, {"A": 6, "C": 5})
    amended = seller.figures()
    seller.later()
    seller.world.amazon_status(sid, "SHIPPED")
    seller.later()
    seller.world.amazon_receives(sid, "A", 6)
    seller.world.amazon_receives(sid, "C", 5)
    seller.world.amazon_status(sid, "CLOSED")
    # Then before shipping the commitment followed the plan, and at the end MAIN A44 B50 C45,
    # FBA A6 C5, with no discrepancy
    assert [amended.of(seller.main, s).committed for s in "ABC"] == [6, 0, 5]
    assert [amended.of(seller.fba, s).on_order for s in "ABC"] == [6, 0, 5]
    figures = seller.figures()
    assert [figures.of(seller.main, s) for s in "ABC"] == [
        StockFigures(on_hand=44),
        StockFigures(on_hand=50),
        StockFigures(on_hand=45),
    ]
    assert [figures.of(seller.fba, s) for s in "ABC"] == [
        StockFigures(on_hand=6),
        StockFigures(),
        StockFigures(on_hand=5),
    ]
    sales, purchase = seller.orders(sid)
    assert purchase.status is PurchaseOrderStatus.RECEIVED and purchase.closed
    assert {line.sku: line.quantity for line in sales.lines} == {"A": 6, "B": 0, "C": 5}
    assert seller.order_events(sid).count("SalesOrderLinesAmended") == 1


def test_1b_a_plan_changed_after_shipping_moves_what_left_the_source() -> None:
    # Given A10 reconciled and marked shipped
    seller = Seller()
    sid = seller.shipment({"A": 10})
    seller.world.mark_shipped(sid)
    # When Amazon's QuantityShipped becomes 8
    seller.later()
    seller.world.amazon_plan(sid, {"A": 8})
    # Then 8 left MAIN, and 8 are in transit
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=42)
    assert figures.of(seller.fba, "A") == StockFigures(in_transit=8)


def test_2_an_unplanned_sku_received_left_the_source_shipped_over_plan() -> None:
    # Given A10 reconciled and shipped
    seller = Seller()
    sid = seller.shipment({"A": 10})
    seller.world.mark_shipped(sid)
    # When Amazon receives the 10 and 3 of an unplanned SKU B
    seller.later()
    seller.world.amazon_receives(sid, "A", 10)
    seller.world.amazon_receives(sid, "B", 3)
    # Then MAIN B47, FBA B3, and the sales order says B shipped over plan
    figures = seller.figures()
    assert figures.of(seller.main, "B") == StockFigures(on_hand=47)
    assert figures.of(seller.fba, "B") == StockFigures(on_hand=3)
    assert figures.of(seller.main, "A") == StockFigures(on_hand=40)
    sales = seller.orders(sid)[0]
    assert sales.line_map()["B"].shipped_over_plan == 3
    assert sales.line_map()["B"].quantity == 0


def test_2b_an_over_receipt_left_the_source_and_a_correction_puts_it_back() -> None:
    seller = Seller()
    sid = seller.shipment({"A": 10})
    seller.world.mark_shipped(sid)
    seller.world.amazon_receives(sid, "A", 12)
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=38)
    assert figures.of(seller.fba, "A") == StockFigures(on_hand=12)
    # When Amazon corrects its count to 9
    seller.world.amazon_receives(sid, "A", -3)
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=40)
    assert figures.of(seller.fba, "A") == StockFigures(on_hand=9, receiving=1)


@pytest.mark.parametrize("revive", [None, "RECEIVING"])
def test_3_a_cancelled_shipment_that_amazon_receives_anyway_reopens_its_orders(
    revive: str | None,
) -> None:
    # Given a reconciled shipment Amazon cancels before anyone marked it shipped
    seller = Seller()
    sid = seller.shipment({"A": 10})
    seller.later()
    seller.world.amazon_status(sid, "CANCELLED")
    released = seller.figures()
    assert released.of(seller.main, "A") == StockFigures(on_hand=50)
    assert released.of(seller.fba, "A") == StockFigures()
    # When Amazon receives 10 anyway (still CANCELLED, or revived and then closed)
    seller.later()
    if revive:
        seller.world.amazon_status(sid, revive)
    seller.world.amazon_receives(sid, "A", 10)
    if revive:
        seller.world.amazon_status(sid, "CLOSED")
    # Then the orders reopened with the reason, and MAIN 40, FBA 10
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=40)
    assert figures.of(seller.fba, "A") == StockFigures(on_hand=10)
    events = seller.order_events(sid)
    assert "SalesOrderReopened" in events and "PurchaseOrderReopened" in events
    sales, purchase = seller.orders(sid)
    assert sales.status is SalesOrderStatus.SHIPPED
    assert purchase.status is PurchaseOrderStatus.RECEIVED


def test_3b_an_error_then_working_shipment_holds_its_units_again() -> None:
    seller = Seller()
    sid = seller.shipment({"A": 10})
    seller.world.amazon_status(sid, "ERROR")
    assert seller.figures().of(seller.main, "A") == StockFigures(on_hand=50)
    seller.later()
    seller.world.amazon_status(sid, "WORKING")
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=50, committed=10)
    assert figures.of(seller.fba, "A") == StockFigures(on_order=10)
    assert seller.orders(sid)[1].status is PurchaseOrderStatus.OPEN


def test_4_goods_amazon_shows_shipped_left_as_of_that_observation_not_the_receipt() -> None:
    # Given a reconciled shipment that nobody marks shipped
    seller = Seller(("A",))
    sid = seller.shipment({"A": 10})
    # When Amazon shows SHIPPED on day 1, the user counts MAIN on day 3 (the count lacks the 10),
    # and Amazon receives on day 4
    day_1 = seller.later(DAY)
    seller.world.amazon_status(sid, "SHIPPED")
    seller.later(2 * DAY)
    seller.world.count(seller.main, {"A": 40})
    seller.later(DAY)
    seller.world.amazon_receives(sid, "A", 10)
    # Then MAIN is 40: the goods left on day 1, before the count
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=40)
    assert figures.of(seller.fba, "A") == StockFigures(on_hand=10)
    assert seller.orders(sid)[0].shipped_at == day_1


def test_5_units_found_after_a_write_off_correct_it() -> None:
    # Given a shipment closed short at 7/10, its 3 missing written off
    seller = Seller(("A",))
    sid = seller.shipment({"A": 10})
    seller.world.mark_shipped(sid)
    seller.world.amazon_receives(sid, "A", 7)
    seller.world.amazon_status(sid, "CLOSED")
    seller.world.acknowledge(sid)
    assert seller.figures().of(seller.fba, "A") == StockFigures(on_hand=7, written_off=3)
    # When Amazon finds 2 more
    seller.later(DAY)
    seller.world.amazon_receives(sid, "A", 2)
    # Then on hand 9, 1 still missing, the write-off is 1, and the order is still closed short
    assert seller.figures().of(seller.fba, "A") == StockFigures(on_hand=9, written_off=1)
    assert seller.orders(sid)[1].status is PurchaseOrderStatus.CLOSED_SHORT
    assert "PurchaseOrderWriteOffCorrected" in seller.order_events(sid)
    # And when the last one turns up, the order is received in full
    seller.world.amazon_receives(sid, "A", 1)
    assert seller.figures().of(seller.fba, "A") == StockFigures(on_hand=10)
    assert seller.orders(sid)[1].status is PurchaseOrderStatus.RECEIVED


def test_7_a_shipment_cancelled_after_shipping_keeps_its_units_missing_until_found() -> None:
    # Given a shipment the user marked shipped
    seller = Seller(("A",))
    sid = seller.shipment({"A": 10})
    seller.world.mark_shipped(sid)
    # When Amazon cancels it
    seller.later()
    seller.world.amazon_status(sid, "CANCELLED")
    # Then the 10 left MAIN and are missing at FBA (watched, like a closed shipment)
    figures = seller.figures()
    assert figures.of(seller.main, "A") == StockFigures(on_hand=40)
    assert figures.of(seller.fba, "A") == StockFigures(discrepancy=10)
    # And units Amazon receives later are booked
    seller.later(DAY)
    seller.world.amazon_receives(sid, "A", 10)
    assert seller.figures().of(seller.fba, "A") == StockFigures(on_hand=10)


def test_8_a_late_reaction_is_dated_by_amazons_observation() -> None:
    # Given a reconciled shipment, and a reactor that answers two hours late
    seller = Seller(("A",), react_inline=False)
    sid = seller.shipment({"A": 10})
    seller.react()
    # When the sync sees Amazon receive 10, and the reactor answers 2 hours later
    seen = seller.later()
    seller.world.amazon_receives(sid, "A", 10)
    seller.later(120)
    seller.react()
    # Then as of 1 hour after the observation the units are on hand at FBA, not nowhere
    figures = seller.figures()
    hour_after = seen + timedelta(hours=1)
    assert figures.as_of(seller.main, "A", hour_after).on_hand == 40
    assert figures.as_of(seller.fba, "A", hour_after) == StockFigures(on_hand=10)
    # And at every instant units that left MAIN are somewhere at FBA
    for instant in figures.instants():
        left = 50 - figures.as_of(seller.main, "A", instant).on_hand
        assert left == accounted(figures.as_of(seller.fba, "A", instant)), instant


def test_9_a_negative_cumulative_count_from_amazon_is_malformed() -> None:
    with pytest.raises(ValidationError, match="quantity_received"):
        AmazonShipmentLine(sku="A", quantity_shipped=10, quantity_received=-2)
    with pytest.raises(ValidationError, match="quantity_shipped"):
        AmazonShipmentLine(sku="A", quantity_shipped=-1, quantity_received=0)
