"""Stream consumers of the event store: the projector (views) and the reactor (policies).

Both see only INSERTs (the log is append-only), report partial batch failures, split a failing
batch to isolate the poison record, retry a bounded number of times and then park the batch's
coordinates on their own DLQ, so one bad event never stalls a shard for long.
"""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.reactor.amazon_adjustments import STOCK_DRIFT_PERSISTED
from functions.shared.settings import StoreSettings
from infra.constructs.backbone import Backbone
from infra.constructs.dynamodb import grant
from infra.constructs.function import FunctionSpec, ServiceFunction, environment_for
from infra.constructs.queues import dead_letter_queue

STREAM_RETRY_ATTEMPTS = 5
# Past this age a record is parked rather than retried: views repair their gaps from the log.
STREAM_MAX_RECORD_AGE = Duration.hours(6)
STREAM_BATCH_SIZE = 50


class Projections(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, backbone: Backbone) -> None:
        super().__init__(scope, construct_id)
        environment = environment_for(StoreSettings, backbone.environment())

        self.projector, self.projector_dead_letters = self._consumer(
            backbone,
            "Projector",
            FunctionSpec(
                service="projector",
                handler="functions.projector.handler.lambda_handler",
                description="Projects new events into the views table",
                memory_mb=512,
                timeout=Duration.minutes(1),
                environment=environment,
            ),
        )
        backbone.event_store.grant_read(self.projector.role)  # to fill gaps from the log
        backbone.views.grant_project(self.projector.role)

        self.reactor, self.reactor_dead_letters = self._consumer(
            backbone,
            "Reactor",
            FunctionSpec(
                service="reactor",
                handler="functions.reactor.handler.lambda_handler",
                description="Turns new events into commands (auto-receive, compensation)",
                memory_mb=512,
                timeout=Duration.minutes(1),
                environment=environment,
            ),
        )
        # It loads the orders a shipment observation concerns and appends what they decide; it
        # keeps no state of its own (`functions/reactor/wiring.py`) and reads the Save-to-Amazon
        # jobs' placing markers (one Query before importing a shipment) and, for Amazon's
        # reports, a stock row, its ledger and the FBA inventory stream's doc (never an index).
        backbone.event_store.grant_read(self.reactor.role)
        backbone.event_store.grant_append(self.reactor.role)
        backbone.state.grant_state(self.reactor.role, "Query")
        grant(self.reactor.role, backbone.views.table, ("GetItem", "Query"))
        # Persisted drift between our stock and Amazon's (`functions/reactor/amazon_adjustments`),
        # as Powertools publishes it: the function's namespace, its service as the dimension.
        self.drift_persisted = cw.Metric(
            namespace=backbone.powertools.metrics_namespace,
            metric_name=STOCK_DRIFT_PERSISTED,
            dimensions_map={"service": "reactor"},
            statistic="Sum",
            period=Duration.minutes(5),
        )

    def _consumer(
        self, backbone: Backbone, name: str, spec: FunctionSpec
    ) -> tuple[ServiceFunction, sqs.Queue]:
        consumer = backbone.function(self, name, spec)
        dead_letters = dead_letter_queue(self, f"{name}DeadLetters")
        consumer.function.add_event_source(
            sources.DynamoEventSource(
                backbone.event_store.table,
                # Start from the oldest record still in the stream: nothing written between
                # table and mapping creation is skipped.
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=STREAM_MAX_RECORD_AGE,
                on_failure=sources.SqsDlq(dead_letters),
                filters=[
                    lambda_.FilterCriteria.filter(
                        {"eventName": lambda_.FilterRule.is_equal("INSERT")}
                    )
                ],
            )
        )
        return consumer, dead_letters
