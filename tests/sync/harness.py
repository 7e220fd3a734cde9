"""A seller on the simulated Amazon, a connection in a fresh event store on moto, and the real
worker handler fed from a real (moto) FIFO queue the way Lambda's SQS event source feeds it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from domain.connection import (
    ChangeConnectionSettings,
    CreateConnection,
    Reauthorize,
    decide,
    decide_create,
)
from domain.event_store import EventContext, RecordedEvent
from domain.marketplaces import Region
from domain.orders.transfer import ReconcileShipment, destination_of, reconcile
from domain.streams import StreamId, StreamKind
from domain.warehouse import fbm_warehouse_id
from functions.connection_state.enqueue import enqueue_sync
from functions.connection_state.status import SyncStatus, SyncStatusReader
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.aws_clients import AwsClients as FunctionClients
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds
from functions.shared.aggregates import Aggregates
from functions.shared.settings import SyncSettings
from functions.shared.tables import STATE_PK, STATE_SK, STATE_TTL
from functions.sync import dispatcher, wiring, worker
from functions.sync.engine.checkpoint import CheckpointStore
from functions.sync.engine.settings import SyncTuning
from functions.sync.observability import metrics
from infra.local.provision_sync import (
    Queue,
    create_lwa_app_secret,
    create_notifications_queue,
    create_sync_queue,
    put_refresh_token,
)
from infra.local.tables import create_events_table, create_state_table
from infra.simulated_amazon import ControlClient
from tests.support import fresh_name

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
REGION = "us-east-1"
SIM_RATE_SCALE = 100.0
# The simulator runs 100x Amazon's rates: so do our buckets, and backoffs stay short.
FAST_TUNING = SyncTuning(
    rate_scale=SIM_RATE_SCALE,
    reserve_seconds=1.0,
    call_seconds=5.0,
    max_backoff_seconds=0.2,
    secret_max_age_seconds=300,
    # The shipment tests count shipment calls: the sales and inventory tests turn these on.
    sales_reads=False,
    inventory_summaries_minutes=None,
)


class OffsetClock:
    """Real time moved by an offset: the simulator's (shared, pushed forward by tests), so
    that our "now" is Amazon's."""

    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class FakeLambdaContext:
    """What Powertools and the worker read from a Lambda context. With `checks_until_timeout`,
    the remaining time drops to zero after that many looks (about one per SP-API call)."""

    function_name = "sync-worker"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:sync-worker"

    def __init__(self, remaining_ms: int = 900_000, checks_until_timeout: int | None = None):
        self.aws_request_id = str(uuid.uuid4())
        self._remaining_ms = remaining_ms
        self._checks_left = checks_until_timeout
        self.checks = 0

    def get_remaining_time_in_millis(self) -> int:
        self.checks += 1
        if self._checks_left is not None:
            self._checks_left -= 1
            if self._checks_left < 0:
                return 0
        return self._remaining_ms


@dataclass
class AwsClients:
    endpoint: str

    def __post_init__(self) -> None:
        kwargs = {"region_name": REGION, "endpoint_url": self.endpoint}
        self.dynamodb: Any = boto3.client("dynamodb", **kwargs)
        self.sqs: Any = boto3.client("sqs", **kwargs)
        self.secrets: Any = boto3.client("secretsmanager", **kwargs)

    def given(self) -> FunctionClients:
        """These clients, as a function's composition root takes them."""
        return FunctionClients(self.dynamodb, self.sqs, self.secrets)


