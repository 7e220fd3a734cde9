"""Save to Amazon at Amazon's REAL rates (rate_scale=1) and in real wall time: one transfer of
SKUS SKUs into FBA, split by Amazon into SHIPMENTS shipments, saved by the job's runner as its
Lambda builds it (`functions.amazon_jobs.wiring.build`, sleeping for real), on moto (a child
process) and the simulated Amazon, whose operations stay IN_PROGRESS for OPERATION_SECONDS. Then
JOBS such saves of the same seller at once (each its own order and runner, in threads): they
share the seller's rate budget, as Amazon's usage plans are per seller and operation.

Printed: the job's wall time, the SP-API calls it made per operation (the simulator's counters)
and the 429s, against the floor: the fewest calls the flow needs and the earliest it could end
under Amazon's token buckets and the operations' durations. The flow's calls, in order:
createInboundPlan, generatePackingOptions, listPackingOptions, confirmPackingOption,
listPackingGroupItems (a page of 100 per packing group), setPackingInformation,
generatePlacementOptions, listPlacementOptions, confirmPlacementOption, each state-changing call
followed by one getInboundOperationStatus when its operation ends (the fewest polls that see it
end); then getInboundPlan and a getShipment per placed shipment (their FBA ids), and the v0
reads binding each shipment as the sync reads it: one getShipments for all placed ids and a
getShipmentItemsByShipmentId per shipment. The floor's schedule gives each call, in that order,
the earliest token of its operation's bucket (the seller's, shared by every job; the job ready
first goes first), calls taking no time; an operation's poll comes OPERATION_SECONDS after its
call. The job's polling alone (a first poll a second after the call, then waits half as long
again each time) is also shown.

The jobs are run by calling the runner as the job Lambda does (5 minutes an invocation; a wait
it returns would be slept, as the queue's delay), not through SQS. About 30 s in all."""

import argparse
import heapq
import logging
import math
import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from typing import TYPE_CHECKING, Any

import boto3

from bench.moto_server import serve_moto
from domain.amazon_gateway import GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID, GET_SHIPMENTS
from domain.connection import CreateConnection, decide_create
from domain.event_store import EventContext
from domain.marketplaces import Region
from domain.messages import Decision
from domain.orders.placing import CreateTransferOrder, create_transfer_order
from domain.orders.purchase_order import PurchaseLine
from domain.save_to_amazon.job import AmazonJob, Outcome
from domain.streams import StreamKind
from domain.warehouse import (
    CreateWarehouse,
    SetWarehouseAddress,
    WarehouseAddress,
    fba_warehouse_id,
)
from domain.warehouse import decide as decide_warehouse
from domain.warehouse import evolve as evolve_warehouse
from functions.amazon_jobs import wiring
from functions.amazon_jobs.runner import JobTuning
from functions.api.auth import Caller
from functions.api.commands.save_to_amazon import save_transfer_order
from functions.api.models.amazon_jobs import SaveToAmazonRequest
from functions.shared.adapters import inbound_plans_gateway as plans
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.job_queue import JobQueue
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.settings import AmazonJobSettings
from infra.local.provision_sync import (
    create_amazon_jobs_queue,
    create_lwa_app_secret,
    put_refresh_token,
)
from infra.local.tables import create_events_table, create_state_table
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.inbound_plans_api import INBOUND_PLAN_RATE_LIMITS
from infra.simulated_amazon.rate_limit import AMAZON_RATE_LIMITS, RateLimit

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient

