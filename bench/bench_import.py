"""Importing a connection's existing FBA shipments as purchase orders (issue 14): the time the
reactor takes to turn 1,000 discovered shipments into unknown-source purchase orders on moto, and
the DynamoDB calls it makes per imported shipment, counted on the boto3 client itself.

Setup (not measured): a connection whose order rule is `purchase_order` (with its warehouses),
then N shipments of LINES lines each, discovered as the sync records them (`observe` on no
state, one append per shipment), across Amazon's statuses (WORKING to CLOSED, some units
received). Measured: `Reactor.react` on every shipment event the sync recorded, read back from
the store, as the reactor Lambda receives them from the event store's stream. The purchase
orders are then verified by reading (exactly N streams `po-<shipment_id>`), and two more passes
are reported apart: the stream's echo (the reactor also receives the events the import itself
appended, and reacts to them: a new order follows its shipment's status and receipts only when
the shipment's InboundShipmentReconciled comes through, so shipped, received and closed are
booked there) and a redelivery of every event reacted to, which must create nothing. The
projector (the views the API reads) also receives every event; it is NOT measured
here (bench_projections measures it).

moto runs in a child process, so the times are moto's throughput with our code's overhead, not
DynamoDB's; the call counts are what DynamoDB would see. By default a subset runs (`--full` for
all 1,000); the output says which, and labels the full run's figures from a subset as an
extrapolation."""

import argparse
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing.queues import Queue
from typing import TYPE_CHECKING, Any

import boto3

from bench.moto_server import serve_moto
from domain.connection import CreateConnection, OrderRule, OrderType, decide_create
from domain.event_store import EventContext, RecordedEvent
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.marketplaces import Region
from domain.orders import purchase_order
from domain.streams import StreamKind
from functions.reactor.reactor import Reactor
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.sync.engine.recorder import SYNC_ACTOR
from infra.local.tables import create_events_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

US = "ATVPDKIKX0DER"
TENANT, CONNECTION = "bench", "conn"
FULL_SHIPMENTS, LINES = 1_000, 5
SUBSET_SHIPMENTS = 200
# Existing shipments are in every status the sync reads; received units for the later ones.
STATUSES = ("WORKING", "SHIPPED", "IN_TRANSIT", "RECEIVING", "CLOSED")
RECEIVED_SHARE = {"RECEIVING": 0.5, "CLOSED": 1.0}
QUANTITY = 120
ECHO_ROUNDS = 5  # reactions to reactions: the import's own events, then theirs, ...

# Operations by what they do to the table; a transaction's or batch's items are counted apart.
SINGLE_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem"})
WRITES = SINGLE_WRITES | {"TransactWriteItems", "BatchWriteItem"}
READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})


