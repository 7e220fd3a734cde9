"""How fast we fold events into state, and how fast the DynamoDB event store appends and reads
them. The store runs on moto (in a child process), so its figures are moto's throughput with
our adapter's overhead included, not DynamoDB's."""

import multiprocessing
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from typing import TYPE_CHECKING, TypeVar

import boto3

from bench.moto_server import serve_moto
from domain.event_store import EventContext, StreamAppend
from domain.inbound_shipment import state as shipment
from domain.inbound_shipment.amazon import Address
from domain.inbound_shipment.events import (
    InboundShipmentDiscovered,
    InboundShipmentLinesAdded,
    InboundShipmentReceiptsChanged,
    InboundShipmentStatusChanged,
    ReceiptChange,
    ShipmentLine,
)
from domain.messages import DomainEvent
from domain.orders import purchase_order
from domain.streams import StreamId, StreamKind
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from infra.local.tables import create_events_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

SHIPMENTS, EVENTS_PER_SHIPMENT = 2_000, 40  # 80,000 shipment events
ORDERS, EVENTS_PER_ORDER = 500, 40  # 20,000 purchase-order events
STORE_STREAMS, STORE_EVENTS_PER_STREAM = 1_000, 10  # 10,000 single-event appends
WRITERS = 4  # threads appending at once, each to streams of its own, as concurrent Lambdas would
READ_SAMPLE_STREAMS = 20  # moto answers each Query by walking the whole table
MULTI_APPENDS, MULTI_EVENTS = 20, 10  # transactions, on a table of their own (moto copies it)
SKUS = [f"SKU-{n}" for n in range(5)]
START = datetime(2026, 11, 1, tzinfo=UTC)
State = TypeVar("State")


def shipment_history(shipment_id: str) -> list[DomainEvent]:
    at = [START + timedelta(hours=h) for h in range(EVENTS_PER_SHIPMENT)]
    statuses = ["SHIPPED", "IN_TRANSIT", "RECEIVING"]
    events: list[DomainEvent] = [
        InboundShipmentDiscovered(
            shipment_id=shipment_id,
            connection_id="conn-1",
            marketplace_id="ATVPDKIKX0DER",
            name=f"Restock {shipment_id}",
            destination_fc="PHX7",
            ship_from=Address(name="Acme", city="Pune", country_code="IN"),
            status="WORKING",
            observed_at=at[0],
        ),
        InboundShipmentLinesAdded(
            shipment_id=shipment_id,
            lines=tuple(
                ShipmentLine(sku=s, fnsku=f"X{s}", quantity_shipped=100, quantity_in_case=10)
                for s in SKUS
            ),
            observed_at=at[1],
        ),
    ]
    for step, status in enumerate(statuses, 2):
        events.append(
            InboundShipmentStatusChanged(
                shipment_id=shipment_id,
                from_status="WORKING",
                to_status=status,
                observed_at=at[step],
            )
        )
    for step in range(len(events), EVENTS_PER_SHIPMENT):
        sku, total = SKUS[step % len(SKUS)], step * 2
        receipt = ReceiptChange(sku=sku, quantity_received=total, delta=2)
        events.append(
            InboundShipmentReceiptsChanged(
                shipment_id=shipment_id, receipts=(receipt,), observed_at=at[step]
            )
        )
    return events


def order_history(order_id: str) -> list[DomainEvent]:
    events: list[DomainEvent] = [
        purchase_order.PurchaseOrderCreated(
            purchase_order_id=order_id,
            transfer_order_id=f"to-{order_id}",
            shipment_id="FBA15ABC",
            warehouse_id="wh-fba",
            lines=tuple(purchase_order.PurchaseLine(sku=s, quantity=100) for s in SKUS),
        ),
        purchase_order.PurchaseOrderShipped(purchase_order_id=order_id),
    ]
    for step in range(len(events), EVENTS_PER_ORDER - 1):
        receipt = purchase_order.LineReceipt(
            sku=SKUS[step % len(SKUS)], quantity_received=step, delta=1
        )
        events.append(
            purchase_order.PurchaseOrderReceived(purchase_order_id=order_id, receipts=(receipt,))
        )
    events.append(purchase_order.PurchaseOrderClosed(purchase_order_id=order_id, discrepancies=()))
    return events


def report(label: str, count: int, elapsed: float, note: str = "") -> float:
    rate = count / elapsed
    print(f"{label:<34} {count:>7,} events in {elapsed:6.2f} s = {rate:>9,.0f} events/s {note}")
    return rate


