"""The projector service on the in-memory stores: exactly-once effect whatever the delivery."""

from collections.abc import Iterator

from domain.warehouse import fba_warehouse_id
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.projector.writer import ViewWriter
from functions.shared.projections.step import initial_doc, step
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.order_queries import shipment_row
from tests.projections.views_check import stock_states
from tests.projections.world import US, World
from tests.support.in_memory import InMemoryEventStore


def reconciled_and_received() -> tuple[World, str]:
    world = World(InMemoryEventStore())
    world.connect((US,))
    main = world.own_warehouse()
    world.count(main, {"A": 50})  # minute 0
    world.clock.advance(10)
    shipment = world.discover({"A": 10})
    world.clock.advance(10)
    world.reconcile(shipment, main)
    world.clock.advance(10)
    world.mark_shipped(shipment)  # minute 30
    world.clock.advance(10)
    world.amazon_receives(shipment, "A", 4)
    world.amazon_receives(shipment, "A", 3)
    return world, main


def snapshot(views: InMemoryViewStore) -> dict[RowKey, ViewItem]:
    return {item.key: item for item in views.items()}


def test_a_redelivered_event_changes_nothing() -> None:
    # Given every event projected once
    world, _ = reconciled_and_received()
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    for event in world.log:
        projector.project(event)
    before = snapshot(views)
    # When every event is delivered again
    outcomes = [projector.project(event) for event in world.log]
    # Then nothing was applied and no item changed, not even a write counter
    assert {outcome.applied for outcome in outcomes} == {0}
    assert snapshot(views) == before


def test_an_event_ahead_of_the_view_fills_the_gap_from_the_log() -> None:
    # Given the events of a purchase order, of which only the last one is delivered
    world, _ = reconciled_and_received()
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    po_events = [e for e in world.log if e.stream_id.kind == "purchase_order"]
    # When the last one arrives first
    outcome = projector.project(po_events[-1])
    # Then the earlier ones were read from the log and applied, in order, once
    assert outcome.filled_gap and outcome.applied == len(po_events)
    fba = stock_states(views)[(fba_warehouse_id(world.connection_id, US), "A")]
    assert (fba.figures.on_hand, fba.figures.receiving) == (7, 3)
    assert all(projector.project(e).applied == 0 for e in po_events)


class CrashBeforeDoc(InMemoryViewStore):
    """Fails the doc write of one chosen step once: the step's rows and stock are written."""

    def __init__(self, crash_at_version: int, stream_id: str) -> None:
        super().__init__()
        self.target = (stream_id, crash_at_version)
        self.crashed = False

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        if not self.crashed and (item.pk, item.rev) == self.target:
            self.crashed = True
            raise ConnectionError("the function died before writing the doc")
        return super().put_if(item, expected_rev)

    def items(self) -> Iterator[ViewItem]:
        return super().items()


def test_a_step_replayed_after_a_crash_before_its_doc_counts_once() -> None:
    # Given a purchase order receipt whose stock row and ledger were written, but not its doc
    world, _ = reconciled_and_received()
    receipt = [e for e in world.log if e.type == "PurchaseOrderReceived"][-1]
    views = CrashBeforeDoc(receipt.version, str(receipt.stream_id))
    projector = Projector(world.store, views)
    failed = 0
    for event in world.log:
        try:
            projector.project(event)
        except ConnectionError:
            failed += 1
    # When the record is delivered again
    projector.project(receipt)
    # Then the receipt counts once: the views equal a clean rebuild
    rebuilt, _ = rebuild(world.store)
    assert failed == 1
    assert stock_states(views) == stock_states(rebuilt)
    fba = stock_states(views)[(fba_warehouse_id(world.connection_id, US), "A")]
    assert fba.figures.on_hand == 7


def test_a_count_dated_before_a_shipment_that_arrives_later_still_lets_the_shipment_count() -> None:
    # Given 50 counted, then 10 shipped out at minute 30; then a recount dated minute 25
    world, main = reconciled_and_received()
    world.count(main, {"A": 45}, minutes_ago=25)
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    # When the recount is projected before the shipment (any order across streams)
    for event in sorted(world.log, key=lambda e: e.stream_id.kind != "warehouse"):
        projector.project(event)
    # Then on hand is the recount less what shipped after it
    own = stock_states(views)[(main, "A")]
    assert (own.figures.on_hand, own.counted) == (35, True)


def test_a_slow_writer_of_an_earlier_step_cannot_leave_a_stale_row_behind() -> None:
    # Given a shipment's views at its latest status (CLOSED)
    world, _ = reconciled_and_received()
    shipment_id = next(iter(world.reconciled))
    world.amazon_status(shipment_id, "CLOSED")
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    for event in world.log:
        projector.project(event)
    # When a writer that read the doc long ago finally writes its step (status RECEIVING)
    events = [e for e in world.log if e.stream_id.entity_id == shipment_id]
    doc = initial_doc(events[0].stream_id)
    for event in events[:-3]:
        doc = step(doc, event).after
    late = step(doc, events[-3])
    written = ViewWriter(views).apply(late)
    # Then its doc write is refused and every list row still shows the latest status
    assert not written and late.puts
    statuses = {shipment_row(row).status for row in late.puts}
    stored = [views.get(row.key) for row in late.puts]
    current = {shipment_row(item).status for item in stored if item}
    assert statuses != {"CLOSED"} and current == {"CLOSED"}
