"""How fast events become views: the pure projections in memory (against the domain's own fold
of the same events, the anchor), the projector on the in-memory store, the projector handler on
moto with Lambda-shaped stream batches (DynamoDB calls per event counted with a botocore hook,
and what they come to per shard on DynamoDB at an assumed latency per call), and the lag from
an append to the view showing it when the stream is followed with the Streams client. moto runs
in a child process (no shared GIL), so moto figures are moto's speed plus our adapter's
overhead, not DynamoDB's."""

import gc
import logging
import multiprocessing
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from bench.moto_server import serve_moto
from domain.event_store import RecordedEvent
from domain.registry import KINDS, evolver
from functions.projector.handler import handle
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.projector.wiring import CONCURRENCY, Deps, build
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.stream_records import batch, record_of
from functions.shared.projections.step import initial_doc, step
from functions.shared.settings import StoreSettings
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from functions.shared.views.items import RowKey
from infra.local.stream_tail import StreamTail
from infra.local.tables import create_events_table, create_views_table
from tests.projections.delivery import lambda_context
from tests.projections.history import RandomSeller
from tests.projections.world import US, World, copy_log
from tests.support.in_memory import InMemoryEventStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PURE_STEPS = 3_000  # about 5,000 events
MOTO_STEPS = 250  # about 400 events
LAMBDA_BATCH = 50  # STREAM_BATCH_SIZE in infra/constructs/projections.py
LAG_SAMPLES = 60
REPEATS = 3  # in-memory figures: the best of a few runs (the machine may be busy)
SYNC_SHIPMENTS = 25  # open shipments a sync round observes
SYNC_ROUNDS = 4
CALL_MS = 5.0  # assumed latency of one DynamoDB call from Lambda (same region), in ms
LABEL = 52


def history(steps: int, seed: int = 1) -> World:
    rng = random.Random(seed)
    world = World(InMemoryEventStore(), rng)
    RandomSeller(world, rng).run(steps)
    return world


def report(label: str, count: int, elapsed: float) -> float:
    rate = count / elapsed
    print(f"{label:<{LABEL}} {count:>6,} events in {elapsed:6.2f} s = {rate:>8,.0f} events/s")
    return rate


def best(label: str, count: int, run: Callable[[], object]) -> float:
    """The fastest of a few runs (process time: other processes' load counts less)."""
    elapsed = []
    for _ in range(REPEATS):
        started = time.process_time()
        run()
        elapsed.append(time.process_time() - started)
    return report(label, count, min(elapsed))


def fold(log: Sequence[RecordedEvent]) -> None:
    """The domain's own fold of every stream (the aggregates' `evolve`), nothing projected."""
    states: dict[str, Any] = {}
    evolvers = {kind: evolver(kind) for kind, code in KINDS.items() if code.state is not None}
    for event in log:
        evolve = evolvers.get(event.stream_id.kind)
        if evolve is not None:
            key = str(event.stream_id)
            states[key] = evolve(states.get(key), event.event)


def steps(log: Sequence[RecordedEvent]) -> None:
    docs: dict[str, StreamDoc] = {}
    for event in log:
        key = str(event.stream_id)
        docs[key] = step(docs.get(key) or initial_doc(event.stream_id), event).after


def one_by_one(world: World) -> None:
    projector = Projector(world.store, InMemoryViewStore())
    for event in world.log:
        projector.project(event)


def in_batches(world: World, size: int) -> None:
    projector = Projector(world.store, InMemoryViewStore())
    for start in range(0, len(world.log), size):
        assert not projector.project_batch(world.log[start : start + size]).failures


@dataclass(frozen=True)
class Rates:
    fold: float
    steps: float
    one_by_one: float
    batches: float


def bench_memory(world: World) -> Rates:
    log, count = world.log, len(world.log)
    fold_rate = best("domain fold (evolve only), the anchor", count, lambda: fold(log))
    step_rate = best("pure step(doc, event), no store", count, lambda: steps(log))
    single = best("projector + in-memory store, event by event", count, lambda: one_by_one(world))
    label = f"projector + in-memory store, batches of {LAMBDA_BATCH}"
    batches = best(label, count, lambda: in_batches(world, LAMBDA_BATCH))
    best("rebuild (projector, in-memory, batches of 1,000)", count, lambda: rebuild(world.store))
    return Rates(fold_rate, step_rate, single, batches)


