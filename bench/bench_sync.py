"""A connection's first sync against the simulated Amazon at Amazon's REAL rates (rate_scale=1):
SP-API calls made vs the fewest that could do, 429s received, and wall time vs the rate-limit
floor (calls beyond the burst / rate, per operation's bucket). The real worker handler runs
(continuations included) on DynamoDB, SQS and Secrets Manager from moto, in a child process.

A first sync is a backfill: it reads items by date (getShipmentItems DATE_RANGE, 50 a page, many
shipments each) after one call proving no item predates the window, so its fewest calls are
ceil(shipments / 50) listing pages + 1 + ceil(items / 50) item pages (+ watched shipments, none
on a first sync). For 1,000 shipments x 20 lines: 20 + 1 + 400 calls, a floor of 186 s, where
one call per shipment (getShipmentItemsByShipmentId, `--per-shipment`) has a floor of 485 s.
By default a subset runs (`--full` for all); the output says so and gives the full run's figures."""

import argparse
import logging
import math
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from typing import Any

import boto3

from bench.moto_server import serve_moto
from domain.amazon_gateway import (
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
)
from domain.connection import CreateConnection, decide_create
from domain.event_store import EventContext
from domain.marketplaces import Region
from functions.connection_state.enqueue import enqueue_sync
from functions.connection_state.status import SyncStatusReader
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.settings import SyncSettings
from functions.sync import wiring, worker
from functions.sync.engine.rate_limit import PUBLISHED_LIMITS
from functions.sync.engine.settings import SyncTuning
from functions.sync.observability import logger as sync_logger
from infra.local.lambda_context import LocalLambdaContext
from infra.local.provision_sync import (
    create_lwa_app_secret,
    create_sync_queue,
    put_refresh_token,
)
from infra.local.tables import create_events_table, create_state_table
from infra.simulated_amazon import ControlClient, SimulatedAmazon

US = "ATVPDKIKX0DER"
FULL_SHIPMENTS, LINES = 1_000, 20
SUBSET_SHIPMENTS = 400  # a floor of about a minute by date (three per shipment)
PAGE_SIZE = 50  # Amazon's page size for these operations
LAMBDA_TIMEOUT_SECONDS = 900.0
METRICS_DISABLED = "POWERTOOLS_METRICS_DISABLED"


def clients(endpoint: str) -> dict[str, Any]:
    kwargs = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    return {name: boto3.client(name, **kwargs) for name in ("dynamodb", "sqs", "secretsmanager")}  # type: ignore[call-overload]


def provision(aws: dict[str, Any], sim_url: str, refresh_token: str, seller_id: str) -> Any:
    suffix = uuid.uuid4().hex[:8]
    settings = SyncSettings.model_validate(
        {
            "events_table": f"events-{suffix}",
            "views_table": "unused",
            "state_table": f"state-{suffix}",
            "sync_queue_url": "",
            "lwa_app_secret_id": f"lwa-app-{suffix}",
            "refresh_token_secret_prefix": f"refresh-token-{suffix}/",
            "spapi_endpoint": sim_url,
        }
    )
    create_events_table(aws["dynamodb"], settings.events_table)
    create_state_table(aws["dynamodb"], settings.state_table)
    queue = create_sync_queue(aws["sqs"], f"sync-{suffix}")
    settings = settings.model_copy(update={"sync_queue_url": queue.url})
    create_lwa_app_secret(aws["secretsmanager"], settings.lwa_app_secret_id, "app", "secret")
    put_refresh_token(
        aws["secretsmanager"], settings.refresh_token_secret_prefix, "bench", "conn", refresh_token
    )
    store = DynamoDBEventStore(settings.events_table, aws["dynamodb"])
    command = CreateConnection(
        connection_id="conn", seller_id=seller_id, region=Region.NA, marketplace_ids=(US,)
    )
    context = EventContext(
        tenant_id="bench", actor="bench", correlation_id="bench", occurred_at=datetime.now(UTC)
    )
    Aggregates(store, RandomIds(), SystemClock()).save(context, decide_create(command, None), {})
    return settings, queue


def run_until_done(
    aws: dict[str, Any], queue: Any, deps: wiring.Deps, context: Callable[[], Any] | None = None
) -> int:
    """Feed the sync queue to the worker like Lambda would; returns the invocations made.
    `context`: makes each invocation's Lambda context (default: real time, 15 minutes)."""
    sqs, invocations = aws["sqs"], 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue.url, MaxNumberOfMessages=1, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return invocations
        message = messages[0]
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message["Attributes"],
            "messageAttributes": {},
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue.arn,
            "awsRegion": "us-east-1",
        }
        invocation = (
            context()
            if context
            else LocalLambdaContext("sync-worker", timeout_seconds=LAMBDA_TIMEOUT_SECONDS)
        )
        answer = worker.handle({"Records": [record]}, invocation, deps)  # type: ignore[arg-type]
        invocations += 1
        if answer["batchItemFailures"]:
            raise SystemExit(f"the sync failed: {answer}")
        sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])


def floor_seconds(operation: str, calls: int) -> float:
    limit = PUBLISHED_LIMITS[operation]
    return max(calls - limit.burst, 0) / limit.rate


