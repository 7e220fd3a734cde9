"""Orders follow Amazon, whatever Amazon does and whenever the reactor answers: a stateful test.

Amazon edits the plan, moves the status anywhere (cancel, revive, error, close), receives units
(negative corrections and unplanned SKUs too); the user reconciles, marks shipped, acknowledges
and counts MAIN with what is physically there; the reactor answers late. After every step:
- units are conserved per SKU, now and as of every instant a movement is dated at: MAIN's on
  hand + what is at FBA (in transit, receiving, on hand, missing, written off) = the 50 MAIN
  started with, and what MAIN has committed is on order at FBA;
- the purchase order has received exactly Amazon's last cumulative totals;
- replaying the stored events (encoded and decoded) gives the same states;
- the views projected live, in shuffled batches with redeliveries, equal a rebuild in order.
"""

import contextlib
import json
import random
from datetime import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.errors import DomainError
from domain.event_store import RecordedEvent
from domain.inbound_shipment.amazon import GOODS_LEFT_PHASES, phase_of
from domain.registry import decode_event, encode_event
from domain.streams import StreamId
from functions.projector.compare import differences
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.shared.aggregates import EVOLVERS
from tests.projections.figures import Figures, accounted
from tests.projections.test_when_amazon_departs import Seller

SKUS = ("A", "B", "C")
STOCK = 50
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
    "ERROR",
)


