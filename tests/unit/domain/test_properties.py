"""Properties over any sequence of Amazon observations and user commands.

Amazon's side is a tiny model (status, shipped and cumulative received per SKU); every step is
seen by a sync (`observe`), and the auto-receive policy (`follow_shipment`) runs after it, as the
reactor would. Then, for every history: units are conserved, the purchase order's received
totals equal Amazon's last cumulative totals, and replaying the stored events gives the same state.
"""

import contextlib
import json
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.inbound_shipment.amazon import ShipmentPhase
from domain.orders.follow_shipment import follow_shipment
from domain.orders.transfer import ReconcileShipment, mark_shipped, reconcile
from domain.registry import decode_event, encode_event
from domain.stock import ZERO, StockFigures
from domain.stock.contributions import purchase_order_contribution, sales_order_contribution
from domain.streams import StreamKind
from tests.unit.domain.builders import at, fold
from tests.unit.domain.scenario import Scenario, fba_warehouse_for, own_warehouse

SKUS = ("A", "B", "C")
STATUSES = (
    "WORKING",
    "READY_TO_SHIP",
    "SHIPPED",
    "IN_TRANSIT",
    "CHECKED_IN",
    "RECEIVING",
    "CLOSED",
    "CANCELLED",
    "DELETED",
    "SOMETHING_NEW",
)

amazon_step = st.one_of(
    st.tuples(st.just("receive"), st.sampled_from((*SKUS, "UNPLANNED")), st.integers(-3, 12)),
    st.tuples(st.just("status"), st.sampled_from(STATUSES), st.just(0)),
    st.tuples(st.just("reconcile"), st.just(""), st.just(0)),
    st.tuples(st.just("ship"), st.just(""), st.just(0)),
    st.tuples(st.just("acknowledge"), st.just(""), st.just(0)),
)


@dataclass
class AmazonShipment:
    status: str = "WORKING"
    shipped: dict[str, int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)

    def lines(self) -> dict[str, tuple[int, int]]:
        skus = {*self.shipped, *self.received}
        return {sku: (self.shipped.get(sku, 0), self.received.get(sku, 0)) for sku in skus}


@dataclass
class World:
    amazon: AmazonShipment
    scenario: Scenario = field(default_factory=Scenario)
    minute: int = 0

    def sync(self) -> None:
        self.minute += 15
        self.scenario.observe(self.amazon.status, self.amazon.lines(), self.minute)
        self.react()

    def react(self) -> None:
        shipment = self.scenario.shipment()
        if shipment is None or self.scenario.ids is None:
            return
        self.scenario.apply(
            follow_shipment(
                shipment,
                self.scenario.sales_order(),
                self.scenario.purchase_order(),
                at(self.minute),
                self.scenario.shipment_version(),
            )
        )

    def step(self, action: str, arg: str, quantity: int) -> None:
        with contextlib.suppress(DomainError):  # a refused command must change nothing
            getattr(self, f"_{action}")(arg, quantity)
        self.sync()

    def _receive(self, sku: str, quantity: int) -> None:
        if self.amazon.status not in ("CANCELLED", "DELETED"):
            total = self.amazon.received.get(sku, 0) + quantity
            self.amazon.received[sku] = max(total, 0)
            if self.amazon.status != "CLOSED":
                self.amazon.status = "RECEIVING"

    def _status(self, status: str, _: int) -> None:
        if self.amazon.status not in ("CANCELLED", "DELETED"):  # Amazon never revives them
            self.amazon.status = status

    def _reconcile(self, _: str, __: int) -> None:
        shipment = self.scenario.shipment()
        if shipment is None or self.scenario.ids is not None:
            return
        source = own_warehouse()
        ids = ReconcileShipment(
            shipment_id=shipment.shipment_id,
            source_warehouse_id=source.warehouse_id,
            transfer_order_id="to",
            sales_order_id="so",
            purchase_order_id="po",
        )
        self.scenario.apply(reconcile(ids, shipment, source, fba_warehouse_for(shipment)))
        self.scenario.ids = ids

    def _ship(self, _: str, __: int) -> None:
        if self.scenario.ids is not None:
            self.scenario.apply(
                mark_shipped(
                    self.scenario.sales_order(), self.scenario.purchase_order(), at(self.minute)
                )
            )

    def _acknowledge(self, _: str, __: int) -> None:
        from domain.orders.purchase_order import AcknowledgeDiscrepancy, decide

        if self.scenario.ids is not None:
            po = self.scenario.purchase_order()
            self.scenario.apply(
                {
                    (StreamKind.PURCHASE_ORDER, po.purchase_order_id): decide(
                        AcknowledgeDiscrepancy(purchase_order_id=po.purchase_order_id), po
                    )
                }
            )