class CallCounter:
    """Counts the client's DynamoDB calls by operation (a botocore event hook)."""

    def __init__(self, client: "DynamoDBClient") -> None:
        self.by_operation: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.by_operation[model.name] += 1

    def reset(self) -> None:
        self.by_operation.clear()


@dataclass(frozen=True)
class HandlerRun:
    events: int
    batches: int
    elapsed: float  # wall time on moto
    cpu: float  # this process's CPU time (ours and botocore's; moto runs elsewhere)
    calls: Counter[str]
    rounds: int  # rounds of concurrent calls (see functions/projector/calls.py)

    @property
    def per_event(self) -> float:
        return sum(self.calls.values()) / self.events

    def per_shard(self, concurrent: bool, cpu: bool = False) -> float:
        """Events/s one shard's Lambda would project on DynamoDB at CALL_MS per call, from the
        calls counted: one after the other, or each round of concurrent calls taking one call's
        latency; with `cpu`, plus this process's CPU time as if nothing overlapped it."""
        waits = (self.rounds if concurrent else sum(self.calls.values())) * CALL_MS / 1000
        return self.events / (waits + (self.cpu if cpu else 0.0))


def run_handler(
    deps: Deps, counter: CallCounter, log: Sequence[RecordedEvent], first: int = 1
) -> HandlerRun:
    records = [record_of(event, str(n)) for n, event in enumerate(log, first)]
    counter.reset()
    rounds = deps.projector.calls.rounds
    started, cpu = time.perf_counter(), time.process_time()
    batches = 0
    for start in range(0, len(records), LAMBDA_BATCH):
        answer = handle(batch(records[start : start + LAMBDA_BATCH]), lambda_context(), deps)
        assert answer == {"batchItemFailures": []}, answer
        batches += 1
    return HandlerRun(
        events=len(records),
        batches=batches,
        elapsed=time.perf_counter() - started,
        cpu=time.process_time() - cpu,
        calls=Counter(counter.by_operation),
        rounds=deps.projector.calls.rounds - rounds,
    )


def bench_handler(client: "DynamoDBClient", world: World) -> float:
    tables = new_tables(client)
    copy_log(world.log, DynamoDBEventStore(tables.events_table, client))
    deps = build(tables, client)
    run = run_handler(deps, CallCounter(client), world.log)
    rate = report(f"handler on moto, batches of {LAMBDA_BATCH}", run.events, run.elapsed)
    calls(run, "random seller's log (cold, then warm docs)")
    return rate


def sync_rounds(shipments: int, rounds: int) -> tuple[World, int]:
    """Shipments reconciled and shipped (the set-up), then sync rounds in each of which Amazon
    shows every shipment received a little more, and the reactor follows: the log, and where
    the rounds start in it."""
    rng = random.Random(3)
    world = World(InMemoryEventStore(), rng)
    world.connect((US,))
    warehouse = world.own_warehouse()
    skus = [f"SKU-{n}" for n in range(8)]
    world.count(warehouse, dict.fromkeys(skus, 1_000))
    ids = []
    for _ in range(shipments):
        ids.append(world.discover({sku: 40 for sku in rng.sample(skus, 3)}))
        world.reconcile(ids[-1], warehouse)
        world.mark_shipped(ids[-1])
    set_up = len(world.log)
    for _ in range(rounds):
        world.clock.advance(15)
        for shipment_id in ids:
            sku = rng.choice(sorted(world.amazon[shipment_id].shipped))
            world.amazon_receives(shipment_id, sku, rng.randint(1, 8))
    return world, set_up


def bench_sync(client: "DynamoDBClient") -> HandlerRun:
    world, set_up = sync_rounds(SYNC_SHIPMENTS, SYNC_ROUNDS)
    tables = new_tables(client)
    copy_log(world.log, DynamoDBEventStore(tables.events_table, client))
    deps = build(tables, client)
    counter = CallCounter(client)
    run_handler(deps, counter, world.log[:set_up])  # the set-up: docs warm, as in a live Lambda
    run = run_handler(deps, counter, world.log[set_up:], first=set_up + 1)
    label = f"  sync rounds ({SYNC_SHIPMENTS} shipments each, reactor following)"
    report(label, run.events, run.elapsed)
    calls(run, "sync-shaped batches (warm)")
    return run