US = "ATVPDKIKX0DER"
SKUS, SHIPMENTS, JOBS = 20, 3, 3
OPERATION_SECONDS = 1.0
UNITS_PER_SKU = 24
# What Amazon offers: the split the job takes (cheapest) and a pricier single shipment.
PLACEMENTS = ({"shipment_count": SHIPMENTS, "fee": 20.0}, {"shipment_count": 1, "fee": 95.0})
REFILL_SECONDS = 3.0  # between the runs: every bucket of the seller full again
ADDRESS = WarehouseAddress(
    name="Main warehouse",
    address_line_1="1 Bench Street",
    city="Austin",
    state_or_province_code="TX",
    country_code="US",
    postal_code="78701",
    phone_number="+15125550100",
)
LAMBDA_SECONDS = 300.0  # the job Lambda's timeout (infra/constructs/amazon_jobs.py)
V0_PAGE = 50  # the simulator's v0 page size, Amazon's
LIMITS: dict[str, RateLimit] = {**AMAZON_RATE_LIMITS, **INBOUND_PLAN_RATE_LIMITS}
STATUS = plans.GET_INBOUND_OPERATION_STATUS
# The order the table lists operations in: the flow's.
ORDER = (
    plans.CREATE_INBOUND_PLAN,
    plans.GENERATE_PACKING_OPTIONS,
    plans.LIST_PACKING_OPTIONS,
    plans.CONFIRM_PACKING_OPTION,
    plans.LIST_PACKING_GROUP_ITEMS,
    plans.SET_PACKING_INFORMATION,
    plans.GENERATE_PLACEMENT_OPTIONS,
    plans.LIST_PLACEMENT_OPTIONS,
    plans.CONFIRM_PLACEMENT_OPTION,
    STATUS,
    plans.GET_INBOUND_PLAN,
    plans.GET_SHIPMENT,
    GET_SHIPMENTS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
)


# The floor


@dataclass(frozen=True)
class Call:
    operation: str


@dataclass(frozen=True)
class Wait:
    """Amazon works on an operation: its poll can see it end this much later, no sooner."""

    seconds: float


Step = Call | Wait


def flow(skus: int, shipments: int, packing_groups: int, operation_seconds: float) -> list[Step]:
    """The calls one save needs at the fewest, in order, with the operations' waits."""
    steps: list[Step] = []

    def operation(name: str) -> None:
        steps.extend((Call(name), Wait(operation_seconds), Call(STATUS)))

    operation(plans.CREATE_INBOUND_PLAN)
    operation(plans.GENERATE_PACKING_OPTIONS)
    steps.append(Call(plans.LIST_PACKING_OPTIONS))
    operation(plans.CONFIRM_PACKING_OPTION)
    group_pages = math.ceil(
        skus / packing_groups / plans.PAGE_SIZES[plans.LIST_PACKING_GROUP_ITEMS]
    )
    steps += [Call(plans.LIST_PACKING_GROUP_ITEMS)] * (packing_groups * group_pages)
    operation(plans.SET_PACKING_INFORMATION)
    operation(plans.GENERATE_PLACEMENT_OPTIONS)
    steps.append(Call(plans.LIST_PLACEMENT_OPTIONS))
    operation(plans.CONFIRM_PLACEMENT_OPTION)
    steps.append(Call(plans.GET_INBOUND_PLAN))
    steps += [Call(plans.GET_SHIPMENT)] * shipments
    steps.append(Call(GET_SHIPMENTS))  # every placed id in one ShipmentIdList
    per_shipment = math.ceil(math.ceil(skus / shipments) / V0_PAGE)
    steps += [Call(GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID)] * (shipments * per_shipment)
    return steps


def operations(steps: list[Step]) -> int:
    return sum(1 for step in steps if isinstance(step, Wait))


