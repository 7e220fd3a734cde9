"""A world for Save-to-Amazon jobs: a seller at the simulated Amazon, a tenant's connection with
its FBA warehouse, tables and secrets on moto, and the job's runner built as Lambda builds it
(`functions.amazon_jobs.wiring.build`), whose waits move Amazon's clock instead of sleeping.

`CrashingPlans` implements the inbound-plans port around the real adapter: after the call it
is told to crash on, it raises `Crash` (a process dying after Amazon did the work and before
the job recorded it)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.connection import CreateConnection, decide_create
from domain.event_store import EventContext
from domain.marketplaces import Region
from domain.orders.placing import CreateTransferOrder, create_transfer_order
from domain.orders.purchase_order import PurchaseOrder
from domain.save_to_amazon.gateway import InboundPlansGateway, ShipFrom
from domain.save_to_amazon.job import AmazonJob
from domain.streams import StreamKind
from domain.warehouse import (
    CreateWarehouse,
    SetWarehouseAddress,
    WarehouseAddress,
    fba_warehouse_id,
)
from domain.warehouse import decide as decide_warehouse
from functions.amazon_jobs import wiring
from functions.amazon_jobs.runner import JobRunner, JobTuning
from functions.amazon_jobs.session import session_opener
from functions.api.auth import Caller
from functions.api.commands.save_to_amazon import save_purchase_order, save_transfer_order
from functions.api.models.amazon_jobs import SaveToAmazonRequest
from functions.connection_state.placing import PlacingJobs
from functions.shared.adapters.credentials import CredentialStore
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.inbound_plans_gateway import SpApiInboundPlans
from functions.shared.adapters.job_queue import JobQueue
from functions.shared.adapters.spapi_gateway import LwaCredentials, SpApiGateway
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds
from functions.shared.aggregates import Aggregates
from functions.shared.settings import AmazonJobSettings
from infra.local.provision_sync import (
    Queue,
    create_amazon_jobs_queue,
    create_lwa_app_secret,
    put_refresh_token,
)
from infra.local.tables import create_events_table, create_state_table
from infra.simulated_amazon import ControlClient
from tests.support import fresh_name
from tests.sync.harness import AwsClients, OffsetClock

US = "ATVPDKIKX0DER"
ADDRESS = WarehouseAddress(
    name="Main warehouse",
    address_line_1="1 Test Street",
    city="Austin",
    state_or_province_code="TX",
    country_code="US",
    postal_code="78701",
    phone_number="+15125550100",
)
VENDOR_SHIP_FROM = ShipFrom(
    name="Vendor dock",
    address_line_1="9 Factory Road",
    city="Dallas",
    country_code="US",
    postal_code="75201",
    phone_number="+12145550100",
)
# Fast polls: every wait moves the simulated clock, so only the count of polls matters.
TUNING = JobTuning(first_poll_seconds=0.5, max_poll_seconds=2.0)
MAX_RUNS = 60


class Crash(BaseException):
    """The process died (not an error the runner handles)."""


class CrashingPlans:
    """The real inbound plans adapter, dying right after its `crash_after` call returns."""

    def __init__(self, real: InboundPlansGateway, crash_after: str) -> None:
        self._real = real
        self._crash_after = crash_after
        self.crashed = False

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if name != self._crash_after or not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            answer = attribute(*args, **kwargs)
            if not self.crashed:
                self.crashed = True
                raise Crash(f"died after {name}")
            return answer

        return call


@dataclass
class JobWorld:
    aws: AwsClients
    control: ControlClient
    sim_url: str
    clock: OffsetClock = field(default_factory=OffsetClock)

    def __post_init__(self) -> None:
        amazon_now = datetime.fromisoformat(self.control.now())
        self.clock.offset = amazon_now - datetime.now(UTC) + timedelta(seconds=1)
        self.tenant_id = fresh_name("t")
        self.connection_id = fresh_name("c")
        self.seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        seller = self.control.create_seller(self.seller_id, [US])
        self.control.set_operation_duration(self.seller_id, 1.0)
        self.events_table, self.state_table = fresh_name("events"), fresh_name("state")
        create_events_table(self.aws.dynamodb, self.events_table)
        create_state_table(self.aws.dynamodb, self.state_table)
        self.queue: Queue = create_amazon_jobs_queue(self.aws.sqs, fresh_name("jobs"), 30)
        self.app_secret_id = fresh_name("lwa-app")
        self.token_prefix = f"{fresh_name('refresh-token')}/"
        create_lwa_app_secret(self.aws.secrets, self.app_secret_id, "app-id", "app-secret")
        put_refresh_token(
            self.aws.secrets,
            self.token_prefix,
            self.tenant_id,
            self.connection_id,
            seller["refresh_token"],
        )
        self.store = DynamoDBEventStore(self.events_table, self.aws.dynamodb)
        self.aggregates = Aggregates(self.store, RandomIds(), self.clock)
        self.fba = fba_warehouse_id(self.connection_id, US)
        command = CreateConnection(
            connection_id=self.connection_id,
            seller_id=self.seller_id,
            region=Region.NA,
            marketplace_ids=(US,),
        )
        self._save(decide_create(command, None))
        self.deps = wiring.build(
            self.settings,
            self.aws.given(),
            clock=self.clock,
            tuning=TUNING,
            sleep=self.advance,
        )

    @property
    def settings(self) -> AmazonJobSettings:
        return AmazonJobSettings.model_validate(
            {
                "events_table": self.events_table,
                "views_table": "unused",
                "state_table": self.state_table,
                "amazon_jobs_queue_url": self.queue.url,
                "lwa_app_secret_id": self.app_secret_id,
                "refresh_token_secret_prefix": self.token_prefix,
                "spapi_endpoint": self.sim_url,
            }
        )

    def advance(self, seconds: float) -> None:
        """Time passes, at Amazon and for us."""
        self.control.advance_clock(seconds)
        self.clock.advance(seconds=seconds)

    # What the user did before saving

    def own_warehouse(self, address: WarehouseAddress | None = ADDRESS) -> str:
        warehouse_id = fresh_name("wh")
        events = decide_warehouse(CreateWarehouse(warehouse_id=warehouse_id, name="Main"), None)
        if address is not None:
            created = None
            from domain.warehouse import evolve

            for event in events:
                created = evolve(created, event)
            events += decide_warehouse(
                SetWarehouseAddress(warehouse_id=warehouse_id, address=address), created
            )
        self._save({(StreamKind.WAREHOUSE.value, warehouse_id): list(events)})
        return warehouse_id

    def transfer(self, lines: dict[str, int], source: str | None = None) -> tuple[str, str]:
        """A transfer order into the FBA warehouse: (transfer order id, its purchase order id)."""
        from domain.orders.purchase_order import PurchaseLine

        source = source or self.own_warehouse()
        ids = fresh_name("to"), fresh_name("so"), fresh_name("po")
        command = CreateTransferOrder(
            transfer_order_id=ids[0],
            sales_order_id=ids[1],
            purchase_order_id=ids[2],
            source_warehouse_id=source,
            destination_warehouse_id=self.fba,
            lines=tuple(PurchaseLine(sku=sku, quantity=q) for sku, q in lines.items()),
        )
        warehouses = {
            w: self.aggregates.load(self.tenant_id, StreamKind.WAREHOUSE, w).state
            for w in (source, self.fba)
        }
        self._save(create_transfer_order(command, warehouses[source], warehouses[self.fba]))
        return ids[0], ids[2]

    # The save, as the API makes it

    def save_transfer(self, transfer_order_id: str, **body: Any) -> str:
        request = SaveToAmazonRequest.model_validate(
            {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE", **body}
        )
        job = save_transfer_order(
            self.aggregates, self._queue(), self._caller(), transfer_order_id, request
        )
        return job.job_id

    def save_order(self, purchase_order_id: str, **body: Any) -> str:
        request = SaveToAmazonRequest.model_validate(
            {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE", **body}
        )
        job = save_purchase_order(
            self.aggregates, self._queue(), self._caller(), purchase_order_id, request
        )
        return job.job_id

    # Running the job

    def run(self, job_id: str, runner: JobRunner | None = None) -> int:
        """Run the job until it ends, moving Amazon's clock through its waits; the runs made."""
        runner = runner or self.deps.runner
        for runs in range(1, MAX_RUNS + 1):
            wait = runner.run(self.tenant_id, job_id, lambda: 300_000)
            if wait is None:
                return runs
            self.advance(wait)
        raise AssertionError(f"job {job_id} did not end in {MAX_RUNS} runs: {self.job(job_id)}")

    def crashing_runner(self, crash_after: str) -> tuple[JobRunner, list[CrashingPlans]]:
        """A runner whose inbound plans adapter dies after its first `crash_after` call."""
        made: list[CrashingPlans] = []
        settings = self.settings

        def open_plans(credentials: LwaCredentials, region: Region) -> InboundPlansGateway:
            plans = CrashingPlans(
                SpApiInboundPlans(credentials, region, settings.spapi_endpoint), crash_after
            )
            made.append(plans)
            return plans  # type: ignore[return-value]  # the port, by delegation

        def open_reads(credentials: LwaCredentials, region: Region) -> SpApiGateway:
            return SpApiGateway(credentials, region, settings.spapi_endpoint)

        clients = self.aws.given()
        credentials = CredentialStore(
            lambda: clients.secrets,
            settings.lwa_app_secret_id,
            settings.refresh_token_secret_prefix,
        )
        runner = JobRunner(
            self.aggregates,
            session_opener(self.aggregates, credentials, open_plans, open_reads),
            PlacingJobs(StateTable(self.state_table, self.aws.dynamodb)),
            TUNING,
            self.advance,
        )
        return runner, made

    # What there is to see

    def job(self, job_id: str) -> AmazonJob:
        job = self.aggregates.load(self.tenant_id, StreamKind.AMAZON_JOB, job_id).state
        assert job is not None
        return job

    def order(self, purchase_order_id: str) -> PurchaseOrder:
        order = self.aggregates.load(self.tenant_id, StreamKind.PURCHASE_ORDER, purchase_order_id)
        assert order.state is not None
        return order.state

    def plans(self) -> list[dict[str, Any]]:
        return self.control.inbound_plans(self.seller_id)

    def creates(self) -> int:
        """createInboundPlan calls Amazon carried out, for every seller since the last reset."""
        return self.control.calls().get("createInboundPlan", {}).get("served", 0)

    def queued(self) -> list[str]:
        received = self.aws.sqs.receive_message(
            QueueUrl=self.queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        return [m["Body"] for m in received.get("Messages", [])]

    # Plumbing

    def _queue(self) -> JobQueue:
        return JobQueue(lambda: self.aws.sqs, self.queue.url)

    def _caller(self) -> Caller:
        return Caller(tenant_id=self.tenant_id, actor="user:test", correlation_id=fresh_name("r"))

    def _save(self, decision: Any) -> None:
        context = EventContext(
            tenant_id=self.tenant_id,
            actor="user:test",
            correlation_id=fresh_name("setup"),
            occurred_at=self.clock.now(),
        )
        self.aggregates.save(context, decision, {})