def calls(run: HandlerRun, label: str) -> None:
    by_operation = ", ".join(
        f"{name} {count / run.events:.2f}" for name, count in run.calls.most_common()
    )
    print(f"  DynamoDB calls per event, {label}: {run.per_event:.2f} ({by_operation})")
    print(
        f"  per shard on DynamoDB at {CALL_MS:.0f} ms a call (assumed): one call at a time "
        f"{run.per_shard(False):,.0f} events/s; up to {CONCURRENCY} at once "
        f"({run.rounds / run.batches:.1f} rounds per batch of {LAMBDA_BATCH}) "
        f"{run.per_shard(True):,.0f} events/s"
    )
    print(
        f"    adding this process's CPU, {run.cpu / run.events * 1000:.2f} ms/event (botocore's "
        f"included; as if it overlapped no wait): {run.per_shard(True, cpu=True):,.0f} events/s"
    )


def bench_lag(client: "DynamoDBClient", streams: Any, world: World) -> list[float]:
    """Append one event at a time; follow the stream, project, and time until the view has it."""
    tables = new_tables(client)
    store = DynamoDBEventStore(tables.events_table, client)
    views = build(tables, client)
    tail = StreamTail.of_table(client, streams, tables.events_table)
    lags = []
    for event in world.log[:LAG_SAMPLES]:
        started = time.perf_counter()
        copy_log([event], store)
        doc = RowKey(pk=keys.doc_pk(event.stream_id), sk=keys.DOC)
        while True:
            records = tail.poll()
            if records:
                handle(batch(records), lambda_context(), views)
            found = client.get_item(TableName=tables.views_table, Key=_key(doc))
            if int(found.get("Item", {}).get("rev", {}).get("N", 0)) >= event.version:
                break
        lags.append((time.perf_counter() - started) * 1000)
    return lags


def _key(key: RowKey) -> Any:
    return {"pk": {"S": key.pk}, "sk": {"S": key.sk}}


def new_tables(client: "DynamoDBClient") -> StoreSettings:
    suffix = f"{time.monotonic_ns()}"
    settings = StoreSettings.model_validate(
        {"EVENTS_TABLE": f"ev{suffix}", "VIEWS_TABLE": f"vw{suffix}", "STATE_TABLE": "unused"}
    )
    create_events_table(client, settings.events_table)
    create_views_table(client, settings.views_table)
    return settings


def main() -> None:
    logging.getLogger().setLevel(logging.WARNING)
    big, small = history(PURE_STEPS), history(MOTO_STEPS, seed=2)
    # The histories (thousands of nested models) are the bench's fixtures, not the projector's
    # state: out of the collector's way, as a Lambda holds no such log.
    gc.freeze()
    rates = bench_memory(big)
    processes = multiprocessing.get_context("fork")
    address: Queue[tuple[str, int]] = processes.Queue()
    stop = processes.Event()
    moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
    moto.start()
    try:
        host, port = address.get(timeout=30)
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        streams = boto3.client(
            "dynamodbstreams",
            endpoint_url=endpoint,
            region_name="us-east-1",
            config=Config(account_id_endpoint_mode="disabled"),
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        moto_rate = bench_handler(client, small)
        bench_sync(client)
        lags = bench_lag(client, streams, small)
    finally:
        stop.set()
        moto.join(timeout=10)
    p50 = statistics.median(lags)
    p95 = statistics.quantiles(lags, n=20)[-1]
    label = "append -> view visible (poll + handler)"
    print(f"{label:<{LABEL}} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({len(lags)} appends)")
    print(f"domain fold / pure steps: {rates.fold / rates.steps:,.1f}x")
    print(
        f"domain fold / projector in memory, event by event: {rates.fold / rates.one_by_one:,.1f}x"
    )
    print(f"domain fold / projector in memory, batches: {rates.fold / rates.batches:,.1f}x")
    print(
        f"pure steps / projector in memory, event by event: {rates.steps / rates.one_by_one:,.1f}x"
    )
    print(f"projector in memory (batches) / handler on moto: {rates.batches / moto_rate:,.1f}x")


if __name__ == "__main__":
    main()
