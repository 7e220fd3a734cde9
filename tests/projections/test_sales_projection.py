"""Amazon customer orders projected: the listing-day sales rows and the stock they move.

The sync's reads go through the real deciders into a log; the log goes through the real
projector (in memory here; on DynamoDB in test_sales_queries.py). After each scenario, the
views are also rebuilt from the log and must equal the live ones, item for item.
"""

import random
from datetime import date

from domain.sales import LineStatus, SalesChannel
from domain.sales.figures import NO_SALES, SalesFigures, sales_contribution
from domain.stock import ZERO
from domain.stock.contributions import amazon_order_contribution
from domain.stock.ledger import LedgerFact
from domain.warehouse import fba_warehouse_id, fbm_warehouse_id
from functions.projector.compare import differences
from functions.projector.handler import handle
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.projector.wiring import Deps
from functions.shared.views import keys
from tests.projections.amazon_sales import AmazonCustomers, on_hand, sales_days
from tests.projections.delivery import FlakyViewStore, deliver, lambda_context, shuffled_batches
from tests.projections.world import T0, US, World
from tests.support.in_memory import InMemoryEventStore

PENDING, SHIPPED, CANCELLED = LineStatus.PENDING, LineStatus.SHIPPED, LineStatus.CANCELLED
DAY = 24 * 60  # minutes
NOV1, NOV3, NOV5 = date(2026, 11, 1), date(2026, 11, 3), date(2026, 11, 5)


class Seller:
    """A connected seller whose FBA US warehouse received 50 A and 20 B from Main (the FBM
    warehouse holds nothing yet), with its log projected live as it grows."""

    def __init__(self) -> None:
        self.world = World(InMemoryEventStore(), random.Random(7))
        self.world.connect((US,))
        self.fba = fba_warehouse_id(self.world.connection_id, US)
        self.fbm = fbm_warehouse_id(self.world.connection_id)
        main = self.world.own_warehouse("Main")
        self.world.count(main, {"A": 50, "B": 20})
        shipment = self.world.discover({"A": 50, "B": 20}, US)
        self.world.reconcile(shipment, main)
        self.world.mark_shipped(shipment)
        self.world.amazon_receives(shipment, "A", 50)
        self.world.amazon_receives(shipment, "B", 20)
        self.world.clock.advance(10)
        self.amazon = AmazonCustomers(self.world, US)
        self.views = InMemoryViewStore()
        self.projector = Projector(self.world.store, self.views)
        self.projected = 0

    def project(self) -> None:
        """Project what the log gained since the last call, in one batch."""
        new = self.world.log[self.projected :]
        if new:
            assert not self.projector.project_batch(new).failures
        self.projected = len(self.world.log)

    def redeliver_everything(self) -> None:
        assert not self.projector.project_batch(self.world.log).failures

    def assert_rebuild_equals_live(self) -> None:
        rebuilt, _ = rebuild(self.world.store)
        assert differences(rebuilt.items(), self.views.items()) == []


def test_an_order_read_again_appends_nothing_and_changes_nothing() -> None:
    # Given an order of 2 A, read and projected
    seller = Seller()
    seller.amazon.order("O1", {"A": (2, PENDING)}, seller.fba, purchased_at=T0)
    seller.project()
    log, views = list(seller.world.log), list(seller.views.items())
    # When the same report is read again, and the whole log is delivered again
    again = seller.amazon.order("O1", {"A": (2, PENDING)}, seller.fba, purchased_at=T0)
    seller.redeliver_everything()
    # Then nothing was appended and no view item changed
    assert again == []
    assert seller.world.log == log
    assert differences(views, seller.views.items()) == []
    assert sales_days(seller.views) == {(seller.fba, "A", NOV1): SalesFigures(sold=2)}