def fold(
    evolve: Callable[[State | None, DomainEvent], State | None], events: Sequence[DomainEvent]
) -> State | None:
    state: State | None = None
    for event in events:
        state = evolve(state, event)
    return state


def bench_fold() -> float:
    shipments = [shipment_history(f"FBA{n:08d}") for n in range(SHIPMENTS)]
    orders = [order_history(f"po-{n}") for n in range(ORDERS)]
    count = sum(map(len, shipments)) + sum(map(len, orders))
    started = time.perf_counter()
    shipment_states = [fold(shipment.evolve, events) for events in shipments]
    order_states = [fold(purchase_order.evolve, events) for events in orders]
    elapsed = time.perf_counter() - started
    assert None not in shipment_states and None not in order_states
    return report("fold through evolve", count, elapsed)


def appends(streams: int, per_append: int, rounds: int) -> Iterator[StreamAppend]:
    """Round after round, one append to each stream, as a sync touching many shipments would."""
    kind = StreamKind.SHIPMENT
    ids = [
        StreamId(tenant_id="bench", kind=kind, entity_id=uuid.uuid4().hex) for _ in range(streams)
    ]
    history = shipment_history("FBA00000001")
    context = EventContext(tenant_id="bench", actor="bench", correlation_id="c", occurred_at=START)
    for round_ in range(rounds):
        expected = round_ * per_append
        events = history[expected : expected + per_append]
        for stream_id in ids:
            event_ids = [uuid.uuid4().hex for _ in events]
            yield StreamAppend.of(stream_id, expected, events, context, event_ids, START)


def timed_appends(
    store: DynamoDBEventStore, planned: list[StreamAppend], writers: int = 1
) -> tuple[int, float]:
    """Append in `writers` threads, each owning its streams and appending them in order."""
    lanes: list[list[StreamAppend]] = [[] for _ in range(writers)]
    lane_of: dict[StreamId, int] = {}
    for append in planned:
        lanes[lane_of.setdefault(append.stream_id, len(lane_of) % writers)].append(append)

    def write(lane: list[StreamAppend]) -> None:
        for append in lane:
            store.append([append])

    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        for done in [pool.submit(write, lane) for lane in lanes]:
            done.result()
    return sum(len(a.events) for a in planned), time.perf_counter() - started


def bench_store(client: "DynamoDBClient") -> float:
    create_events_table(client, "bench-events")
    store = DynamoDBEventStore("bench-events", client)
    single = list(appends(STORE_STREAMS, 1, STORE_EVENTS_PER_STREAM))
    count, elapsed = timed_appends(store, single, WRITERS)
    note = f"({WRITERS} writers; GetItem + conditional PutItem each)"
    append_rate = report("append, one event per call", count, elapsed, note)

    sample = list(dict.fromkeys(a.stream_id for a in single))[:READ_SAMPLE_STREAMS]
    started = time.perf_counter()
    read = sum(len(store.read(stream_id)) for stream_id in sample)
    assert read == len(sample) * STORE_EVENTS_PER_STREAM
    note = f"(Query, {len(sample)} streams; moto walks all {count:,} items per Query)"
    report("read, stream by stream", read, time.perf_counter() - started, note)
    started = time.perf_counter()
    everything = sum(1 for _ in store.read_all())
    assert everything == count
    report("read_all", everything, time.perf_counter() - started, "(Scan)")

    # On a table of their own: moto copies the whole table per transaction action.
    create_events_table(client, "bench-transactions")
    transactional = DynamoDBEventStore("bench-transactions", client)
    count, elapsed = timed_appends(transactional, list(appends(MULTI_APPENDS, MULTI_EVENTS, 1)))
    report(f"append, {MULTI_EVENTS} events per call", count, elapsed, "(TransactWriteItems)")
    return append_rate


def main() -> None:
    fold_rate = bench_fold()
    processes = multiprocessing.get_context("fork")
    address: Queue[tuple[str, int]] = processes.Queue()
    stop = processes.Event()
    moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
    moto.start()
    try:
        host, port = address.get(timeout=30)
        client = boto3.client(
            "dynamodb",
            endpoint_url=f"http://{host}:{port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        append_rate = bench_store(client)
    finally:
        stop.set()
        moto.join(timeout=10)
    print(f"fold rate / store append rate: {fold_rate / append_rate:,.0f}x")


if __name__ == "__main__":
    main()
