"""The reactor's side of the drift check: on each Amazon report it decides from the views and
the FBA inventory stream beyond them, so one persisted on-hand difference is one adjustment,
whether the projector is ahead of it or behind, however often a report is redelivered."""

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from domain.event_store import EventContext, RecordedEvent
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.inventory import (
    AmazonInventoryFigures,
    AmazonInventoryReported,
    AmazonSalesReadThrough,
    AmazonStockAdjusted,
)
from domain.stock.drift import Drift, Figure
from domain.streams import StreamId, StreamKind
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.reactor.amazon_adjustments import AmazonAdjustments
from functions.shared.aggregates import Aggregates
from functions.shared.tables import VIEWS_GSI2
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.table import Partition
from tests.projections.world import Ids, ManualClock
from tests.support.in_memory import InMemoryEventStore

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
TENANT, WAREHOUSE = "t1", "fba-c1-US"
STREAM = StreamId(tenant_id=TENANT, kind=StreamKind.FBA_INVENTORY, entity_id=WAREHOUSE)


class ViewRows:
    """The reactor's view reads (`LedgerRows`) over the projector's in-memory view store."""

    def __init__(self, views: InMemoryViewStore) -> None:
        self._views = views

    def get(self, key: RowKey) -> ViewItem | None:
        return self._views.get(key)

    def all(self, partition: Partition, descending: bool = False) -> Iterator[ViewItem]:
        assert partition.below is None  # what the reactor reads
        if partition.index is None:
            return self._views.query(partition.value, descending)
        assert partition.index == VIEWS_GSI2
        found = [item for item in self._views.items() if item.gsi2pk == partition.value]
        return iter(sorted(found, key=lambda item: item.gsi2sk or "", reverse=descending))


class Alerts:
    def __init__(self) -> None:
        self.drifts: list[Drift] = []

    def persisted(self, drift: Drift) -> None:
        self.drifts.append(drift)


class Setup:
    def __init__(self) -> None:
        self.store = InMemoryEventStore()
        self.views = InMemoryViewStore()
        self.projector = Projector(self.store, self.views)
        self.aggregates = Aggregates(self.store, Ids(), ManualClock())
        self.alerts = Alerts()
        self.reactor = AmazonAdjustments(self.aggregates, ViewRows(self.views), self.alerts)

    def report(self, minutes: int, fulfillable: int, sku: str = "W-1") -> RecordedEvent:
        event = AmazonInventoryReported(
            warehouse_id=WAREHOUSE,
            sku=sku,
            fnsku="X00W1",
            figures=AmazonInventoryFigures(fulfillable=fulfillable),
            reported_at=T0 + timedelta(minutes=minutes),
            source="summaries",
        )
        context = EventContext(
            tenant_id=TENANT, actor="sync:test", correlation_id="run", occurred_at=T0
        )
        key = (StreamKind.FBA_INVENTORY.value, WAREHOUSE)
        self.aggregates.save(context, {key: [event]}, {key: len(self.store.read(STREAM))})
        return self.store.read(STREAM)[-1]

    def project_all(self) -> None:
        for recorded in self.store.read(STREAM):
            self.projector.project(recorded)

    def adjustments(self) -> list[AmazonStockAdjusted]:
        events = [e.event for e in self.store.read(STREAM)]
        return [e for e in events if isinstance(e, AmazonStockAdjusted)]


def test_with_the_views_up_to_date_redelivered_reports_decide_nothing_new() -> None:
    world = Setup()
    reports = [world.report(m, 5) for m in (0, 10, 20)]
    world.project_all()

    for recorded in reports:
        world.reactor.react(recorded)
    world.project_all()
    for recorded in [*reports, *reversed(reports)]:
        assert world.reactor.react(recorded) == {}

    (adjusted,) = world.adjustments()
    assert (adjusted.ours, adjusted.amazon, adjusted.report_event_id) == (0, 5, reports[2].event_id)
    assert [(d.figure, d.reads) for d in world.alerts.drifts] == [(Figure.ON_HAND, 3)]