@dataclass
class SyncWorld:
    aws: AwsClients
    control: ControlClient
    sim_url: str
    marketplace_ids: list[str] = field(default_factory=lambda: [US])
    tuning: SyncTuning = FAST_TUNING
    watch_window_days: int = 60
    clock: OffsetClock = field(default_factory=OffsetClock)
    sleep: Callable[[float], None] | None = None
    wall_time: Callable[[], float] | None = None
    # With a notifications queue, the connection's first sync subscribes Amazon's inventory
    # changes there (three more SP-API calls), as it does deployed.
    notify: bool = False

    @property
    def control_url(self) -> str:
        return str(self.control._http.base_url).rstrip("/")

    def __post_init__(self) -> None:
        # Amazon's clock may run ahead (tests advance it): so does ours, by as much, plus a
        # second for the time it took to ask.
        amazon_now = datetime.fromisoformat(self.control.now())
        self.clock.offset = amazon_now - datetime.now(UTC) + timedelta(seconds=1)
        self.tenant_id = fresh_name("t")
        self.connection_id = fresh_name("c")
        self.seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        seller = self.control.create_seller(self.seller_id, self.marketplace_ids)
        self.refresh_token: str = seller["refresh_token"]
        self.events_table, self.state_table = fresh_name("events"), fresh_name("state")
        create_events_table(self.aws.dynamodb, self.events_table)
        create_state_table(self.aws.dynamodb, self.state_table)
        self.queue: Queue = create_sync_queue(self.aws.sqs, fresh_name("sync"), 30)
        self.notifications: Queue | None = (
            create_notifications_queue(self.aws.sqs, fresh_name("notifications"))
            if self.notify
            else None
        )
        self.app_secret_id = fresh_name("lwa-app")
        self.token_prefix = f"{fresh_name('refresh-token')}/"
        create_lwa_app_secret(self.aws.secrets, self.app_secret_id, "app-id", "app-secret")
        self.set_refresh_token(self.refresh_token)
        self.store = DynamoDBEventStore(self.events_table, self.aws.dynamodb)
        self.state = StateTable(self.state_table, self.aws.dynamodb)
        self._create_connection()
        self.configure()

    @property
    def settings(self) -> SyncSettings:
        return SyncSettings.model_validate(
            {
                "events_table": self.events_table,
                "views_table": "unused",
                "state_table": self.state_table,
                "sync_queue_url": self.queue.url,
                "lwa_app_secret_id": self.app_secret_id,
                "refresh_token_secret_prefix": self.token_prefix,
                "spapi_endpoint": self.sim_url,
                "notifications_queue_arn": self.notifications.arn if self.notifications else None,
            }
        )

    def configure(self, **tuning: Any) -> None:
        """Hand the worker its dependencies (what Lambda builds from the environment)."""
        if tuning:
            self.tuning = self.tuning.model_copy(update=tuning)
        self.deps = wiring.build(
            self.settings,
            self.tuning,
            self.aws.given(),
            clock=self.clock,
            **({"sleep": self.sleep} if self.sleep else {}),
            **({"wall_time": self.wall_time} if self.wall_time else {}),
        )

    @property
    def subscription_id(self) -> str | None:
        """The connection's inventory notifications subscription, once a sync made it."""
        return (
            CheckpointStore(self.state, timedelta(hours=1))
            .cursor(self.tenant_id, self.connection_id)
            .inventory_subscription_id
        )

    def advance(self, seconds: float) -> None:
        """Time passes, at Amazon and for us."""
        self.control.advance_clock(seconds)
        self.clock.advance(seconds=seconds)

    def set_refresh_token(self, token: str) -> None:
        put_refresh_token(
            self.aws.secrets, self.token_prefix, self.tenant_id, self.connection_id, token
        )

    def _create_connection(self) -> None:
        command = CreateConnection(
            connection_id=self.connection_id,
            seller_id=self.seller_id,
            region=Region.NA,
            marketplace_ids=tuple(self.marketplace_ids),
        )
        decision = decide_create(command, None)
        self._aggregates().save(self._user_context("setup"), decision, {})

    def _aggregates(self) -> Aggregates:
        return Aggregates(self.store, RandomIds(), self.clock)

    def _user_context(self, correlation_id: str) -> EventContext:
        return EventContext(
            tenant_id=self.tenant_id,
            actor="user:test",
            correlation_id=correlation_id,
            occurred_at=self.clock.now(),
        )

    # What the user does through the API, appended the way the API appends it

    def set_watch_window(self, days: int) -> None:
        aggregates = self._aggregates()
        loaded = aggregates.load(self.tenant_id, StreamKind.CONNECTION, self.connection_id)
        command = ChangeConnectionSettings(connection_id=self.connection_id, watch_window_days=days)
        key = (StreamKind.CONNECTION.value, self.connection_id)
        events = decide(command, loaded.state)
        aggregates.save(self._user_context("settings"), {key: events}, {key: loaded.version})

    def reauthorize(self, token: str) -> None:
        """What PUT /connections/{id}/credentials does once LWA honoured the token."""
        self.set_refresh_token(token)
        aggregates = self._aggregates()
        loaded = aggregates.load(self.tenant_id, StreamKind.CONNECTION, self.connection_id)
        key = (StreamKind.CONNECTION.value, self.connection_id)
        events = decide(Reauthorize(connection_id=self.connection_id), loaded.state)
        aggregates.save(self._user_context("reauthorize"), {key: events}, {key: loaded.version})

    def reconcile(self, shipment_id: str) -> None:
        """Reconcile the shipment into a transfer from the connection's FBM warehouse."""
        aggregates = self._aggregates()
        shipment = aggregates.load(self.tenant_id, StreamKind.SHIPMENT, shipment_id)
        source = aggregates.load(
            self.tenant_id, StreamKind.WAREHOUSE, fbm_warehouse_id(self.connection_id)
        )
        destination = aggregates.load(
            self.tenant_id, StreamKind.WAREHOUSE, destination_of(shipment.state)
        )
        command = ReconcileShipment(
            shipment_id=shipment_id,
            source_warehouse_id=source.state.warehouse_id,
            transfer_order_id=f"to-{shipment_id}",
            sales_order_id=f"so-{shipment_id}",
            purchase_order_id=f"po-{shipment_id}",
        )
        decision = reconcile(command, shipment.state, source.state, destination.state)
        key = (StreamKind.SHIPMENT.value, shipment_id)
        aggregates.save(self._user_context("reconcile"), decision, {key: shipment.version})

    def expire_state_items(self) -> int:
        """Delete the state items whose TTL has passed, as DynamoDB does (moto does not);
        returns how many."""
        now, expired = int(self.clock.now().timestamp()), 0
        for page in self.aws.dynamodb.get_paginator("scan").paginate(TableName=self.state_table):
            for item in page["Items"]:
                if STATE_TTL in item and int(item[STATE_TTL]["N"]) < now:
                    key = {STATE_PK: item[STATE_PK], STATE_SK: item[STATE_SK]}
                    self.aws.dynamodb.delete_item(TableName=self.state_table, Key=key)
                    expired += 1
        return expired

    # Driving the worker

    def job(self, reason: SyncReason = SyncReason.ON_DEMAND, **fields: Any) -> SyncJob:
        return SyncJob(
            tenant_id=self.tenant_id,
            connection_id=self.connection_id,
            reason=reason,
            requested_at=self.clock.now(),
            **fields,
        )

    def sync(
        self,
        job: SyncJob | None = None,
        context: Callable[[], FakeLambdaContext] = FakeLambdaContext,
    ) -> list[dict[str, Any]]:
        """Queue a job and feed the queue to the worker until it is empty (continuations too)."""
        enqueue_sync(self.aws.sqs, self.queue.url, job or self.job())
        return self.drain(context)

    def handle(self, job: SyncJob, context: FakeLambdaContext) -> dict[str, Any]:
        """Hand the worker a job directly, as if SQS had delivered it (the queue is untouched)."""
        message = {
            "MessageId": f"direct-{uuid.uuid4().hex[:8]}",
            "ReceiptHandle": "direct",
            "Body": job.model_dump_json(),
            "Attributes": {"MessageGroupId": job.message_group_id, "SequenceNumber": "1"},
            "MD5OfBody": "",
        }
        return self._invoke(sqs_event([message], self.queue.arn), context)

    def _invoke(self, event: dict[str, Any], context: FakeLambdaContext) -> dict[str, Any]:
        """The worker's handler with this world's dependencies, flushing metrics as Lambda's
        decorator does."""
        try:
            return worker.handle(event, context, self.deps)  # type: ignore[arg-type]
        finally:
            metrics.flush_metrics()

    def deliver_job(self, job: SyncJob, context: FakeLambdaContext) -> dict[str, Any]:
        """Queue one job and hand it (alone) to the worker."""
        enqueue_sync(self.aws.sqs, self.queue.url, job)
        return self.deliver(self.receive(), context)

    def drain(
        self, context: Callable[[], FakeLambdaContext] = FakeLambdaContext, max_batches: int = 50
    ) -> list[dict[str, Any]]:
        answers = []
        for _ in range(max_batches):
            messages = self.receive()
            if not messages:
                return answers
            answers.append(self.deliver(messages, context()))
        raise AssertionError("the queue never emptied")

    def scheduled(self) -> int:
        """The schedule's tick through the dispatcher, then every queued job run: how many
        jobs it queued."""
        deps = dispatcher.build(self.settings, self.aws.given(), clock=self.clock)
        answer = dispatcher.handle({"source": "aws.events"}, FakeLambdaContext(), deps)  # type: ignore[arg-type]
        self.drain()
        return int(answer["enqueued"])

    def receive(self) -> list[dict[str, Any]]:
        return list(
            self.aws.sqs.receive_message(
                QueueUrl=self.queue.url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
        )

    def deliver(self, messages: list[dict[str, Any]], context: FakeLambdaContext) -> dict[str, Any]:
        """Call the handler with a Lambda SQS event; delete what succeeded, as Lambda does."""
        try:
            answer = self._invoke(sqs_event(messages, self.queue.arn), context)
        except Exception as error:  # every record failed: Powertools raises, Lambda retries all
            answer = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
            answer["error"] = repr(error)
        except BaseException:  # the invocation died: SQS redelivers after the visibility timeout
            self._redeliver(messages)
            raise
        failed = {failure["itemIdentifier"] for failure in answer["batchItemFailures"]}
        self._redeliver([m for m in messages if m["MessageId"] in failed])
        for message in messages:
            if message["MessageId"] not in failed:
                self.aws.sqs.delete_message(
                    QueueUrl=self.queue.url, ReceiptHandle=message["ReceiptHandle"]
                )
        return answer

    def _redeliver(self, messages: list[dict[str, Any]]) -> None:
        """At once, rather than after the visibility timeout."""
        for message in messages:
            self.aws.sqs.change_message_visibility(
                QueueUrl=self.queue.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )

    # Reading what happened

    def streams(self) -> dict[str, list[RecordedEvent]]:
        """Every shipment stream of the tenant, by shipment id."""
        streams: dict[str, list[RecordedEvent]] = {}
        for recorded in self.store.read_all():
            sid = recorded.stream_id
            if sid.tenant_id == self.tenant_id and sid.kind is StreamKind.SHIPMENT:
                streams.setdefault(sid.entity_id, []).append(recorded)
        return streams

    def stream(self, shipment_id: str) -> list[RecordedEvent]:
        return self.store.read(
            StreamId(tenant_id=self.tenant_id, kind=StreamKind.SHIPMENT, entity_id=shipment_id)
        )

    def event_count(self) -> int:
        return sum(len(events) for events in self.streams().values())

    def status(self) -> SyncStatus:
        status = SyncStatusReader(self.state_table, self.aws.dynamodb).get(
            self.tenant_id, self.connection_id
        )
        assert status is not None, "the worker recorded no sync status"
        return status


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }
