"""Alarms on what needs a human (a parked message, a lagging stream, a failing sync, throttling)
published to one SNS topic, and a dashboard of the main figures."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.function import ServiceFunction

PERIOD = Duration.minutes(5)
# A stream consumer this far behind is not keeping up (or is stuck retrying a poison batch).
ITERATOR_AGE_THRESHOLD = Duration.minutes(5)
DRIFT_RUNBOOK = (
    "Our stock and Amazon's differed past two reads of Amazon's inventory. On hand was "
    "adjusted to Amazon's figure (amazon_adjustment in GET /stock/ledger, with both figures); "
    "inbound never is. Check GET /stock/drift?warehouse_id= for the SKUs, then the shipments, "
    "receipts and orders of those SKUs in Seller Central (lost, damaged or found units, a "
    "shipment not reconciled). See infra/README.md, Runbook."
)


@dataclass(frozen=True)
class Watched:
    functions: Sequence[ServiceFunction]
    dead_letter_queues: Mapping[str, sqs.IQueue]  # name -> queue
    stream_consumers: Sequence[ServiceFunction]
    sync_worker: ServiceFunction
    work_queues: Mapping[str, sqs.IQueue]
    rest_api: apigw.RestApi
    # Our stock and Amazon's differing past two reads (`functions/reactor/amazon_adjustments`)
    drift_persisted: cw.IMetric | None = None


class Observability(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, watched: Watched, alarm_email: str | None
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: dict[str, cw.Alarm] = {}

        for name, queue in watched.dead_letter_queues.items():
            depth = queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"
            )
            self._alarm(f"DeadLetters-{name}", depth, 0, f"Messages parked on the {name} DLQ")
        for consumer in watched.stream_consumers:
            age = consumer.function.metric("IteratorAge", period=PERIOD, statistic="Maximum")
            limit = ITERATOR_AGE_THRESHOLD.to_milliseconds()
            service = consumer.spec.service
            self._alarm(f"IteratorAge-{service}", age, limit, f"{service} lags behind the log")
        errors = watched.sync_worker.function.metric_errors(period=PERIOD, statistic="Sum")
        self._alarm("SyncWorkerErrors", errors, 0, "Sync worker invocations failed")
        for function in watched.functions:
            throttles = function.function.metric_throttles(period=PERIOD, statistic="Sum")
            service = function.spec.service
            self._alarm(f"Throttles-{service}", throttles, 0, f"{service} was throttled")
        if watched.drift_persisted is not None:
            self._alarm("StockDriftPersisted", watched.drift_persisted, 0, DRIFT_RUNBOOK)

        self.dashboard = cw.Dashboard(self, "Dashboard")
        self.dashboard.add_widgets(*_widgets(watched))

    def _alarm(self, name: str, metric: cw.IMetric, above: float, description: str) -> None:
        alarm = cw.Alarm(
            self,
            name,
            metric=metric,
            threshold=above,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            # No data means nothing failed (no throttles, no DLQ messages reported).
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        alarm.add_ok_action(cw_actions.SnsAction(self.topic))
        self.alarms[name] = alarm


def _graph(title: str, metrics: Sequence[cw.IMetric]) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(metrics), width=8)


def _widgets(watched: Watched) -> list[cw.IWidget]:
    api = watched.rest_api
    functions = watched.functions
    return [
        _graph("API requests", [api.metric_count(period=PERIOD)]),
        _graph(
            "API errors",
            [api.metric_client_error(period=PERIOD), api.metric_server_error(period=PERIOD)],
        ),
        _graph("API latency p90", [api.metric_latency(period=PERIOD, statistic="p90")]),
        _graph("Function errors", [f.function.metric_errors(period=PERIOD) for f in functions]),
        _graph(
            "Function throttles", [f.function.metric_throttles(period=PERIOD) for f in functions]
        ),
        _graph(
            "Function duration p90",
            [f.function.metric_duration(period=PERIOD, statistic="p90") for f in functions],
        ),
        _graph(
            "Queue depth",
            [
                q.metric_approximate_number_of_messages_visible(period=PERIOD)
                for q in watched.work_queues.values()
            ],
        ),
        _graph(
            "Oldest message age",
            [
                q.metric_approximate_age_of_oldest_message(period=PERIOD)
                for q in watched.work_queues.values()
            ],
        ),
        _graph(
            "Dead letters",
            [
                q.metric_approximate_number_of_messages_visible(period=PERIOD)
                for q in watched.dead_letter_queues.values()
            ],
        ),
        _graph(
            "Stream iterator age",
            [
                c.function.metric("IteratorAge", period=PERIOD, statistic="Maximum")
                for c in watched.stream_consumers
            ],
        ),
        _graph(
            "Sync worker",
            [
                watched.sync_worker.function.metric_invocations(period=PERIOD),
                watched.sync_worker.function.metric_errors(period=PERIOD),
            ],
        ),
    ]
