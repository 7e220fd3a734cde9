"""A new connection's 12-month sales backfill for one marketplace (Reports API 2021-06-30,
docs/amazon-sales.md) against the simulated Amazon over HTTP, with the real worker handler
(continuations included) on DynamoDB, SQS and Secrets Manager from moto in a child process:
reports requested, calls per operation, elapsed time vs the floor Amazon's usage plans set.

Amazon's REAL rates and bursts, on a shared simulated clock: scaling the rates on both sides
would scale the bursts too (both sides' `RateLimit.scaled`), and 15 x a scale soon holds all 39
reports, leaving no floor to measure. Instead the simulator's clock and the sync's (its `now`,
its token buckets' wall time, its `sleep`, the Lambda context's remaining time) are one time
line that jumps when the sync waits: the 24 minutes of the floor pass in seconds, and the time
the code itself takes counts as it passes. Elapsed = time waited + time worked.

The floor: 13 windows of 30 days x 3 report types = 39 createReport calls; 15 at once (the
burst), then one every 1 / 0.0167 s: (39 - 15) / 0.0167 = 1,437 s. getReportDocument has the same
plan on its own bucket and drains in step; the last report's processing (60 s here) comes on
top. Target: elapsed <= 1.2 x the floor (+ that processing)."""

import logging
import multiprocessing
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from typing import Any

from bench.bench_sync import clients, provision, run_until_done
from bench.moto_server import serve_moto
from domain.sales.gateway import CREATE_REPORT, GET_REPORT, GET_REPORT_DOCUMENT
from functions.connection_state.enqueue import enqueue_sync
from functions.connection_state.status import SyncStatusReader
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.aws_clients import AwsClients
from functions.sync import wiring
from functions.sync.engine.rate_limit import PUBLISHED_LIMITS
from functions.sync.engine.settings import SyncTuning
from functions.sync.observability import logger as sync_logger
from infra.simulated_amazon import ControlClient, SimulatedAmazon

US = "ATVPDKIKX0DER"
ORDERS = 600
REPORTS = 13 * 3
PROCESSING_SECONDS = 60.0  # the simulator's, at Amazon's rates
LAMBDA_TIMEOUT_SECONDS = 900.0
METRICS_DISABLED = "POWERTOOLS_METRICS_DISABLED"
OPERATIONS = (CREATE_REPORT, GET_REPORT, GET_REPORT_DOCUMENT)


class SharedTime:
    """One time line for the simulator and the sync: real time plus every wait so far."""

    def __init__(self, control: ControlClient) -> None:
        self._control = control
        self.waited = 0.0
        self._offset = datetime.fromisoformat(control.now()) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset + timedelta(seconds=self.waited + 1)

    def wall_time(self) -> float:
        return time.time() + self.waited

    def sleep(self, seconds: float) -> None:
        self.waited += seconds
        self._control.advance_clock(seconds)

    def monotonic(self) -> float:
        return time.monotonic() + self.waited


class SharedTimeContext:
    """A Lambda context whose time runs on the shared time line."""

    function_name = "sync-worker"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:sync-worker"

    def __init__(self, shared: SharedTime) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._shared = shared
        self._started = shared.monotonic()

    def get_remaining_time_in_millis(self) -> int:
        elapsed = self._shared.monotonic() - self._started
        return max(int((LAMBDA_TIMEOUT_SECONDS - elapsed) * 1000), 0)


def year_of_orders(now: datetime, count: int) -> list[dict[str, Any]]:
    """FBA and FBM orders spread over the last 360 days; some cancelled, some returned."""
    orders = []
    for number in range(count):
        purchased = now - timedelta(days=360 * (number + 1) / (count + 1))
        order: dict[str, Any] = {
            "marketplace_id": US,
            "fulfillment_channel": "AFN" if number % 2 else "MFN",
            "purchase_date": purchased.isoformat(),
            "order_status": "Canceled" if number % 9 == 8 else "Shipped",
            "lines": [{"sku": f"SKU-{number % 40}", "quantity": 1 + number % 3}],
        }
        if number % 11 == 5:
            returned = (purchased + timedelta(days=2)).isoformat()
            order["returns"] = [
                {"sku": f"SKU-{number % 40}", "quantity": 1, "return_date": returned}
            ]
        orders.append(order)
    return orders


def floor_seconds() -> float:
    limit = PUBLISHED_LIMITS[CREATE_REPORT]
    return max(REPORTS - limit.burst, 0) / limit.rate


def main(argv: list[str] | None = None) -> None:
    del argv
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    sync_logger.setLevel(logging.ERROR)  # a warning per dropped report; none expected
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
        with SimulatedAmazon(rate_scale=1.0) as sim:
            control = ControlClient(sim.url)
            seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
            refresh_token = control.create_seller(seller_id, [US])["refresh_token"]
            shared = SharedTime(control)
            control.add_orders(seller_id, year_of_orders(shared.now(), ORDERS))
            settings, queue = provision(aws, sim.url, refresh_token, seller_id)
            deps = wiring.build(
                settings,
                SyncTuning(sales_reads=True),  # Amazon's published rates and bursts
                AwsClients(aws["dynamodb"], aws["sqs"], aws["secretsmanager"]),
                clock=shared,
                sleep=shared.sleep,
                wall_time=shared.wall_time,
            )
            job = SyncJob(
                tenant_id="bench",
                connection_id="conn",
                reason=SyncReason.ON_DEMAND,
                requested_at=shared.now(),
            )
            enqueue_sync(aws["sqs"], queue.url, job)
            started, real_started = shared.monotonic(), time.perf_counter()
            invocations = run_until_done(
                aws, queue, deps, context=lambda: SharedTimeContext(shared)
            )
            elapsed, real = shared.monotonic() - started, time.perf_counter() - real_started
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
    report(served, status, elapsed, real, invocations)


def report(
    served: dict[str, dict[str, int]], status: Any, elapsed: float, real: float, invocations: int
) -> None:
    assert status is not None
    counters = status.last_run.counters
    print(
        f"12-month sales backfill, one marketplace, {ORDERS} orders, Amazon's real rates on a "
        "shared simulated clock"
    )
    print(f"{'operation':<20} {'calls':>6} {'429s':>5}   usage plan")
    for operation in OPERATIONS:
        counts = served.get(operation, {"served": 0, "throttled": 0, "faulted": 0})
        made = counts["served"] + counts["throttled"] + counts["faulted"]
        limit = PUBLISHED_LIMITS[operation]
        print(
            f"{operation:<20} {made:>6} {counts['throttled']:>5}   {limit.rate}/s, {limit.burst:g}"
        )
    floor = floor_seconds()
    created = served.get(CREATE_REPORT, {}).get("served", 0)
    print(
        f"reports requested {created}; the last run: dropped {counters.reports_dropped}, orders "
        f"recorded {counters.orders_recorded}, returns {counters.returns_recorded}, quarantined "
        f"{counters.quarantined_count}; {invocations} invocation(s) (runs of at most "
        f"{SyncTuning().sales_wait_seconds:g} s of pacing each)"
    )
    print(
        f"elapsed {elapsed:.1f} s (of which the code's own time {real:.1f} s) vs floor "
        f"{floor:.1f} s ({REPORTS} - 15 createReport at 0.0167/s): {elapsed / floor:.3f}x "
        f"(target <= 1.2); vs floor + the last report's processing "
        f"({floor + PROCESSING_SECONDS:.0f} s): {elapsed / (floor + PROCESSING_SECONDS):.3f}x"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
