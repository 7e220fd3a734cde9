"""The reactor: every shipment event of a reconciled shipment brings its orders in step with
Amazon through `follow_shipment`, once, with the triggering event as cause."""

from collections.abc import Sequence

from domain.event_store import RecordedEvent, StreamAppend
from domain.orders.purchase_order import PurchaseOrder
from domain.orders.sales_order import SalesOrder, SalesOrderStatus
from domain.orders.transfer import mark_shipped
from domain.streams import StreamKind
from functions.reactor.reactor import ACTOR
from tests.projections.world import US, World
from tests.support.in_memory import InMemoryEventStore


def a_world(store: InMemoryEventStore | None = None) -> tuple[World, str]:
    world = World(store or InMemoryEventStore(), react_inline=False)
    world.connect((US,))
    return world, world.own_warehouse()


def react_to_all(world: World, since: int = 0) -> list[RecordedEvent]:
    """Feed the reactor every event from `since` on, and what it appends in turn."""
    position = since
    while position < len(world.log):
        world.reactor.react(world.log[position])
        position += 1
    return world.log[since:]


def orders(world: World, shipment_id: str) -> tuple[SalesOrder, PurchaseOrder]:
    ids = world.reconciled[shipment_id]
    load = world.aggregates.load
    sales = load(world.tenant_id, StreamKind.SALES_ORDER, ids.sales_order_id).state
    purchase = load(world.tenant_id, StreamKind.PURCHASE_ORDER, ids.purchase_order_id).state
    assert isinstance(sales, SalesOrder) and isinstance(purchase, PurchaseOrder)
    return sales, purchase


def by_reactor(events: Sequence[RecordedEvent]) -> list[RecordedEvent]:
    return [e for e in events if e.actor == ACTOR]


def test_amazon_receipts_are_received_on_the_purchase_order_with_their_cause() -> None:
    # Given a reconciled, shipped shipment
    world, main = a_world()
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    world.mark_shipped(shipment_id)
    react_to_all(world)
    start = len(world.log)
    # When Amazon receives 6 and the sync sees it
    world.amazon_receives(shipment_id, "A", 6)
    seen = world.log[start:]  # the status moved to RECEIVING, and the receipt
    reactions = by_reactor(react_to_all(world, start))
    # Then the purchase order receives 6 once, caused by the first event that showed it
    assert [e.type for e in seen] == [
        "InboundShipmentStatusChanged",
        "InboundShipmentReceiptsChanged",
    ]
    assert [e.type for e in reactions] == ["PurchaseOrderReceived", "PurchaseOrderFollowedShipment"]
    assert reactions[0].causation_id == seen[0].event_id
    assert reactions[0].correlation_id == seen[0].correlation_id
    assert orders(world, shipment_id)[1].lines["A"].quantity_received == 6


def test_a_shipment_reconciled_after_amazon_received_units_is_received_at_once() -> None:
    # Given Amazon received 4 before anyone reconciled the shipment
    world, main = a_world()
    shipment_id = world.discover({"A": 10})
    world.amazon_receives(shipment_id, "A", 4)
    assert by_reactor(react_to_all(world)) == []
    start = len(world.log)
    # When it is reconciled
    world.reconcile(shipment_id, main)
    reactions = by_reactor(react_to_all(world, start))
    # Then its sales order ships and its purchase order receives the 4 right away
    assert [e.type for e in reactions] == [
        "SalesOrderShipped",
        "PurchaseOrderShipped",
        "PurchaseOrderReceived",
        "PurchaseOrderFollowedShipment",
    ]
    sales, purchase = orders(world, shipment_id)
    assert sales.status is SalesOrderStatus.SHIPPED
    assert purchase.lines["A"].quantity_received == 4


def test_closing_short_leaves_a_discrepancy_and_late_found_units_still_post() -> None:
    world, main = a_world()
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    world.mark_shipped(shipment_id)
    world.amazon_receives(shipment_id, "A", 7)
    world.amazon_status(shipment_id, "CLOSED")
    react_to_all(world)
    purchase = orders(world, shipment_id)[1]
    assert purchase.closed and [d.quantity for d in purchase.open_discrepancies()] == [3]
    # When Amazon finds 2 more after closing
    start = len(world.log)
    world.amazon_receives(shipment_id, "A", 2)
    react_to_all(world, start)
    purchase = orders(world, shipment_id)[1]
    assert purchase.lines["A"].quantity_received == 9
    assert [d.quantity for d in purchase.open_discrepancies()] == [1]


