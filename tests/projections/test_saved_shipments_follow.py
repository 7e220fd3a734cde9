"""An order saved to Amazon and split into several FBA shipments follows all of them, through
the real `observe`, save, binding, reactor and projector: MAIN (50 of each SKU) ships a transfer
A10 B6 C4 to FBA, which Amazon splits into S1 (A4 B6), S2 (A6) and S3 (C4)."""

from datetime import datetime

from domain.messages import Command
from domain.orders import purchase_order as po
from domain.orders.placing import CreateTransferOrder, create_transfer_order
from domain.orders.purchase_order import PurchaseOrder, PurchaseOrderStatus
from domain.orders.sales_order import SalesOrder, SalesOrderStatus
from domain.orders.saved_shipments import bind_saved_shipment
from domain.stock import StockFigures
from domain.streams import StreamKind
from functions.reactor.reactor import ACTOR
from tests.projections.figures import accounted
from tests.projections.test_when_amazon_departs import DAY, Seller

SKUS = ("A", "B", "C")
PLAN = {"A": 10, "B": 6, "C": 4}
SPLIT = ({"A": 4, "B": 6}, {"A": 6}, {"C": 4})
JOB = "job-1"


class SavedTransfer:
    """The seller's transfer from MAIN to FBA, saved to Amazon by a job."""

    def __init__(self, seller: Seller, plan: dict[str, int] = PLAN) -> None:
        self.seller, self.world = seller, seller.world
        self.po_id, self.so_id, self.to_id = "po-saved", "so-saved", "to-saved"
        load = self.world.aggregates.load
        command = CreateTransferOrder(
            transfer_order_id=self.to_id,
            sales_order_id=self.so_id,
            purchase_order_id=self.po_id,
            source_warehouse_id=seller.main,
            destination_warehouse_id=seller.fba,
            lines=tuple(po.PurchaseLine(sku=sku, quantity=n) for sku, n in plan.items()),
        )
        main = load(self.world.tenant_id, StreamKind.WAREHOUSE, seller.main).state
        fba = load(self.world.tenant_id, StreamKind.WAREHOUSE, seller.fba).state
        self.world.save(create_transfer_order(command, main, fba))
        self.shipments: list[str] = []

    def _load(self, kind: StreamKind, entity_id: str) -> object:
        return self.world.aggregates.load(self.world.tenant_id, kind, entity_id).state

    def decide(self, command: Command) -> None:
        events = po.decide(command, self.orders()[1])
        self.world.save({(StreamKind.PURCHASE_ORDER, self.po_id): events}, actor="system:job")

    def start(self) -> None:
        self.decide(po.StartSaveToAmazon(purchase_order_id=self.po_id, job_id=JOB))

    def amazon_splits(self, split: tuple[dict[str, int], ...] = SPLIT) -> list[str]:
        """Amazon makes the shipments; the job binds each as it learns it."""
        for plan in split:
            sid = self.world.discover(plan)
            self.shipments.append(sid)
            decision = bind_saved_shipment(
                self._load(StreamKind.SHIPMENT, sid),  # type: ignore[arg-type]
                self.orders()[1],
                JOB,
                self._load(StreamKind.TRANSFER_ORDER, self.to_id),  # type: ignore[arg-type]
                self.orders()[0],
            )
            self.world.save(decision, actor="system:job")
        return self.shipments

    def end(self) -> None:
        self.decide(po.EndSaveToAmazon(purchase_order_id=self.po_id, job_id=JOB))

    def orders(self) -> tuple[SalesOrder, PurchaseOrder]:
        sales = self._load(StreamKind.SALES_ORDER, self.so_id)
        purchase = self._load(StreamKind.PURCHASE_ORDER, self.po_id)
        assert isinstance(sales, SalesOrder) and isinstance(purchase, PurchaseOrder)
        return sales, purchase

    def received(self) -> dict[str, int]:
        lines = self.orders()[1].lines.values()
        return {line.sku: line.quantity_received for line in lines if line.quantity_received}

    def ordered(self) -> dict[str, int]:
        lines = self.orders()[1].lines.values()
        return {line.sku: line.quantity_ordered for line in lines if line.quantity_ordered}


def saved(react_inline: bool = True) -> tuple[Seller, SavedTransfer, list[str]]:
    seller = Seller(SKUS, react_inline=react_inline)
    order = SavedTransfer(seller)
    order.start()
    shipments = order.amazon_splits()
    order.end()
    return seller, order, shipments


def assert_conserved(seller: Seller) -> None:
    """At every instant: what left MAIN is somewhere at FBA, what MAIN holds is on order there."""
    figures = seller.figures()
    instants: list[datetime] = [*figures.instants(), seller.world.clock.now()]
    for sku in SKUS:
        for instant in instants:
            main = figures.as_of(seller.main, sku, instant)
            fba = figures.as_of(seller.fba, sku, instant)
            assert 50 - main.on_hand == accounted(fba), (sku, instant, main, fba)
            assert main.committed == fba.on_order, (sku, instant, main, fba)