def minimum_calls(shipments: int, feed: bool) -> dict[str, int]:
    """The fewest calls a first sync of `shipments` x LINES can make (full last pages aside)."""
    listing = math.ceil(shipments / PAGE_SIZE)
    if feed:  # the probe, then the window's items by date
        items = 1 + math.ceil(shipments * LINES / PAGE_SIZE)
        return {
            GET_SHIPMENTS: listing,
            GET_SHIPMENT_ITEMS: items,
            GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID: 0,
        }
    continued = shipments * (math.ceil(LINES / PAGE_SIZE) - 1)
    return {
        GET_SHIPMENTS: listing,
        GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID: shipments,
        GET_SHIPMENT_ITEMS: continued,
    }


def floor_of(minimum: dict[str, int]) -> float:
    """Each operation has its own bucket, refilling while the others are used."""
    return max(floor_seconds(operation, calls) for operation, calls in minimum.items())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="all 1,000 shipments (~4 minutes)")
    parser.add_argument("--shipments", type=int, help="another subset size")
    parser.add_argument(
        "--per-shipment",
        action="store_true",
        help="read items one call per shipment, as before backfills read by date (slower)",
    )
    args = parser.parse_args(argv if argv is not None else [])
    shipments = args.shipments or (FULL_SHIPMENTS if args.full else SUBSET_SHIPMENTS)
    feed = not args.per_shipment
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    sync_logger.setLevel(logging.WARNING)  # one INFO line per invocation otherwise
    metrics_were = os.environ.get(METRICS_DISABLED)
    os.environ[METRICS_DISABLED] = "true"  # EMF lines on stdout otherwise

    processes = multiprocessing.get_context("fork")
    address: Queue[tuple[str, int]] = processes.Queue()
    stop = processes.Event()
    moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
    moto.start()
    try:
        host, port = address.get(timeout=60)
        aws = clients(f"http://{host}:{port}")
        with SimulatedAmazon(rate_scale=1.0, page_size=PAGE_SIZE) as sim:
            control = ControlClient(sim.url)
            seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
            refresh_token = control.create_seller(seller_id, [US])["refresh_token"]
            control.bulk_create_shipments(seller_id, US, shipments, LINES)
            settings, queue = provision(aws, sim.url, refresh_token, seller_id)
            deps = wiring.build(
                settings,
                # Amazon's published rates and bursts; shipments only (sales: their own bench).
                SyncTuning(backfill_feed=feed, sales_reads=False, inventory_summaries_minutes=None),
                AwsClients(aws["dynamodb"], aws["sqs"], aws["secretsmanager"]),
            )
            job = SyncJob(
                tenant_id="bench",
                connection_id="conn",
                reason=SyncReason.ON_DEMAND,
                requested_at=datetime.now(UTC),
            )
            enqueue_sync(aws["sqs"], queue.url, job)
            started = time.perf_counter()
            invocations = run_until_done(aws, queue, deps)
            elapsed = time.perf_counter() - started
            served = control.calls()
            status = SyncStatusReader(settings.state_table, aws["dynamodb"]).get("bench", "conn")
            control.disconnect()
    finally:
        if metrics_were is None:
            os.environ.pop(METRICS_DISABLED, None)
        else:
            os.environ[METRICS_DISABLED] = metrics_were
        stop.set()
        moto.join(timeout=10)
    report(shipments, served, status, elapsed, invocations, feed)


def report(
    shipments: int,
    served: dict[str, dict[str, int]],
    status: Any,
    elapsed: float,
    invocations: int,
    feed: bool,
) -> None:
    minimum = minimum_calls(shipments, feed)
    how = "items by date (a backfill)" if feed else "items per shipment (--per-shipment)"
    scope = f"{shipments:,} shipments x {LINES} lines at Amazon's real rates, {how}"
    if shipments < FULL_SHIPMENTS:
        print(f"SUBSET: {scope}; --full runs all {FULL_SHIPMENTS:,} (figures below)")
    else:
        print(scope)
    print(f"{'operation':<30} {'calls':>6} {'minimum':>8} {'429s':>5} {'floor s':>8}")
    total = 0
    for operation, least in minimum.items():
        counts = served.get(operation, {"served": 0, "throttled": 0, "faulted": 0})
        made = counts["served"] + counts["throttled"] + counts["faulted"]
        total += made
        floor = floor_seconds(operation, least)
        print(f"{operation:<30} {made:>6} {least:>8} {counts['throttled']:>5} {floor:>8.1f}")
    print(f"{'total':<30} {total:>6} {sum(minimum.values()):>8}")
    assert status is not None
    counters = status.last_run.counters
    floor = floor_of(minimum)
    print(
        f"wall time {elapsed:.1f} s vs rate-limit floor {floor:.1f} s "
        f"({elapsed / max(floor, 1e-9):.2f}x); {invocations} invocation(s); "
        f"{counters.shipments_seen:,} shipments, {counters.events_appended:,} events appended; "
        f"429s seen by the worker: {sum(counters.throttled.values())}"
    )
    for count in sorted({shipments, FULL_SHIPMENTS}):
        by_date, per_shipment = minimum_calls(count, True), minimum_calls(count, False)
        ratio = floor_of(by_date) / floor_of(per_shipment)
        print(
            f"  {count:,} x {LINES}: floor {floor_of(by_date):.1f} s by date "
            f"({sum(by_date.values())} calls) vs {floor_of(per_shipment):.1f} s per shipment "
            f"({sum(per_shipment.values())} calls): {ratio:.2f}x"
        )
    print(
        "  (a paged read makes one more call than its minimum when its last page is full: "
        "Amazon's last NextToken then leads to an empty page. Items by date are recorded once "
        "all are read, so that time adds to the floor instead of overlapping token waits)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