def test_a_cancelled_shipment_releases_what_its_orders_held() -> None:
    world, main = a_world()
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    world.amazon_status(shipment_id, "CANCELLED")
    reactions = by_reactor(react_to_all(world))
    assert [e.type for e in reactions] == [
        "SalesOrderCancelled",
        "PurchaseOrderCancelled",
        "PurchaseOrderFollowedShipment",
    ]
    sales, purchase = orders(world, shipment_id)
    assert sales.status is SalesOrderStatus.CANCELLED and purchase.cancelled


def test_a_redelivered_event_and_events_that_need_nothing_append_nothing() -> None:
    world, main = a_world()
    unreconciled = world.discover({"B": 1})
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    world.mark_shipped(shipment_id)
    world.amazon_receives(shipment_id, "A", 6)
    react_to_all(world)
    settled = len(world.log)
    # When every event is delivered again, and more events of unreconciled shipments arrive
    for event in list(world.log):
        assert world.reactor.react(event) == {}
    world.amazon_receives(unreconciled, "B", 1)
    # Then nothing was appended by the reactor
    assert by_reactor(react_to_all(world, settled)) == []


class ConflictOnce(InMemoryEventStore):
    """Another writer ships the sales order just before the reactor's first append."""

    def __init__(self) -> None:
        super().__init__()
        self.intercept: list[StreamAppend] | None = None

    def append(self, appends: Sequence[StreamAppend]) -> None:
        if self.intercept is not None and any(e.actor == ACTOR for a in appends for e in a.events):
            pending, self.intercept = self.intercept, None
            super().append(pending)
        super().append(appends)


def test_a_concurrent_append_makes_the_reactor_decide_again_on_fresh_state() -> None:
    # Given a reconciled shipment Amazon starts receiving, and a user marking it shipped at once
    store = ConflictOnce()
    world, main = a_world(store)
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    react_to_all(world)
    world.amazon_receives(shipment_id, "A", 5)
    receipt = world.log[-1]
    sales, purchase = orders(world, shipment_id)
    decision = mark_shipped(sales, purchase, world.clock.now())
    store.intercept = [
        StreamAppend.of(
            world.stream(StreamKind(kind), eid),
            len(world.store.read(world.stream(StreamKind(kind), eid))),
            events,
            world.context(),
            [world.ids.new_id() for _ in events],
            world.clock.now(),
        )
        for (kind, eid), events in decision.items()
    ]
    # When the reactor answers the receipt
    appended = world.reactor.react(receipt)
    # Then its first attempt conflicted, and the retry, on fresh state, only received the 5
    assert store.intercept is None
    assert [e.type for events in appended.values() for e in events] == [
        "PurchaseOrderReceived",
        "PurchaseOrderFollowedShipment",
    ]
    sales, purchase = orders(world, shipment_id)
    assert sales.status is SalesOrderStatus.SHIPPED
    assert purchase.lines["A"].quantity_received == 5


def test_amazon_closing_with_nothing_received_ships_as_of_that_observation_and_closes_short() -> (
    None
):
    # Given a reconciled shipment nobody marked shipped
    world, main = a_world()
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    closed_seen_at = world.clock.now()
    world.amazon_status(shipment_id, "CLOSED")
    # When the reactor answers two hours later
    world.clock.advance(120)
    reactions = by_reactor(react_to_all(world))
    # Then the goods left as of the observation, and the order closes with all ten missing
    assert [e.type for e in reactions] == [
        "SalesOrderShipped",
        "PurchaseOrderShipped",
        "PurchaseOrderClosed",
        "PurchaseOrderFollowedShipment",
    ]
    assert {e.occurred_at for e in reactions} == {closed_seen_at}
    sales, purchase = orders(world, shipment_id)
    assert sales.shipped_at == closed_seen_at and purchase.shipped_at == closed_seen_at
    assert [(d.sku, d.quantity) for d in purchase.open_discrepancies()] == [("A", 10)]