def test_with_the_views_behind_the_stream_it_decides_once_from_the_stream() -> None:
    world = Setup()
    reports = [world.report(m, 5) for m in (0, 10, 20)]  # nothing projected yet

    decided = world.reactor.react(reports[1])  # the stream holds all three already
    for recorded in reports:  # the adjustment is not projected either
        assert world.reactor.react(recorded) == {}
    world.project_all()
    for recorded in reports:
        assert world.reactor.react(recorded) == {}

    (adjusted,) = world.adjustments()
    assert decided == {(StreamKind.FBA_INVENTORY.value, WAREHOUSE): [adjusted]}
    assert len(world.adjustments()) == 1


def test_whatever_order_the_reports_are_reacted_to_the_adjustment_is_the_same() -> None:
    outcomes = set()
    for order in itertools.permutations(range(3)):
        world = Setup()
        reports = [world.report(m, 5) for m in (0, 10, 20)]
        world.report(5, 9, sku="OTHER")  # another SKU of the warehouse: not this one's business
        for index in order:
            world.reactor.react(reports[index])
        (adjusted,) = world.adjustments()
        outcomes.add((adjusted.difference, adjusted.reported_at, adjusted.reads))

    assert outcomes == {(5, T0 + timedelta(minutes=20), 3)}


def test_no_adjustment_while_an_unreconciled_shipment_holds_received_units_of_the_sku() -> None:
    # Given Amazon received 5 of W-1 on a shipment nobody reconciled (no order: not in our
    # ledger), and three reports showing those 5
    world = Setup()
    snapshot = AmazonShipmentSnapshot(
        shipment_id="FBA1",
        connection_id="c1",
        marketplace_id="US",
        name="Restock",
        destination_fc="PHX7",
        status="RECEIVING",
        lines=(
            AmazonShipmentLine(sku="W-1", fnsku="X00W1", quantity_shipped=5, quantity_received=5),
        ),
    )
    context = EventContext(
        tenant_id=TENANT, actor="sync:test", correlation_id="run", occurred_at=T0
    )
    key = (StreamKind.SHIPMENT.value, "FBA1")
    world.aggregates.save(context, {key: observe(None, snapshot, T0)}, {key: 0})
    shipment = StreamId(tenant_id=TENANT, kind=StreamKind.SHIPMENT, entity_id="FBA1")
    for recorded in world.store.read(shipment):
        world.projector.project(recorded)
    reports = [world.report(m, 5) for m in (10, 20, 30)]
    world.project_all()

    # When the reactor answers every report
    for recorded in reports:
        assert world.reactor.react(recorded) == {}

    # Then the drift is raised, but nothing is booked: reconciling will bring those units
    assert world.adjustments() == []
    assert {(d.figure, d.reads) for d in world.alerts.drifts} == {(Figure.ON_HAND, 3)}


def test_no_adjustment_on_reports_newer_than_the_sales_we_have_read() -> None:
    # Given our sales reads reaching 15 minutes past T0, and three reports of 5 at 10, 20, 30
    world = Setup()
    context = EventContext(
        tenant_id=TENANT, actor="sync:test", correlation_id="run", occurred_at=T0
    )
    key = (StreamKind.FBA_INVENTORY.value, WAREHOUSE)

    def read_through(minutes: int) -> None:
        event = AmazonSalesReadThrough(
            warehouse_id=WAREHOUSE, through=T0 + timedelta(minutes=minutes)
        )
        world.aggregates.save(context, {key: [event]}, {key: len(world.store.read(STREAM))})

    read_through(15)
    reports = [world.report(m, 5) for m in (10, 20, 30)]
    world.project_all()

    # Then the persisted difference is shown but not booked: a sale not read yet may explain it
    for recorded in reports:
        assert world.reactor.react(recorded) == {}
    assert world.adjustments() == []

    # When our sales reads reach past the third report (not the fourth), the fourth books it,
    # dated at the third: the latest report the sales read cover decides
    read_through(35)
    world.project_all()
    later = world.report(40, 5)
    world.project_all()
    world.reactor.react(later)
    (adjusted,) = world.adjustments()
    assert (adjusted.difference, adjusted.reported_at) == (5, T0 + timedelta(minutes=30))
    assert (adjusted.since, adjusted.reads) == (T0 + timedelta(minutes=10), 3)

    # And nothing more is booked on the fourth once the sales reads cover it
    read_through(45)
    world.project_all()
    again = world.report(50, 5)
    world.project_all()
    assert world.reactor.react(again) == {}
    assert len(world.adjustments()) == 1
