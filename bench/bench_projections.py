"""How fast events become views: the pure projections in memory, the projector handler on moto
with Lambda-shaped stream batches, and the lag from an append to the view showing it when the
stream is followed with the Streams client. moto runs in a child process (no shared GIL), so
moto figures are moto's speed plus our adapter's overhead, not DynamoDB's."""

import logging
import multiprocessing
import random
import statistics
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from functions.projector.handler import handle
from functions.projector.projections.step import initial_doc, step
from functions.projector.rebuild import rebuild
from functions.projector.stream_tail import StreamTail
from functions.projector.wiring import build
from functions.shared.dynamodb_event_store import DynamoDBEventStore
from functions.shared.in_memory import InMemoryEventStore
from functions.shared.settings import StoreSettings
from functions.shared.stream_records import batch, record_of
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from functions.shared.views.items import RowKey
from infra.local.provision import create_events_table
from infra.local.provision_views import create_views_table
from tests.projections.delivery import lambda_context
from tests.projections.history import RandomSeller
from tests.projections.world import World, copy_log

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PURE_STEPS = 3_000  # about 4,000 events
MOTO_STEPS = 250  # about 350 events
LAMBDA_BATCH = 50  # STREAM_BATCH_SIZE in infra/constructs/projections.py
LAG_SAMPLES = 60


def history(steps: int, seed: int = 1) -> World:
    rng = random.Random(seed)
    world = World(InMemoryEventStore(), rng)
    RandomSeller(world, rng).run(steps)
    return world


def report(label: str, count: int, elapsed: float) -> float:
    rate = count / elapsed
    print(f"{label:<44} {count:>6,} events in {elapsed:6.2f} s = {rate:>8,.0f} events/s")
    return rate


def bench_pure(world: World) -> tuple[float, float]:
    started = time.perf_counter()
    docs: dict[str, StreamDoc] = {}
    for event in world.log:
        key = str(event.stream_id)
        docs[key] = step(docs.get(key) or initial_doc(event.stream_id), event).after
    steps = report("pure step(doc, event), no store", len(world.log), time.perf_counter() - started)
    started = time.perf_counter()
    _, count = rebuild(world.store)
    projected = report("projector + in-memory view store", count, time.perf_counter() - started)
    return steps, projected


def bench_handler(client: "DynamoDBClient", world: World) -> float:
    tables = new_tables(client)
    copy_log(world.log, DynamoDBEventStore(tables.events_table, client))
    deps = build(tables, client)
    records = [record_of(event, str(n)) for n, event in enumerate(world.log, 1)]
    started = time.perf_counter()
    for start in range(0, len(records), LAMBDA_BATCH):
        answer = handle(batch(records[start : start + LAMBDA_BATCH]), lambda_context(), deps)
        assert answer == {"batchItemFailures": []}
    elapsed = time.perf_counter() - started
    return report(f"handler on moto, batches of {LAMBDA_BATCH}", len(records), elapsed)


def bench_lag(client: "DynamoDBClient", streams: Any, world: World) -> list[float]:
    """Append one event at a time; follow the stream, project, and time until the view has it."""
    tables = new_tables(client)
    store = DynamoDBEventStore(tables.events_table, client)
    views = build(tables, client)
    tail = StreamTail(client, streams, tables.events_table)
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


def serve_moto(address: "Queue[tuple[str, int]]", stop: "EventType") -> None:
    """A moto server in a process of its own, so that it and the client do not share a GIL."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.server import ThreadedMotoServer

    MotoRequestHandler.disable_nagle_algorithm = True  # else each call waits on a delayed ACK
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    address.put(server.get_host_and_port())
    stop.wait()
    server.stop()


def main() -> None:
    logging.getLogger().setLevel(logging.WARNING)
    big, small = history(PURE_STEPS), history(MOTO_STEPS, seed=2)
    steps_rate, memory_rate = bench_pure(big)
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
        lags = bench_lag(client, streams, small)
    finally:
        stop.set()
        moto.join(timeout=10)
    p50 = statistics.median(lags)
    p95 = statistics.quantiles(lags, n=20)[-1]
    label = "append -> view visible (poll + handler)"
    print(f"{label:<44} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({len(lags)} appends)")
    print(f"pure steps / projector in memory: {steps_rate / memory_rate:,.1f}x")
    print(f"projector in memory / handler on moto: {memory_rate / moto_rate:,.1f}x")


if __name__ == "__main__":
    main()