class OrdersFollowAmazon(RuleBasedStateMachine):
    @initialize(
        plan=st.dictionaries(st.sampled_from(SKUS[:2]), st.integers(1, 20), min_size=1),
        seed=st.integers(0, 2**32 - 1),
    )
    def start(self, plan: dict[str, int], seed: int) -> None:
        self.rng = random.Random(seed)
        self.seller = Seller(SKUS, react_inline=False, rng=random.Random(seed))
        self.world = self.seller.world
        self.shipment_id = self.world.discover(plan)
        self.reacted = 0
        self.goods_left = False  # physically: the user shipped, or Amazon shows them gone
        self.live = InMemoryViewStore()
        self.live_projector = Projector(self.world.store, self.live)
        self.fed = 0

    # Amazon

    @rule(plan=st.dictionaries(st.sampled_from(SKUS), st.integers(1, 20), max_size=3))
    def amazon_changes_the_plan(self, plan: dict[str, int]) -> None:
        self._tick()
        if self.world.amazon[self.shipment_id].status != "CLOSED":  # Amazon refuses (409)
            self.world.amazon_plan(self.shipment_id, plan)
            self._observe_amazon()

    @rule(status=st.sampled_from(STATUSES))
    def amazon_moves_the_status(self, status: str) -> None:
        self._tick()
        self.world.amazon_status(self.shipment_id, status)
        self._observe_amazon()

    @rule(sku=st.sampled_from(SKUS), units=st.integers(-3, 12))
    def amazon_receives(self, sku: str, units: int) -> None:
        self._tick()
        self.world.amazon_receives(self.shipment_id, sku, units)
        self._observe_amazon()

    # The user

    @precondition(lambda self: self.shipment_id not in self.world.reconciled)
    @rule()
    def reconcile(self) -> None:
        self._tick()
        with contextlib.suppress(DomainError):
            self.world.reconcile(self.shipment_id, self.seller.main)

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def mark_shipped(self) -> None:
        self._tick()
        try:
            self.world.mark_shipped(self.shipment_id)
        except DomainError:
            return
        self.goods_left = True

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def acknowledge(self) -> None:
        self._tick()
        with contextlib.suppress(DomainError):
            self.world.acknowledge(self.shipment_id)

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def count_main(self) -> None:
        """What is physically on MAIN's shelves, whatever the system knows yet."""
        self._tick()
        self.world.count(self.seller.main, {sku: STOCK - self._left(sku) for sku in SKUS})

    # Time and the reactor

    @rule(minutes=st.sampled_from((1, 15, 120, 1440)))
    def time_passes(self, minutes: int) -> None:
        self.world.clock.advance(minutes)

    @rule()
    def reactor_answers(self) -> None:
        while self.reacted < len(self.world.log):
            self.world.reactor.react(self.world.log[self.reacted])
            self.reacted += 1

    # Invariants

    @invariant()
    def units_are_conserved_now_and_at_every_instant(self) -> None:
        if self.reacted < len(self.world.log):
            return  # the reactor has not caught up: the books are behind, not wrong
        figures = Figures(self.world)
        main, fba = self.seller.main, self.seller.fba
        for sku in SKUS:
            assert figures.of(main, sku).on_hand == STOCK - self._left(sku), sku
            now = (figures.of(main, sku), figures.of(fba, sku))
            past = [
                (figures.as_of(main, sku, at), figures.as_of(fba, sku, at))
                for at in self._instants(figures)
            ]
            for at_main, at_fba in [now, *past]:
                assert at_main.on_hand + accounted(at_fba) == STOCK, (sku, at_main, at_fba)
                assert at_main.committed == at_fba.on_order, (sku, at_main, at_fba)

    @invariant()
    def the_purchase_order_received_amazons_last_totals(self) -> None:
        if self.reacted < len(self.world.log) or self.shipment_id not in self.world.reconciled:
            return
        purchase = self.seller.orders(self.shipment_id)[1]
        amazon = self.world.amazon[self.shipment_id]
        if purchase.cancelled:
            assert not self.goods_left and not any(amazon.received.values())
            return
        booked = {
            s: line.quantity_received
            for s, line in purchase.lines.items()
            if line.quantity_received
        }
        assert booked == {s: n for s, n in amazon.received.items() if n}

    @invariant()
    def replaying_the_stored_events_gives_the_same_states(self) -> None:
        streams: dict[StreamId, list[RecordedEvent]] = {}
        for recorded in self.world.log:
            streams.setdefault(recorded.stream_id, []).append(recorded)
        for stream_id, events in streams.items():
            evolve = EVOLVERS.get(stream_id.kind)
            if evolve is None:
                continue  # Amazon's inventory reports: no aggregate state
            live: object = None
            replayed: object = None
            for recorded in events:
                live = evolve(live, recorded.event)
                stored = json.loads(encode_event(recorded.event))
                replayed = evolve(replayed, decode_event(stored))
            assert replayed == live, stream_id
            loaded = self.world.aggregates.load(
                self.world.tenant_id, stream_id.kind, stream_id.entity_id
            )
            assert loaded.state == live, stream_id

    @invariant()
    def live_views_in_any_order_equal_a_rebuild(self) -> None:
        new = self.world.log[self.fed :]
        self.fed = len(self.world.log)
        again = self.rng.sample(self.world.log, k=min(3, len(self.world.log)))
        batch = [*new, *again]
        self.rng.shuffle(batch)
        for recorded in batch:
            self.live_projector.project(recorded)
        rebuilt, _ = rebuild(self.world.store)
        assert differences(rebuilt.items(), self.live.items()) == []

    def _instants(self, figures: Figures) -> list[datetime]:
        """Every instant a movement is dated at, and every event's time."""
        return sorted({*figures.instants(), *(e.occurred_at for e in self.world.log)})

    # The physical world

    def _tick(self) -> None:
        """Every act at its own minute: at one instant, a count and a shipment have no order."""
        self.world.clock.advance(1)

    def _observe_amazon(self) -> None:
        amazon = self.world.amazon[self.shipment_id]
        if phase_of(amazon.status) in GOODS_LEFT_PHASES or any(amazon.received.values()):
            self.goods_left = True

    def _left(self, sku: str) -> int:
        """Units of `sku` that left MAIN: once the goods went, Amazon's plan, or what Amazon
        received when it is more. Nothing left while the shipment was not reconciled (the
        seller shipped someone else's stock, as far as MAIN is concerned)."""
        amazon = self.world.amazon[self.shipment_id]
        if not self.goods_left or self.shipment_id not in self.world.reconciled:
            return 0
        return max(amazon.shipped.get(sku, 0), amazon.received.get(sku, 0))


OrdersFollowAmazon.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_orders_follow_amazon = OrdersFollowAmazon.TestCase