def test_a_late_cancellation_moves_the_figures_once() -> None:
    # Given an order of 2 A and 1 B sold on Nov 1
    seller = Seller()
    seller.amazon.order("O1", {"A": (2, PENDING), "B": (1, PENDING)}, seller.fba, T0)
    seller.project()
    # When Amazon cancels its A line on Nov 3, and the report is read three times
    seller.world.clock.advance(2 * DAY)
    for _ in range(3):
        seller.amazon.order("O1", {"A": (2, CANCELLED), "B": (1, PENDING)}, seller.fba, T0)
        seller.project()
    seller.redeliver_everything()
    # Then A is cancelled on Nov 3 and no longer sold on Nov 1, once
    assert sales_days(seller.views) == {
        (seller.fba, "B", NOV1): SalesFigures(sold=1),
        (seller.fba, "A", NOV3): SalesFigures(cancelled=2),
    }
    assert on_hand(seller.views)[seller.fba, "A"] == 50  # nothing shipped, nothing moved
    seller.assert_rebuild_equals_live()


def test_shipped_fba_sales_leave_fba_on_hand_and_fbm_sales_the_fbm_warehouse() -> None:
    # Given an FBA order of 3 A and an FBM order of 4 A, pending on Nov 1
    seller = Seller()
    seller.amazon.order("O1", {"A": (3, PENDING)}, seller.fba, T0)
    seller.amazon.order("O2", {"A": (4, PENDING)}, seller.fbm, T0, SalesChannel.FBM)
    seller.project()
    pending = on_hand(seller.views)
    # When Amazon shows both shipped on Nov 3
    seller.world.clock.advance(2 * DAY)
    shipped_at = seller.world.clock.now()
    seller.amazon.order("O1", {"A": (3, SHIPPED)}, seller.fba, T0)
    seller.amazon.order("O2", {"A": (4, SHIPPED)}, seller.fbm, T0, SalesChannel.FBM)
    seller.project()
    seller.redeliver_everything()
    # Then pending moved nothing, and shipped units left each warehouse once, dated when shown
    assert pending[seller.fba, "A"] == 50
    assert (seller.fbm, "A") not in pending
    assert on_hand(seller.views)[seller.fba, "A"] == 47
    assert on_hand(seller.views)[seller.fbm, "A"] == -4  # what came in is not in these books
    ledger = keys.ledger(seller.world.tenant_id, seller.fba, "A")
    facts = [item.parse(LedgerFact) for item in seller.views.query(ledger)]
    [sale] = [fact for fact in facts if fact.event_type == "AmazonOrderObserved"]
    assert (sale.delta.on_hand, sale.at, sale.order_id) == (-3, shipped_at, "O1")
    # And the sale is booked on its purchase day, at its own warehouse
    assert sales_days(seller.views) == {
        (seller.fba, "A", NOV1): SalesFigures(sold=3),
        (seller.fbm, "A", NOV1): SalesFigures(sold=4),
    }
    seller.assert_rebuild_equals_live()


def test_a_return_books_once_and_puts_its_units_back() -> None:
    # Given an FBA order of 3 A shipped on Nov 1
    seller = Seller()
    seller.amazon.order("O1", {"A": (3, SHIPPED)}, seller.fba, T0)
    seller.project()
    # When 1 unit comes back on Nov 5 and both returns reports show it, twice each
    seller.world.clock.advance(4 * DAY)
    for _ in range(2):
        seller.amazon.returns("O1", "LPN1", "A", 1, seller.fba)
        seller.project()
    seller.redeliver_everything()
    # Then it is returned once on Nov 5 and on hand at FBA again
    assert sales_days(seller.views) == {
        (seller.fba, "A", NOV1): SalesFigures(sold=3),
        (seller.fba, "A", NOV5): SalesFigures(returned=1),
    }
    assert on_hand(seller.views)[seller.fba, "A"] == 48
    seller.assert_rebuild_equals_live()