def fewest_calls(steps: list[Step]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for step in steps:
        if isinstance(step, Call):
            counted[step.operation] = counted.get(step.operation, 0) + 1
    return counted


@dataclass
class Bucket:
    limit: RateLimit
    tokens: float = field(init=False)
    at: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.limit.burst

    def grant(self, wanted: float) -> float:
        """The earliest time at or after `wanted` a token is there; takes it."""
        at = max(wanted, self.at)
        rate = self.limit.requests_per_second
        self.tokens = min(self.limit.burst, self.tokens + (at - self.at) * rate)
        if self.tokens < 1:
            at += (1 - self.tokens) / rate
            self.tokens = 1.0
        self.tokens -= 1
        self.at = at
        return at


def floor_seconds(steps: list[Step], jobs: int) -> float:
    """When the last of `jobs` identical flows, all starting at 0, ends at the earliest: each
    call in turn takes the earliest token of its bucket (shared by the jobs, one seller)."""
    buckets = {name: Bucket(limit) for name, limit in LIMITS.items()}
    ready = [(0.0, job, 0) for job in range(jobs)]
    heapq.heapify(ready)
    ends = 0.0
    while ready:
        at, job, position = heapq.heappop(ready)
        if position == len(steps):
            ends = max(ends, at)
            continue
        step = steps[position]
        if isinstance(step, Wait):
            at += step.seconds
        else:
            at = buckets[step.operation].grant(at)
        heapq.heappush(ready, (at, job, position + 1))
    return ends


# The measured runs


class World:
    """A tenant's connection to a seller of the simulated Amazon, with its FBA warehouse and an
    own warehouse with an address, on fresh tables, queue and secrets of moto."""

    def __init__(self, endpoint: str, control: ControlClient, sim_url: str) -> None:
        kwargs: Any = {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }
        self.dynamodb: DynamoDBClient = boto3.client("dynamodb", **kwargs)
        self.sqs: SQSClient = boto3.client("sqs", **kwargs)
        self.secrets: SecretsManagerClient = boto3.client("secretsmanager", **kwargs)
        self.control = control
        suffix = uuid.uuid4().hex[:8]
        self.tenant_id, connection_id = f"bench-{suffix}", "conn"
        self.seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        seller = control.create_seller(self.seller_id, [US])
        self.settings = AmazonJobSettings.model_validate(
            {
                "events_table": f"events-{suffix}",
                "views_table": "unused",
                "state_table": f"state-{suffix}",
                "amazon_jobs_queue_url": "",
                "lwa_app_secret_id": f"lwa-app-{suffix}",
                "refresh_token_secret_prefix": f"refresh-token-{suffix}/",
                "spapi_endpoint": sim_url,
            }
        )
        create_events_table(self.dynamodb, self.settings.events_table)
        create_state_table(self.dynamodb, self.settings.state_table)
        queue = create_amazon_jobs_queue(self.sqs, f"jobs-{suffix}", 30)
        self.settings = self.settings.model_copy(update={"amazon_jobs_queue_url": queue.url})
        create_lwa_app_secret(self.secrets, self.settings.lwa_app_secret_id, "app", "secret")
        put_refresh_token(
            self.secrets,
            self.settings.refresh_token_secret_prefix,
            self.tenant_id,
            connection_id,
            seller["refresh_token"],
        )
        self.aggregates = Aggregates(
            DynamoDBEventStore(self.settings.events_table, self.dynamodb),
            RandomIds(),
            SystemClock(),
        )
        command = CreateConnection(
            connection_id=connection_id,
            seller_id=self.seller_id,
            region=Region.NA,
            marketplace_ids=(US,),
        )
        self._save(decide_create(command, None))
        self.fba = fba_warehouse_id(connection_id, US)
        self.source = "main"
        created = decide_warehouse(CreateWarehouse(warehouse_id=self.source, name="Main"), None)
        state = None
        for event in created:
            state = evolve_warehouse(state, event)
        addressed = decide_warehouse(
            SetWarehouseAddress(warehouse_id=self.source, address=ADDRESS), state
        )
        self._save({(StreamKind.WAREHOUSE.value, self.source): [*created, *addressed]})

    def runner(self, sleep: Callable[[float], None]) -> wiring.Deps:
        """The job's runner as its Lambda builds it, with the deployed polling."""
        return wiring.build(
            self.settings,
            AwsClients(dynamodb=self.dynamodb, sqs=self.sqs, secretsmanager=self.secrets),
            tuning=JobTuning(),  # the deployed polling
            sleep=sleep,
        )

    def saved_transfer(self, lines: dict[str, int]) -> str:
        """A transfer of `lines` from the own warehouse into FBA, saved to Amazon as the API
        saves it (split amazon): the job's id."""
        suffix = uuid.uuid4().hex[:8]
        transfer_id = f"to-{suffix}"
        command = CreateTransferOrder(
            transfer_order_id=transfer_id,
            sales_order_id=f"so-{suffix}",
            purchase_order_id=f"po-{suffix}",
            source_warehouse_id=self.source,
            destination_warehouse_id=self.fba,
            lines=tuple(PurchaseLine(sku=sku, quantity=q) for sku, q in lines.items()),
        )
        source, fba = (
            self.aggregates.load(self.tenant_id, StreamKind.WAREHOUSE, w).state
            for w in (self.source, self.fba)
        )
        self._save(create_transfer_order(command, source, fba))
        request = SaveToAmazonRequest.model_validate(
            {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"}
        )
        queue = JobQueue(lambda: self.sqs, self.settings.amazon_jobs_queue_url)
        caller = Caller(tenant_id=self.tenant_id, actor="user:bench", correlation_id=suffix)
        return save_transfer_order(self.aggregates, queue, caller, transfer_id, request).job_id

    def job(self, job_id: str) -> AmazonJob:
        job = self.aggregates.load(self.tenant_id, StreamKind.AMAZON_JOB, job_id).state
        assert job is not None
        return job

    def _save(self, decision: Decision) -> None:
        context = EventContext(
            tenant_id=self.tenant_id,
            actor="user:bench",
            correlation_id=uuid.uuid4().hex,
            occurred_at=datetime.now(UTC),
        )
        self.aggregates.save(context, decision, {})


@dataclass
class Saved:
    job_id: str
    seconds: float
    slept: float  # of which waiting (operations in progress, 429s)
    runs: int
    outcome: Outcome
    shipments: int
    fee: str
    error: str | None


@dataclass
class Scenario:
    jobs: int
    wall: float
    saved: list[Saved]
    served: dict[str, dict[str, int]]


def lines(job: int) -> dict[str, int]:
    return {f"BENCH-{job}-{n:02d}": UNITS_PER_SKU + n for n in range(SKUS)}


class Sleeper:
    """The runner's sleep (real), keeping count of the time slept."""

    def __init__(self) -> None:
        self.slept = 0.0

    def __call__(self, seconds: float) -> None:
        self.slept += seconds
        time.sleep(seconds)


def remaining_ms(deadline: float) -> Callable[[], int]:
    return lambda: int((deadline - time.monotonic()) * 1000)


def save(world: World, deps: wiring.Deps, sleeper: Sleeper, job_id: str) -> Saved:
    """Run the job as its Lambda would until it ends; a wait it returns (its invocation's time
    nearly out) is slept, as the queue's delay would."""
    started = time.perf_counter()
    runs = 0
    while True:
        runs += 1
        wait = deps.runner.run(
            world.tenant_id, job_id, remaining_ms(time.monotonic() + LAMBDA_SECONDS)
        )
        if wait is None:
            break
        sleeper(wait)
    seconds = time.perf_counter() - started
    job = world.job(job_id)
    chosen = next(
        (o for o in job.offered if o.placement_option_id == job.placement_option_id), None
    )
    return Saved(
        job_id=job_id,
        seconds=seconds,
        slept=sleeper.slept,
        runs=runs,
        outcome=job.outcome,
        shipments=len(job.bound),
        fee=f"{chosen.fee} {chosen.currency}" if chosen else "-",
        error=f"{job.failure.code}: {job.failure.message}" if job.failure else None,
    )


def scenario(world: World, jobs: int, first: int) -> Scenario:
    """`jobs` saves of the seller at once, each its own transfer and runner (in a thread)."""
    job_ids = [world.saved_transfer(lines(first + job)) for job in range(jobs)]
    sleepers = [Sleeper() for _ in job_ids]
    runners = [world.runner(sleeper) for sleeper in sleepers]
    world.control.reset_calls()
    saved: list[Saved | None] = [None] * jobs
    failures: list[BaseException] = []

    def one(index: int) -> None:
        try:
            saved[index] = save(world, runners[index], sleepers[index], job_ids[index])
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(jobs)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    wrong = [s for s in saved if s is None or s.outcome is not Outcome.SUCCEEDED]
    wrong += [s for s in saved if s is not None and s.shipments != SHIPMENTS]
    if wrong:
        raise SystemExit(f"a save did not bind {SHIPMENTS} shipments: {wrong}")
    served = world.control.calls()
    return Scenario(jobs, wall, [s for s in saved if s is not None], served)


def measure(jobs: int) -> tuple[Scenario, Scenario]:
    processes = multiprocessing.get_context("fork")
    address: Queue[tuple[str, int]] = processes.Queue()
    stop = processes.Event()
    moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
    moto.start()
    try:
        host, port = address.get(timeout=60)
        with (
            SimulatedAmazon(rate_scale=1.0, inbound_operation_seconds=OPERATION_SECONDS) as sim,
            ControlClient(sim.url) as control,
        ):
            world = World(f"http://{host}:{port}", control, sim.url)
            control.set_operation_duration(world.seller_id, OPERATION_SECONDS)
            control.set_placement_options(world.seller_id, PLACEMENTS)
            alone = scenario(world, 1, 0)
            time.sleep(REFILL_SECONDS)  # the seller's buckets fill again
            together = scenario(world, jobs, 1)
    finally:
        stop.set()
        moto.join(timeout=10)
    return alone, together


# The report


def table(run: Scenario, fewest: dict[str, int]) -> int:
    """Calls per operation, per job; returns the 429s."""
    jobs = run.jobs
    print(f"  {'operation':<30} {'calls':>6} {'/job':>5} {'fewest':>7} {'429s':>5}")
    names = [n for n in ORDER] + sorted(set(run.served) - set(ORDER) - {"token"})
    throttled_total = 0
    made_total = 0
    for name in names:
        counts = run.served.get(name, {"served": 0, "throttled": 0, "faulted": 0})
        made = counts["served"] + counts["throttled"] + counts["faulted"]
        least = fewest.get(name, 0)
        if not made and not least:
            continue
        throttled_total += counts["throttled"]
        made_total += made
        flag = "" if made <= least * jobs else "  <- more than needed"
        print(
            f"  {name:<30} {made:>6} {made / jobs:>5.1f} {least:>7} {counts['throttled']:>5}{flag}"
        )
    least_total = sum(fewest.values())
    print(f"  {'total':<30} {made_total:>6} {made_total / jobs:>5.1f} {least_total:>7}")
    return throttled_total


def polling_grid(tuning: JobTuning, seconds: float) -> tuple[float, int]:
    """When the job's polling (the first poll `first_poll_seconds` after the call, then waits
    half as long again each time, up to the max) first sees an operation of `seconds` ended,
    and its polls (as `functions.amazon_jobs.runner` waits)."""
    at, polls = tuning.first_poll_seconds, 1
    while at < seconds:
        at += min(tuning.first_poll_seconds * 1.5**polls, tuning.max_poll_seconds)
        polls += 1
    return at, polls


def report(run: Scenario, steps: list[Step]) -> None:
    fewest = fewest_calls(steps)
    floor = floor_seconds(steps, run.jobs)
    label = "1 job" if run.jobs == 1 else f"{run.jobs} jobs of one seller at once"
    print(f"{label}:")
    throttled = table(run, fewest)
    for saved in run.saved:
        print(
            f"  job {saved.job_id[:12]}: {saved.outcome.value} in {saved.seconds:.1f} s "
            f"({saved.slept:.1f} s of it asleep: operations, 429s), {saved.runs} run(s), "
            f"{saved.shipments} shipments bound, fee {saved.fee}"
            + (f"; {saved.error}" if saved.error else "")
        )
    operations = fewest[STATUS]
    polls = sum(run.served.get(STATUS, {}).values()) / run.jobs / operations
    made = sum(sum(counts.values()) for name, counts in run.served.items() if name != "token")
    least = sum(fewest.values()) * run.jobs
    print(
        f"  wall time {run.wall:.1f} s vs floor {floor:.1f} s: {run.wall / floor:.2f}x; "
        f"SP-API calls {made} vs fewest {least}: {made / least:.2f}x; 429s {throttled}; "
        f"{polls:.1f} polls per operation (fewest 1)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=JOBS, help="saves of one seller at once")
    args = parser.parse_args(argv if argv is not None else [])
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    alone, together = measure(args.jobs)
    steps = flow(SKUS, SHIPMENTS, 1, OPERATION_SECONDS)
    print(
        f"{SKUS} SKUs split by Amazon into {SHIPMENTS} shipments, at Amazon's real rates, "
        f"operations IN_PROGRESS {OPERATION_SECONDS:g} s; floor = fewest calls under the "
        "token buckets + the operations' durations (calls take no time)"
    )
    report(alone, steps)
    report(together, steps)
    seen, polls = polling_grid(JobTuning(), OPERATION_SECONDS)
    grid = operations(steps) * seen
    print(
        f"  (the job's polling sees a {OPERATION_SECONDS:g} s operation end after {seen:g} s "
        f"and {polls} polls: {grid:.1f} s over the flow's {operations(steps)} operations, "
        f"{grid / floor_seconds(steps, 1):.2f}x the one job's floor before any call's time)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