def receive_over_days(seller: Seller, shipments: list[str]) -> None:
    """S1 leaves on day 1, S2 and S3 on day 2; receipts on each over days 3 to 6 (S2 one short),
    and the shipments close on days 5, 5 and 7."""
    world = seller.world
    s1, s2, s3 = shipments
    seller.later(DAY)
    world.amazon_status(s1, "SHIPPED")
    seller.later(DAY)
    world.amazon_status(s2, "IN_TRANSIT")
    world.amazon_status(s3, "SHIPPED")
    seller.later(DAY)
    world.amazon_receives(s1, "A", 4)
    world.amazon_receives(s1, "B", 6)
    seller.later(DAY)
    world.amazon_receives(s2, "A", 5)
    seller.later(DAY)
    world.amazon_status(s1, "CLOSED")
    world.amazon_status(s2, "CLOSED")
    seller.later(DAY)
    world.amazon_receives(s3, "C", 4)
    seller.later(DAY)
    world.amazon_status(s3, "CLOSED")


def test_while_saving_nothing_is_followed_and_the_saves_end_follows_every_shipment() -> None:
    # Given a transfer being saved, its three shipments bound, Amazon moving one of them
    seller = Seller(SKUS)
    order = SavedTransfer(seller)
    order.start()
    start = len(seller.world.log)
    s1, _, _ = order.amazon_splits()
    seller.later()
    seller.world.amazon_status(s1, "READY_TO_SHIP")
    # Then the reactor follows none of it while the save goes on
    assert [e for e in seller.world.log[start:] if e.actor == ACTOR] == []
    assert order.orders()[1].followed_shipment_versions == {}
    # When the job ends the save
    ended = len(seller.world.log)
    order.end()
    # Then the order follows all three at once, caused by the save's end
    reactions = [e for e in seller.world.log[ended:] if e.actor == ACTOR]
    assert [e.type for e in reactions] == ["PurchaseOrderFollowedShipment"] * 3
    assert {e.causation_id for e in reactions} == {seller.world.log[ended].event_id}
    purchase = order.orders()[1]
    assert set(purchase.followed_shipment_versions) == set(order.shipments)
    assert purchase.shipment_ids == tuple(order.shipments) and purchase.saving_job_id is None
    figures = seller.figures()
    assert [figures.of(seller.main, s) for s in SKUS] == [
        StockFigures(on_hand=50, committed=n) for n in PLAN.values()
    ]
    assert [figures.of(seller.fba, s) for s in SKUS] == [
        StockFigures(on_order=n) for n in PLAN.values()
    ]


def test_three_shipments_receiving_over_days_are_one_order_received_and_closed_at_the_end() -> None:
    # Given the transfer saved into three shipments
    seller, order, shipments = saved()
    s1, s2, s3 = shipments
    world = seller.world
    # When S1 leaves on day 1: the order waits for the other two
    seller.later(DAY)
    world.amazon_status(s1, "SHIPPED")
    assert order.orders()[0].status is SalesOrderStatus.OPEN
    # When S2 and S3 leave on day 2: it ships, as of the latest of those observations
    seller.later(DAY)
    world.amazon_status(s2, "IN_TRANSIT")
    day_2 = seller.later(5)
    world.amazon_status(s3, "SHIPPED")
    sales, purchase = order.orders()
    assert sales.status is SalesOrderStatus.SHIPPED and sales.shipped_at == day_2
    assert purchase.shipped_at == day_2
    # When each receives over the next days
    seller.later(DAY)
    world.amazon_receives(s1, "A", 4)
    world.amazon_receives(s1, "B", 6)
    assert order.received() == {"A": 4, "B": 6}
    seller.later(DAY)
    world.amazon_receives(s2, "A", 5)
    assert order.received() == {"A": 9, "B": 6}
    # Then it closes only when all three closed, one A short
    seller.later(DAY)
    world.amazon_status(s1, "CLOSED")
    world.amazon_status(s2, "CLOSED")
    assert not order.orders()[1].closed
    seller.later(DAY)
    world.amazon_receives(s3, "C", 4)
    assert not order.orders()[1].closed
    seller.later(DAY)
    world.amazon_status(s3, "CLOSED")
    purchase = order.orders()[1]
    assert purchase.closed and purchase.status is PurchaseOrderStatus.CLOSED_SHORT
    assert order.received() == {"A": 9, "B": 6, "C": 4}
    figures = seller.figures()
    assert [figures.of(seller.main, s) for s in SKUS] == [
        StockFigures(on_hand=40),
        StockFigures(on_hand=44),
        StockFigures(on_hand=46),
    ]
    assert [figures.of(seller.fba, s) for s in SKUS] == [
        StockFigures(on_hand=9, discrepancy=1),
        StockFigures(on_hand=6),
        StockFigures(on_hand=4),
    ]
    assert_conserved(seller)
    # And every event delivered again decides nothing
    before = len(world.log)
    seller.react()
    assert len(world.log) == before