def test_views_projected_live_through_shuffled_failing_deliveries_equal_a_rebuild() -> None:
    # Given days of orders: sold, some cancelled late, some shipped, some returned
    rng = random.Random(2026)
    seller = Seller()
    for n in range(40):
        seller.world.clock.advance(rng.randint(0, DAY))
        order_id = f"O{rng.randint(1, 12)}"
        state = seller.amazon.state(order_id)
        held = state.order if state is not None and state.order is not None else None
        if held is not None and rng.random() < 0.2:
            seller.amazon.returns(order_id, f"R{n}", held.lines[0].sku, 1, seller.fba)
            continue
        status = rng.choice([PENDING, SHIPPED, CANCELLED])
        purchased = held.purchased_at if held else seller.world.clock.now()
        lines = {"A": (rng.randint(1, 3), status), "B": (1, rng.choice([PENDING, SHIPPED]))}
        seller.amazon.order(order_id, lines, seller.fba, purchased)
    # When the log is projected live in shuffled, redelivered batches, writes failing at random
    live = InMemoryViewStore()
    flaky = FlakyViewStore(live, rng, rate=0.05)
    deps = Deps(projector=Projector(seller.world.store, flaky))
    deliver(lambda e: handle(e, lambda_context(), deps), shuffled_batches(seller.world.log, rng))
    # Then the views equal a rebuild, and the sales rows are the orders' contributions summed
    rebuilt, _ = rebuild(seller.world.store)
    assert flaky.faults > 0
    assert differences(rebuilt.items(), live.items()) == []
    assert sales_days(live) == expected_sales(seller)
    # And FBA on hand is what Amazon received, less what shipped, plus what came back
    for sku, received in (("A", 50), ("B", 20)):
        assert on_hand(live)[seller.fba, sku] == received + expected_moved(seller, sku)


def test_two_projectors_on_one_store_count_each_sale_once() -> None:
    # Given two orders' days, and two projectors on the same views (each with its own memory)
    seller = Seller()
    seller.amazon.order("O1", {"A": (2, PENDING)}, seller.fba, T0)
    seller.amazon.order("O2", {"A": (1, PENDING)}, seller.fba, T0)
    first, second = Projector(seller.world.store, seller.views), seller.projector
    log = list(seller.world.log)
    # When the first projects the log so far, the second all of it and more sales after that,
    # and the first then goes on with its rows in memory now stale
    assert not first.project_batch(log).failures
    seller.world.clock.advance(2 * DAY)
    seller.amazon.order("O1", {"A": (2, CANCELLED)}, seller.fba, T0)
    seller.amazon.order("O3", {"A": (4, PENDING)}, seller.fba, T0)
    assert not second.project_batch(seller.world.log).failures
    seller.amazon.order("O2", {"A": (1, SHIPPED)}, seller.fba, T0)
    assert not first.project_batch(seller.world.log).failures
    # Then every sale, cancellation and shipment is counted once
    assert sales_days(seller.views) == {
        (seller.fba, "A", NOV1): SalesFigures(sold=5),
        (seller.fba, "A", NOV3): SalesFigures(cancelled=2),
    }
    assert on_hand(seller.views)[seller.fba, "A"] == 49
    seller.assert_rebuild_equals_live()


def expected_moved(seller: Seller, sku: str) -> int:
    orders = (seller.amazon.state(f"O{n}") for n in range(1, 13))
    return sum(
        amazon_order_contribution(order).get((seller.fba, sku), ZERO).on_hand
        for order in orders
        if order is not None
    )


def expected_sales(seller: Seller) -> dict[tuple[str, str, date], SalesFigures]:
    """Each order's contribution (from its state, loaded from the log) summed by listing-day."""
    totals: dict[tuple[str, str, date], SalesFigures] = {}
    for n in range(1, 13):
        state = seller.amazon.state(f"O{n}")
        for key, figures in (sales_contribution(state) if state else {}).items():
            totals[key] = totals.get(key, NO_SALES) + figures
    return {key: figures for key, figures in totals.items() if not figures.is_zero()}
