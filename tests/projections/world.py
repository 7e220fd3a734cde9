"""A seller's world driven through the real deciders and the real reactor, for projection tests.

Amazon is a tiny model per shipment (status, shipped and cumulative received per SKU); every
change is seen by a sync (`observe`), and the reactor (`follow_shipment`) answers every new
shipment event, as in production. Every appended event is also kept in one global log, in
append order, to be delivered to the projector however a test likes.
"""

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain import warehouse
from domain.connection import CreateConnection, decide_create
from domain.event_store import EventContext, EventStore, RecordedEvent, StreamAppend
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported
from domain.marketplaces import Region
from domain.messages import Decision
from domain.orders import purchase_order
from domain.orders.transfer import ReconcileShipment, destination_of, mark_shipped, reconcile
from domain.streams import StreamId, StreamKind
from domain.warehouse import AdjustmentLine, CountLine
from functions.reactor.reactor import Reactor
from functions.shared.aggregates import Aggregates

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"


class RecordingStore:
    """The event store port around any store, keeping every appended event in append order."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.log: list[RecordedEvent] = []

    def append(self, appends: Sequence[StreamAppend]) -> None:
        self.inner.append(appends)
        self.log.extend(event for append in appends for event in append.events)

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return self.inner.read(stream_id, from_version, limit)

    def read_all(self) -> Iterator[RecordedEvent]:
        return self.inner.read_all()


class ManualClock:
    def __init__(self, now: datetime = T0) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def advance(self, minutes: int) -> None:
        self.at += timedelta(minutes=minutes)


class Ids:
    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng

    def new_id(self) -> str:
        return f"{self._rng.getrandbits(64):016x}" if self._rng else uuid.uuid4().hex


@dataclass
class AmazonShipment:
    status: str = "WORKING"
    shipped: dict[str, int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)


class World:
    def __init__(
        self,
        store: EventStore,
        rng: random.Random | None = None,
        tenant_id: str | None = None,
        react_inline: bool = True,
    ) -> None:
        """`react_inline`: the reactor answers each append at once (off when a test feeds the
        reactor from the stream itself)."""
        self.store = RecordingStore(store)
        self.clock = ManualClock()
        self.ids = Ids(rng)
        self.tenant_id = tenant_id or f"t{self.ids.new_id()[:10]}"
        self.aggregates = Aggregates(self.store, self.ids, self.clock)
        self.reactor = Reactor(self.aggregates)
        self.react_inline = react_inline
        self.amazon: dict[str, AmazonShipment] = {}
        self.connection_id = ""
        self.reconciled: dict[str, ReconcileShipment] = {}
        self.marketplaces: dict[str, str] = {}

    @property
    def log(self) -> list[RecordedEvent]:
        return self.store.log

    def stream(self, kind: StreamKind, entity_id: str) -> StreamId:
        return StreamId(tenant_id=self.tenant_id, kind=kind, entity_id=entity_id)

    def context(self, actor: str = "user:alice") -> EventContext:
        return EventContext(
            tenant_id=self.tenant_id,
            actor=actor,
            correlation_id=self.ids.new_id(),
            occurred_at=self.clock.now(),
        )

    def save(self, decision: Decision, actor: str = "user:alice") -> list[RecordedEvent]:
        """Append the decision at the streams' current versions; the reactor answers."""
        context = self.context(actor)
        versions = {
            (kind, eid): len(self.store.read(self.stream(StreamKind(kind), eid)))
            for kind, eid in decision
        }
        start = len(self.log)
        self.aggregates.save(context, decision, versions)
        appended = self.log[start:]
        for event in appended if self.react_inline else ():
            self.reactor.react(event)
        return appended

    def connect(self, marketplaces: tuple[str, ...] = (US, CA)) -> str:
        self.connection_id = f"c{self.ids.new_id()[:8]}"
        command = CreateConnection(
            connection_id=self.connection_id,
            seller_id="SELLER1",
            region=Region.NA,
            marketplace_ids=marketplaces,
        )
        self.save(decide_create(command, None))
        return self.connection_id

    def own_warehouse(self, name: str = "Main") -> str:
        warehouse_id = f"wh{self.ids.new_id()[:8]}"
        command = warehouse.CreateWarehouse(warehouse_id=warehouse_id, name=name)
        self.save({(StreamKind.WAREHOUSE, warehouse_id): warehouse.decide(command, None)})
        return warehouse_id

    def discover(self, lines: dict[str, int], marketplace_id: str = US) -> str:
        shipment_id = "FBA" + self.ids.new_id()[:10].upper()
        self.amazon[shipment_id] = AmazonShipment(shipped=dict(lines))
        self.marketplaces[shipment_id] = marketplace_id
        self.sync(shipment_id)
        return shipment_id

    def sync(self, shipment_id: str) -> list[RecordedEvent]:
        amazon = self.amazon[shipment_id]
        skus = sorted({*amazon.shipped, *amazon.received})
        snapshot = AmazonShipmentSnapshot(
            shipment_id=shipment_id,
            connection_id=self.connection_id,
            marketplace_id=self.marketplaces[shipment_id],
            name=f"Shipment {shipment_id}",
            destination_fc="PHX7",
            status=amazon.status,
            lines=tuple(
                AmazonShipmentLine(
                    sku=sku,
                    fnsku=f"X0{sku}",
                    quantity_shipped=amazon.shipped.get(sku, 0),
                    quantity_received=amazon.received.get(sku, 0),
                )
                for sku in skus
            ),
        )
        state = self.aggregates.load(self.tenant_id, StreamKind.SHIPMENT, shipment_id).state
        events = observe(state, snapshot, self.clock.now())
        if not events:
            return []
        return self.save({(StreamKind.SHIPMENT, shipment_id): events}, actor="system:sync")

    def amazon_receives(self, shipment_id: str, sku: str, units: int) -> None:
        amazon = self.amazon[shipment_id]
        amazon.received[sku] = max(amazon.received.get(sku, 0) + units, 0)
        if amazon.status not in ("CLOSED", "CANCELLED", "DELETED"):
            amazon.status = "RECEIVING"
        self.sync(shipment_id)

    def amazon_status(self, shipment_id: str, status: str) -> None:
        """Any move, as Amazon makes them: a cancelled shipment can come back too."""
        self.amazon[shipment_id].status = status
        self.sync(shipment_id)

    def amazon_plan(self, shipment_id: str, plan: dict[str, int]) -> None:
        """Amazon's plan replaced (what the seller edits in Seller Central); a SKU that left it
        after units were received stays as a line with nothing planned."""
        self.amazon[shipment_id].shipped = dict(plan)
        self.sync(shipment_id)

    def reconcile(self, shipment_id: str, source_warehouse_id: str) -> ReconcileShipment:
        shipment = self.aggregates.load(self.tenant_id, StreamKind.SHIPMENT, shipment_id).state
        ids = ReconcileShipment(
            shipment_id=shipment_id,
            source_warehouse_id=source_warehouse_id,
            transfer_order_id=f"to{self.ids.new_id()[:8]}",
            sales_order_id=f"so{self.ids.new_id()[:8]}",
            purchase_order_id=f"po{self.ids.new_id()[:8]}",
        )
        source = self.aggregates.load(self.tenant_id, StreamKind.WAREHOUSE, source_warehouse_id)
        destination = self.aggregates.load(
            self.tenant_id, StreamKind.WAREHOUSE, destination_of(shipment) if shipment else "x"
        )
        self.save(reconcile(ids, shipment, source.state, destination.state))
        self.reconciled[shipment_id] = ids
        return ids

    def mark_shipped(self, shipment_id: str) -> None:
        ids = self.reconciled[shipment_id]
        sales = self.aggregates.load(self.tenant_id, StreamKind.SALES_ORDER, ids.sales_order_id)
        purchase = self.aggregates.load(
            self.tenant_id, StreamKind.PURCHASE_ORDER, ids.purchase_order_id
        )
        shipment = self.aggregates.load(self.tenant_id, StreamKind.SHIPMENT, shipment_id).state
        left_at = shipment.left_source_at if shipment else None
        self.save(mark_shipped(sales.state, purchase.state, self.clock.now(), left_at))

    def acknowledge(self, shipment_id: str) -> None:
        po_id = self.reconciled[shipment_id].purchase_order_id
        po = self.aggregates.load(self.tenant_id, StreamKind.PURCHASE_ORDER, po_id).state
        command = purchase_order.AcknowledgeDiscrepancy(purchase_order_id=po_id)
        self.save({(StreamKind.PURCHASE_ORDER, po_id): purchase_order.decide(command, po)})

    def count(self, warehouse_id: str, lines: dict[str, int], minutes_ago: int = 0) -> None:
        state = self.aggregates.load(self.tenant_id, StreamKind.WAREHOUSE, warehouse_id).state
        command = warehouse.CountStock(
            warehouse_id=warehouse_id,
            lines=tuple(CountLine(sku=sku, quantity=n) for sku, n in lines.items()),
            counted_at=self.clock.now() - timedelta(minutes=minutes_ago),
        )
        self.save({(StreamKind.WAREHOUSE, warehouse_id): warehouse.decide(command, state)})

    def adjust(self, warehouse_id: str, lines: dict[str, int]) -> None:
        state = self.aggregates.load(self.tenant_id, StreamKind.WAREHOUSE, warehouse_id).state
        command = warehouse.AdjustStock(
            warehouse_id=warehouse_id,
            lines=tuple(AdjustmentLine(sku=sku, delta=d) for sku, d in lines.items()),
            reason="found in the back",
        )
        self.save({(StreamKind.WAREHOUSE, warehouse_id): warehouse.decide(command, state)})

    def amazon_reports(self, warehouse_id: str, sku: str, fulfillable: int) -> None:
        event = AmazonInventoryReported(
            warehouse_id=warehouse_id,
            sku=sku,
            fnsku=f"X0{sku}",
            figures=AmazonInventoryFigures(fulfillable=fulfillable),
            reported_at=self.clock.now(),
            source="summaries",
        )
        self.save({(StreamKind.FBA_INVENTORY, warehouse_id): [event]}, actor="system:sync")


def copy_log(log: Sequence[RecordedEvent], store: EventStore) -> None:
    """Append a history decided elsewhere to another store, event by event, as it was."""
    for event in log:
        store.append(
            [
                StreamAppend(
                    stream_id=event.stream_id, expected_version=event.version - 1, events=(event,)
                )
            ]
        )