@dataclass
class DynamoDBCalls:
    """Every DynamoDB call a boto3 client makes, by operation, counted by botocore's own event
    hooks: calls, the items each write call writes (a ConditionCheck in a transaction writes
    nothing), the items each read returns, and HTTP attempts (retries show as attempts > calls)."""

    calls: Counter[str] = field(default_factory=Counter)
    written: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)
    attempts: int = 0
    waiting: float = 0.0  # seconds inside the calls (botocore, HTTP and moto)
    counting: bool = False
    _started: float = 0.0

    def attach(self, client: "DynamoDBClient") -> None:
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)
        client.meta.events.register("before-send.dynamodb", self._send)
        client.meta.events.register("before-call.dynamodb", self._call)

    def reset(self) -> None:
        self.calls.clear()
        self.written.clear()
        self.items_read.clear()
        self.attempts = 0
        self.waiting = 0.0

    def copy(self) -> "DynamoDBCalls":
        return DynamoDBCalls(
            Counter(self.calls),
            Counter(self.written),
            Counter(self.items_read),
            self.attempts,
            self.waiting,
        )

    def _before(self, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        if not self.counting:
            return
        name = model.name
        self.calls[name] += 1
        if name in SINGLE_WRITES:
            self.written[name] += 1
        elif name == "TransactWriteItems":
            self.written[name] += sum(
                1 for action in params["TransactItems"] if "ConditionCheck" not in action
            )
        elif name == "BatchWriteItem":
            self.written[name] += sum(len(r) for r in params["RequestItems"].values())

    def _call(self, **_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, parsed: Mapping[str, Any], model: Any, **_: Any) -> None:
        if not self.counting:
            return
        self.waiting += time.perf_counter() - self._started
        if model.name not in READS:
            return
        if "Items" in parsed:
            self.items_read[model.name] += len(parsed["Items"])
        elif "Item" in parsed:
            self.items_read[model.name] += 1
        elif "Responses" in parsed:
            found = parsed["Responses"]
            if isinstance(found, dict):
                self.items_read[model.name] += sum(len(items) for items in found.values())
            else:
                self.items_read[model.name] += sum(1 for answer in found if "Item" in answer)

    def _send(self, **_: Any) -> None:
        if self.counting:
            self.attempts += 1

    def write_calls(self) -> int:
        return sum(n for name, n in self.calls.items() if name in WRITES)

    def write_items(self) -> int:
        return sum(self.written.values())

    def read_calls(self) -> int:
        return sum(n for name, n in self.calls.items() if name in READS)

    def read_items(self) -> int:
        return sum(self.items_read.values())

    def breakdown(self, names: Iterable[str]) -> str:
        parts = []
        for name in sorted(set(names) & set(self.calls)):
            items = self.written[name] if name in WRITES else self.items_read[name]
            parts.append(f"{name} {self.calls[name]:,} ({items:,} items)")
        return ", ".join(parts) or "none"


@dataclass(frozen=True)
class Pass:
    """One run of the reactor over some recorded events."""

    events: int
    elapsed: float
    appended: Counter[str]  # events appended, by type
    calls: DynamoDBCalls


def client_for(endpoint: str) -> "DynamoDBClient":
    client: DynamoDBClient = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client


def snapshot(number: int, lines: int) -> AmazonShipmentSnapshot:
    status = STATUSES[number % len(STATUSES)]
    received = RECEIVED_SHARE.get(status, 0.0)
    return AmazonShipmentSnapshot(
        shipment_id=f"FBA{number:08d}",
        connection_id=CONNECTION,
        marketplace_id=US,
        name=f"Restock {number}",
        destination_fc="PHX7",
        status=status,
        confirmed_need_by_date=date(2026, 12, 1) + timedelta(days=number % 30),
        lines=tuple(
            AmazonShipmentLine(
                sku=f"SKU-{number % 50}-{line}",
                fnsku=f"X{number:06d}{line}",
                quantity_shipped=QUANTITY,
                quantity_received=int(QUANTITY * received),
                quantity_in_case=12,
            )
            for line in range(lines)
        ),
    )


def context(actor: str, correlation_id: str, at: datetime) -> EventContext:
    return EventContext(
        tenant_id=TENANT, actor=actor, correlation_id=correlation_id, occurred_at=at
    )


def set_up(aggregates: Aggregates, shipments: int, lines: int) -> int:
    """The connection under `purchase_order`, then the shipments as a first sync records them;
    returns the events appended."""
    command = CreateConnection(
        connection_id=CONNECTION,
        seller_id="A1BENCH",
        region=Region.NA,
        marketplace_ids=(US,),
        order_rule=OrderRule(default_order_type=OrderType.PURCHASE_ORDER),
    )
    now = datetime.now(UTC)
    aggregates.save(context("bench", "setup", now), decide_create(command, None), {})
    appended = 0
    for number in range(shipments):
        observed_at = datetime.now(UTC)
        seen = snapshot(number, lines)
        events = observe(None, seen, observed_at)
        key = (StreamKind.SHIPMENT.value, seen.shipment_id)
        aggregates.save(context(SYNC_ACTOR, "first-sync", observed_at), {key: events}, {key: 0})
        appended += len(events)
    return appended


def everything(store: DynamoDBEventStore) -> list[RecordedEvent]:
    return list(store.read_all())


def react(
    reactor: Reactor, calls: DynamoDBCalls, events: Sequence[RecordedEvent]
) -> tuple[float, Counter[str]]:
    """React to each event in turn, counting calls; returns the time and what was appended."""
    appended: Counter[str] = Counter()
    calls.counting = True
    started = time.perf_counter()
    try:
        for recorded in events:
            for decided in reactor.react(recorded).values():
                appended.update(event.type for event in decided)
    finally:
        elapsed = time.perf_counter() - started
        calls.counting = False
    return elapsed, appended


def measured(reactor: Reactor, calls: DynamoDBCalls, events: Sequence[RecordedEvent]) -> Pass:
    calls.reset()
    elapsed, appended = react(reactor, calls, events)
    return Pass(len(events), elapsed, appended, calls.copy())


def echo(
    reactor: Reactor,
    calls: DynamoDBCalls,
    read: Callable[[], list[RecordedEvent]],
    seen: set[str],
) -> tuple[Pass, list[RecordedEvent]]:
    """The stream delivers the reactor's own events too: react to them, then to theirs.
    Returns the figures and the events reacted to."""
    calls.reset()
    delivered: list[RecordedEvent] = []
    total_events, total_time, appended = 0, 0.0, Counter[str]()
    for _ in range(ECHO_ROUNDS):
        new = [e for e in read() if e.event_id not in seen]
        if not new:
            break
        seen.update(e.event_id for e in new)
        delivered += new
        elapsed, round_appended = react(reactor, calls, new)
        total_events += len(new)
        total_time += elapsed
        appended += round_appended
    return Pass(total_events, total_time, appended, calls.copy()), delivered


def purchase_orders(events: Iterable[RecordedEvent]) -> dict[str, purchase_order.PurchaseOrder]:
    states: dict[str, purchase_order.PurchaseOrder] = {}
    for recorded in events:
        if recorded.stream_id.kind is StreamKind.PURCHASE_ORDER:
            order_id = recorded.stream_id.entity_id
            state = purchase_order.evolve(states.get(order_id), recorded.event)
            if state is not None:
                states[order_id] = state
    return states


def verify(orders: Mapping[str, purchase_order.PurchaseOrder], shipment_ids: list[str]) -> None:
    expected = {f"po-{shipment_id}" for shipment_id in shipment_ids}
    if set(orders) != expected:
        missing, extra = sorted(expected - set(orders)), sorted(set(orders) - expected)
        raise SystemExit(f"purchase orders wrong: missing {missing[:5]}, unexpected {extra[:5]}")
    wrong = [
        order_id
        for order_id, order in orders.items()
        if order.source_type is not purchase_order.SourceType.UNKNOWN or not order.locked
    ]
    if wrong:
        raise SystemExit(f"not unknown-source and locked: {wrong[:5]}")


def per(count: int, shipments: int) -> str:
    return f"{count / shipments:.2f}"


def figures(label: str, run: Pass, shipments: int) -> None:
    calls = run.calls
    print(
        f"{label}: {run.events:,} events in {run.elapsed:.2f} s "
        f"({calls.waiting:.2f} s of it inside DynamoDB calls)"
    )
    kinds = ", ".join(f"{name} {n:,}" for name, n in sorted(run.appended.items()))
    print(f"  appended: {sum(run.appended.values()):,} events [{kinds or 'none'}]")
    print(
        f"  writes: {calls.write_calls():,} calls, {calls.write_items():,} items = "
        f"{per(calls.write_calls(), shipments)} calls, {per(calls.write_items(), shipments)} items "
        f"per shipment [{calls.breakdown(WRITES)}]"
    )
    print(
        f"  reads:  {calls.read_calls():,} calls, {calls.read_items():,} items = "
        f"{per(calls.read_calls(), shipments)} calls, {per(calls.read_items(), shipments)} items "
        f"per shipment [{calls.breakdown(READS)}]"
    )
    other = set(calls.calls) - WRITES - READS
    retries = calls.attempts - sum(calls.calls.values())
    print(f"  HTTP retries: {retries}" + (f"; other calls: {sorted(other)}" if other else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help=f"all {FULL_SHIPMENTS:,} shipments")
    parser.add_argument("--shipments", type=int, help="another subset size")
    parser.add_argument("--lines", type=int, default=LINES, help="lines per shipment")
    args = parser.parse_args(argv if argv is not None else [])
    shipments = args.shipments or (FULL_SHIPMENTS if args.full else SUBSET_SHIPMENTS)

    processes = multiprocessing.get_context("fork")
    address: Queue[tuple[str, int]] = processes.Queue()
    stop = processes.Event()
    moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
    moto.start()
    try:
        host, port = address.get(timeout=60)
        endpoint = f"http://{host}:{port}"
        table = "bench-import-events"
        plain = client_for(endpoint)  # setup and verification: not counted
        create_events_table(plain, table)
        plain_store = DynamoDBEventStore(table, plain)
        started = time.perf_counter()
        recorded_by_sync = set_up(
            Aggregates(plain_store, RandomIds(), SystemClock()), shipments, args.lines
        )
        setup_time = time.perf_counter() - started

        synced = [e for e in everything(plain_store) if e.stream_id.kind is StreamKind.SHIPMENT]
        assert len(synced) == recorded_by_sync
        shipment_ids = sorted({e.stream_id.entity_id for e in synced})
        assert len(shipment_ids) == shipments

        counted = client_for(endpoint)  # the reactor's client: every call it makes is counted
        calls = DynamoDBCalls()
        calls.attach(counted)
        reactor = Reactor(
            Aggregates(DynamoDBEventStore(table, counted), RandomIds(), SystemClock())
        )
        imported = measured(reactor, calls, synced)
        after_import = everything(plain_store)
        orders = purchase_orders(after_import)
        verify(orders, shipment_ids)

        seen = {e.event_id for e in synced}
        echoed, echo_events = echo(reactor, calls, lambda: everything(plain_store), seen)
        again = measured(reactor, calls, synced + echo_events)
        orders_after = purchase_orders(everything(plain_store))
    finally:
        stop.set()
        moto.join(timeout=10)
    report(
        shipments,
        args.lines,
        setup_time,
        recorded_by_sync,
        imported,
        len(orders),
        echoed,
        again,
        len(orders_after) - len(orders),
    )


def report(
    shipments: int,
    lines: int,
    setup_time: float,
    recorded_by_sync: int,
    imported: Pass,
    created: int,
    echoed: Pass,
    again: Pass,
    created_again: int,
) -> None:
    scope = (
        f"{shipments:,} existing FBA shipments x {lines} lines, order rule purchase_order, "
        f"DynamoDB on moto"
    )
    if shipments < FULL_SHIPMENTS:
        print(f"SUBSET: {scope}; --full runs all {FULL_SHIPMENTS:,}")
    else:
        print(f"FULL: {scope}")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} at the end (times vary with it)")
    print(
        f"setup (not measured): connection + {shipments:,} shipments recorded as a first sync "
        f"would, {recorded_by_sync:,} events in {setup_time:.1f} s"
    )
    rate = shipments / imported.elapsed
    print(
        f"import: {shipments:,} shipments imported, {created:,} purchase orders created "
        f"(verified: exactly {created:,} streams po-<shipment_id>, unknown source, locked) in "
        f"{imported.elapsed:.2f} s = {rate:,.1f} shipments/s, "
        f"{1000 * imported.elapsed / shipments:.1f} ms per shipment"
    )
    figures("  the reactor over the sync's events", imported, shipments)
    figures(
        "stream echo (the import's own events, delivered to the reactor too)", echoed, shipments
    )
    whole = imported.elapsed + echoed.elapsed
    writes = imported.calls.write_calls() + echoed.calls.write_calls()
    reads = imported.calls.read_calls() + echoed.calls.read_calls()
    print(
        f"import + echo: {whole:.2f} s = {shipments / whole:,.1f} shipments/s; "
        f"{per(writes, shipments)} write calls, {per(reads, shipments)} read calls per shipment"
    )
    print(
        f"second pass (all {again.events:,} events above redelivered, the sync's and the "
        f"echo's): {created_again} more "
        f"purchase orders, {sum(again.appended.values())} events appended, "
        f"{again.calls.write_calls()} write calls, {per(again.calls.read_calls(), shipments)} "
        f"read calls per shipment, {again.elapsed:.2f} s"
    )
    if shipments < FULL_SHIPMENTS:
        scale = FULL_SHIPMENTS / shipments
        print(
            f"EXTRAPOLATION to {FULL_SHIPMENTS:,} shipments (linear from this subset, not "
            f"measured; moto's cost may grow with the table, run --full to measure): import "
            f"~{imported.elapsed * scale:.1f} s, import + echo ~{whole * scale:.1f} s; the "
            f"calls per shipment above x {FULL_SHIPMENTS:,}: "
            f"~{imported.calls.write_calls() * scale:,.0f} write calls "
            f"(~{writes * scale:,.0f} with the echo)"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
