"""The sync: a schedule fans out one job per connection onto a FIFO queue (message group =
connection, so one connection is never synced twice at once); the worker runs the jobs."""

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.shared.settings import SyncSettings
from infra.constructs.backbone import Backbone
from infra.constructs.function import FunctionSpec, environment_for
from infra.constructs.queues import dead_letter_queue, grant_send, queue, redrive_to

WORKER_TIMEOUT = Duration.minutes(5)
# SP-API's access-token cache holds 10 sellers by default; a warm worker serves many more.
SP_API_AUTH_CACHE_SIZE = "1000"


@dataclass(frozen=True)
class SyncOptions:
    schedule: str = "rate(15 minutes)"
    batch_size: int = 1  # a job may need the whole 15 minutes of one invocation

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 10:  # SQS FIFO event sources take at most 10
            raise ValueError(f"sync batch size must be 1..10, got {self.batch_size}")


class Sync(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, backbone: Backbone, options: SyncOptions
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = dead_letter_queue(self, "DeadLetters", fifo=True)
        self.queue = queue(
            self,
            "Jobs",
            fifo=True,
            # Senders set MessageDeduplicationId themselves: two jobs with the same body sent
            # for different reasons (schedule, notification, re-enqueue) must both run.
            content_based_deduplication=False,
            # High-throughput FIFO: ordering and dedup are per connection, not queue-wide.
            deduplication_scope=sqs.DeduplicationScope.MESSAGE_GROUP,
            fifo_throughput_limit=sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
            # AWS guidance for Lambda consumers: six times the function timeout.
            visibility_timeout=Duration.minutes(WORKER_TIMEOUT.to_minutes() * 6),
            dead_letter_queue=redrive_to(self.dead_letter_queue),
        )
        environment = environment_for(SyncSettings, backbone.environment(self.queue))

        self.dispatcher = backbone.function(
            self,
            "Dispatcher",
            FunctionSpec(
                service="sync-dispatcher",
                handler="functions.sync.dispatcher.lambda_handler",
                description="Enqueues one sync job per active seller connection",
                timeout=Duration.minutes(1),
                environment=environment,
            ),
        )
        # It reads the registry of connections (one Query) and enqueues: no views, no writes.
        # Reads the registry; claims each connection's waiting-job marker (pending.py).
        backbone.state.grant_state(
            self.dispatcher.role, "GetItem", "Query", "PutItem", "DeleteItem"
        )
        grant_send(self.queue, self.dispatcher.role)
        self.schedule = events.Rule(
            self,
            "Schedule",
            schedule=events.Schedule.expression(options.schedule),
            # A missed tick is made up by the next one; don't pile retries onto it.
            targets=[targets.LambdaFunction(self.dispatcher.function, retry_attempts=2)],
        )

        self.worker = backbone.function(
            self,
            "Worker",
            FunctionSpec(
                service="sync-worker",
                handler="functions.sync.worker.lambda_handler",
                description="Syncs one seller connection's inbound shipments from SP-API",
                memory_mb=1024,
                timeout=WORKER_TIMEOUT,
                environment={**environment, "SP_API_AUTH_CACHE_SIZE": SP_API_AUTH_CACHE_SIZE},
            ),
        )
        backbone.event_store.grant_read(self.worker.role)
        backbone.event_store.grant_append(self.worker.role)
        # Checkpoints, cursors, rate-limit buckets, the backfill spool, the watch index, the
        # registries and the sync status: gets, queries, puts and deletes.
        backbone.state.grant_state(self.worker.role, "GetItem", "Query", "PutItem", "DeleteItem")
        grant_send(self.queue, self.worker.role)  # re-enqueue when time runs short
        backbone.credentials.grant_read_lwa_app(self.worker.role)
        backbone.credentials.grant_read_refresh_tokens(self.worker.role)
        self.worker.function.add_event_source(
            sources.SqsEventSource(
                self.queue, batch_size=options.batch_size, report_batch_item_failures=True
            )
        )
