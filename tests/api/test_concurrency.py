"""Two users shipping one sales order at the same moment: one wins, the other gets a 409."""

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from domain.connection import CreateConnection, decide_create
from domain.errors import ConcurrencyConflict, DomainError
from domain.event_store import EventStore, RecordedEvent, StreamAppend
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.marketplaces import Region
from domain.orders.placing import PlacePurchaseOrder
from domain.orders.purchase_order import EditPurchaseOrder, PurchaseLine
from domain.streams import StreamId, StreamKind
from domain.vendor import CreateVendor
from functions.api.auth import Caller
from functions.api.commands import stock_orders
from functions.api.commands.base import event_context
from functions.api.commands.transfers import Shipped, reconcile_shipment, ship_sales_order
from functions.api.commands.vendors import create_vendor
from functions.api.commands.warehouses import create_warehouse
from functions.api.errors import status_of
from functions.api.wiring import Services, build_services
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import OBSERVED_AT, US, new_shipment_id, reconciled
from tests.support.in_memory import InMemoryEventStore


class RacingStore:
    """Holds the first `racers` appends until all of them have read: a guaranteed race."""

    def __init__(self, store: EventStore, racers: int = 2) -> None:
        self.store = store
        self._barrier = threading.Barrier(racers, timeout=10)
        self._held = 0
        self._lock = threading.Lock()
        self.conflicts = 0

    def append(self, appends: Sequence[StreamAppend]) -> None:
        with self._lock:
            self._held += 1
            hold = self._held <= self._barrier.parties
        if hold:
            self._barrier.wait()
        try:
            self.store.append(appends)
        except ConcurrencyConflict:
            with self._lock:
                self.conflicts += 1
            raise

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return self.store.read(stream_id, from_version, limit)

    def read_all(self) -> Iterator[RecordedEvent]:
        return self.store.read_all()


class AlwaysMoving(RacingStore):
    """Another writer always got there first."""

    def append(self, appends: Sequence[StreamAppend]) -> None:
        self.conflicts += 1
        raise ConcurrencyConflict("the stream moved")


def a_reconciled_sales_order(aggregates: Aggregates, caller: Caller) -> str:
    connection = CreateConnection(
        connection_id=f"conn-{aggregates.ids.new_id()}",
        seller_id="A1SELLER",
        region=Region.NA,
        marketplace_ids=(US,),
    )
    aggregates.save(event_context(caller, aggregates.clock), decide_create(connection, None), {})
    source, _ = create_warehouse(aggregates, caller, "Main")
    shipment_id = new_shipment_id()
    snapshot = AmazonShipmentSnapshot(
        shipment_id=shipment_id,
        connection_id=connection.connection_id,
        marketplace_id=US,
        status="WORKING",
        lines=(AmazonShipmentLine(sku="SKU-1", quantity_shipped=4, quantity_received=0),),
    )
    context = event_context(caller, aggregates.clock)
    key = (StreamKind.SHIPMENT.value, shipment_id)
    aggregates.save(context, {key: observe(None, snapshot, OBSERVED_AT)}, {})
    return reconcile_shipment(aggregates, caller, shipment_id, source).sales_order_id


def test_two_simultaneous_shipments_one_ships_the_other_conflicts() -> None:
    # In memory: moto's TransactWriteItems does not hold its conditions atomically under
    # concurrency (both racers can win there); DynamoDB itself does, like this store.
    caller = Caller(tenant_id="tenant-race", actor="user:setup", correlation_id="setup")
    racing = RacingStore(InMemoryEventStore())
    aggregates = Aggregates(racing, RandomIds(), SystemClock())
    setup = Aggregates(racing.store, RandomIds(), SystemClock())
    sales_order_id = a_reconciled_sales_order(setup, caller)

    def ship(user: str) -> Shipped | DomainError:
        try:
            return ship_sales_order(aggregates, replace(caller, actor=user), sales_order_id)
        except DomainError as error:
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(ship, ["user:alice", "user:bob"]))

    shipped = [o for o in outcomes if isinstance(o, Shipped)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(shipped) == len(refused) == 1
    assert racing.conflicts == 1  # the loser reloaded, then found the order already shipped
    assert status_of(refused[0]) == 409
    assert refused[0].code == "invalid_transition"


def test_two_simultaneous_requests_through_the_handler_give_one_200_and_one_409(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)
    path = f"/sales-orders/{ids['sales_order_id']}/status"

    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: api.post(path, {"status": "shipped"}), range(2)))

    assert sorted(r.status for r in replies) == [200, 409]


def test_a_stream_that_keeps_moving_is_a_409_after_bounded_retries(
    api: ApiClient, services: Services, aws: Aws
) -> None:
    ids = reconciled(api, services)
    moving = AlwaysMoving(services.events)
    crowded = api.__class__(build_services(aws.settings, aws.clients, events=moving), api.tenant)

    reply = crowded.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})

    assert (reply.status, reply.json["code"]) == (409, "concurrency_conflict")
    assert moving.conflicts == 3


def test_two_simultaneous_edits_of_one_purchase_order_one_wins_the_other_conflicts() -> None:
    caller = Caller(tenant_id="tenant-race", actor="user:setup", correlation_id="setup")
    racing = RacingStore(InMemoryEventStore())
    aggregates = Aggregates(racing, RandomIds(), SystemClock())
    setup = Aggregates(racing.store, RandomIds(), SystemClock())
    store, _ = create_warehouse(setup, caller, "Store")
    vendor = CreateVendor(vendor_id="vendor-1", name="Acme", lead_time_days=3, currency="USD")
    create_vendor(setup, caller, vendor)
    placed = PlacePurchaseOrder(
        purchase_order_id="po-1",
        vendor_id="vendor-1",
        destination_warehouse_id=store,
        lines=(PurchaseLine(sku="W-1", quantity=10),),
    )
    stock_orders.place(setup, caller, placed)

    def edit(reference: str) -> stock_orders.OrderAfter | DomainError:
        command = EditPurchaseOrder(purchase_order_id="po-1", reference=reference)
        try:
            return stock_orders.edit(
                aggregates, replace(caller, actor=f"user:{reference}"), command
            )
        except DomainError as error:
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(edit, ["alice", "bob"]))

    won = [o for o in outcomes if isinstance(o, stock_orders.OrderAfter)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == len(refused) == 1
    assert (status_of(refused[0]), refused[0].code) == (409, "concurrency_conflict")
    final = setup.load("tenant-race", StreamKind.PURCHASE_ORDER, "po-1").state
    assert final is not None and final.reference in {"alice", "bob"}
    assert racing.conflicts == 1  # no retry: the loser's edit is not silently applied on top