histories = st.builds(
    lambda plan, steps: (plan, steps),
    st.dictionaries(st.sampled_from(SKUS), st.integers(1, 20), min_size=1),
    st.lists(amazon_step, max_size=25),
)


def run(plan: dict[str, int], steps: list[tuple[str, str, int]]) -> World:
    world = World(AmazonShipment(shipped=dict(plan)))
    world.sync()
    for step in steps:
        world.step(*step)
    return world


def total(contribution: dict[tuple[str, str], StockFigures], sku: str) -> StockFigures:
    return sum((f for (_, s), f in contribution.items() if s == sku), ZERO)


@settings(max_examples=300, deadline=None)
@given(histories)
def test_units_are_conserved(history: tuple[dict[str, int], list[tuple[str, str, int]]]) -> None:
    world = run(*history)
    if world.scenario.ids is None:
        return
    sales, purchase = world.scenario.sales_order(), world.scenario.purchase_order()
    for sku in {*SKUS, "UNPLANNED"}:
        left_source = -total(sales_order_contribution(sales), sku).on_hand
        dest = total(purchase_order_contribution(purchase), sku)
        accounted = (
            dest.in_transit + dest.receiving + dest.on_hand + dest.discrepancy + dest.written_off
        )
        assert left_source == accounted, (sku, sales, purchase)
        assert min(dest.in_transit, dest.receiving, dest.on_order) >= 0


@settings(max_examples=300, deadline=None)
@given(histories)
def test_purchase_order_received_totals_equal_amazons_last_cumulative_totals(
    history: tuple[dict[str, int], list[tuple[str, str, int]]],
) -> None:
    world = run(*history)
    if world.scenario.ids is None:
        return
    purchase = world.scenario.purchase_order()
    if purchase.cancelled:
        assert world.amazon.status in ("CANCELLED", "DELETED")
        assert not any(world.amazon.received.values())
        return
    booked = {
        sku: line.quantity_received
        for sku, line in purchase.lines.items()
        if line.quantity_received
    }
    amazon = {sku: quantity for sku, quantity in world.amazon.received.items() if quantity}
    assert booked == amazon


@settings(max_examples=200, deadline=None)
@given(histories)
def test_replaying_the_stored_events_gives_the_same_state(
    history: tuple[dict[str, int], list[tuple[str, str, int]]],
) -> None:
    from domain.inbound_shipment.state import evolve as evolve_shipment
    from domain.orders import purchase_order, sales_order

    world = run(*history)
    stored = {
        key: [decode_event(json.loads(encode_event(event))) for event in events]
        for key, events in world.scenario.streams.items()
    }
    assert stored == world.scenario.streams
    shipment_events = stored[(StreamKind.SHIPMENT, world.scenario.shipment_id)]
    assert fold(evolve_shipment, shipment_events) == world.scenario.shipment()
    if world.scenario.ids is not None:
        assert (
            fold(sales_order.evolve, stored[(StreamKind.SALES_ORDER, "so")])
            == world.scenario.sales_order()
        )
        assert (
            fold(purchase_order.evolve, stored[(StreamKind.PURCHASE_ORDER, "po")])
            == world.scenario.purchase_order()
        )


@settings(max_examples=200, deadline=None)
@given(histories)
def test_a_sync_that_sees_nothing_new_decides_nothing(
    history: tuple[dict[str, int], list[tuple[str, str, int]]],
) -> None:
    world = run(*history)
    before = {key: list(events) for key, events in world.scenario.streams.items()}
    world.sync()
    assert world.scenario.streams == before


def test_the_model_reaches_the_interesting_states() -> None:
    """Guards the generator: a plain history closes short with a discrepancy."""
    world = run(
        {"A": 10},
        [("reconcile", "", 0), ("ship", "", 0), ("receive", "A", 7), ("status", "CLOSED", 0)],
    )
    purchase = world.scenario.purchase_order()
    assert purchase.closed and purchase.open_discrepancies()[0].quantity == 3
    shipment = world.scenario.shipment()
    assert shipment is not None and shipment.phase is ShipmentPhase.CLOSED