def test_a_late_reactor_ends_where_a_prompt_one_does_dated_by_amazons_observations() -> None:
    prompt, prompt_order, prompt_shipments = saved()
    receive_over_days(prompt, prompt_shipments)
    late, late_order, late_shipments = saved(react_inline=False)
    receive_over_days(late, late_shipments)
    late.react()
    late_so, prompt_so = late_order.orders()[0], prompt_order.orders()[0]
    assert (late_so.lines, late_so.status) == (prompt_so.lines, prompt_so.status)
    assert late_so.shipped_at == prompt_so.shipped_at
    late_po, prompt_po = late_order.orders()[1], prompt_order.orders()[1]
    assert late_po.lines == prompt_po.lines and late_po.status is prompt_po.status
    assert (late_po.shipped_at, late_po.closed) == (prompt_po.shipped_at, prompt_po.closed)
    assert_conserved(late)
    # An old observation of S2 delivered once more decides nothing
    s2 = late_shipments[1]
    old = next(e for e in late.world.log if e.stream_id.entity_id == s2 and e.version == 2)
    assert late.world.reactor.react(old) == {}


def test_a_shipment_cancelled_before_leaving_takes_its_units_off_and_all_cancelled_release() -> (
    None
):
    seller, order, shipments = saved()
    s1, s2, s3 = shipments
    world = seller.world
    # When Amazon deletes S3 before its goods left
    seller.later()
    world.amazon_status(s3, "DELETED")
    # Then C is neither committed at MAIN nor on order at FBA
    assert order.ordered() == {"A": 10, "B": 6}
    figures = seller.figures()
    assert figures.of(seller.main, "C") == StockFigures(on_hand=50)
    assert figures.of(seller.fba, "C") == StockFigures()
    assert not order.orders()[1].cancelled
    # When the other two are cancelled too: both orders are released
    seller.later()
    world.amazon_status(s1, "CANCELLED")
    assert not order.orders()[1].cancelled and order.ordered() == {"A": 6}
    world.amazon_status(s2, "ERROR")
    sales, purchase = order.orders()
    assert purchase.status is PurchaseOrderStatus.CANCELLED
    assert sales.status is SalesOrderStatus.CANCELLED
    figures = seller.figures()
    assert [figures.of(seller.main, s) for s in SKUS] == [StockFigures(on_hand=50)] * 3
    # When Amazon receives units on S1 anyway (still CANCELLED): the orders reopen with what
    # S1 holds, shipped, and closed like a closed shipment (B missing)
    seller.later(DAY)
    world.amazon_receives(s1, "A", 4)
    sales, purchase = order.orders()
    assert purchase.status is PurchaseOrderStatus.CLOSED_SHORT
    assert sales.status is SalesOrderStatus.SHIPPED
    assert order.ordered() == {"A": 4, "B": 6} and order.received() == {"A": 4}
    figures = seller.figures()
    assert figures.of(seller.main, "B") == StockFigures(on_hand=44)
    assert figures.of(seller.fba, "B") == StockFigures(discrepancy=6)
    assert_conserved(seller)


def test_units_amazon_receives_before_the_others_left_are_never_counted_twice() -> None:
    # Given the transfer saved into three shipments
    seller, order, shipments = saved()
    s1, s2, s3 = shipments
    world = seller.world
    # When Amazon receives S1 in full while S2 and S3 are still WORKING
    seller.later(DAY)
    world.amazon_receives(s1, "A", 4)
    world.amazon_receives(s1, "B", 6)
    # Then MAIN still holds them committed, FBA has them on order (not on hand besides)
    assert order.received() == {} and not order.orders()[1].shipped
    figures = seller.figures()
    assert figures.of(seller.main, "B") == StockFigures(on_hand=50, committed=6)
    assert figures.of(seller.fba, "B") == StockFigures(on_order=6)
    # When S2 and S3 leave: everything ships, S1's receipts are booked
    seller.later(DAY)
    world.amazon_status(s2, "SHIPPED")
    world.amazon_status(s3, "SHIPPED")
    assert order.received() == {"A": 4, "B": 6}
    figures = seller.figures()
    assert figures.of(seller.main, "B") == StockFigures(on_hand=44)
    assert figures.of(seller.fba, "B") == StockFigures(on_hand=6)
    assert figures.of(seller.fba, "A") == StockFigures(on_hand=4, receiving=6)
    assert_conserved(seller)
