"""The sync's logger and metrics (Powertools), and what each invocation reports to CloudWatch."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from functions.connection_state.status import QuarantinedRecord, RunCounters, RunOutcome

NAMESPACE = "FbaInbound"

# Service names come from POWERTOOLS_SERVICE_NAME (sync-worker, sync-dispatcher).
logger = Logger()
metrics = Metrics(namespace=NAMESPACE)


class SyncMetrics:
    def __init__(self, sink: Metrics = metrics) -> None:
        self._sink = sink

    def quarantined(self, record: QuarantinedRecord) -> None:
        self._sink.add_metric(name="QuarantinedRecords", unit=MetricUnit.Count, value=1)
        logger.warning(
            "quarantined a malformed Amazon record",
            extra={"record": record.model_dump()},
        )

    def invocation_finished(
        self, outcome: RunOutcome, before: RunCounters, after: RunCounters
    ) -> None:
        """What this invocation did: the counters' growth since it started."""
        deltas = {
            "SpApiCalls": sum(after.calls.values()) - sum(before.calls.values()),
            "SpApiThrottled": sum(after.throttled.values()) - sum(before.throttled.values()),
            "SpApiRetriedErrors": sum(after.retried_errors.values())
            - sum(before.retried_errors.values()),
            "ShipmentsSeen": after.shipments_seen - before.shipments_seen,
            "EventsAppended": after.events_appended - before.events_appended,
            "SalesReportsRequested": after.reports_requested - before.reports_requested,
            "SalesReportsDropped": after.reports_dropped - before.reports_dropped,
            "AmazonOrdersRecorded": after.orders_recorded - before.orders_recorded,
            "AmazonReturnsRecorded": after.returns_recorded - before.returns_recorded,
            "AmazonInventoryReported": after.inventory_reported - before.inventory_reported,
        }
        for name, value in deltas.items():
            self._sink.add_metric(name=name, unit=MetricUnit.Count, value=value)
        self._sink.add_metric(
            name=f"SyncRuns{outcome.value.title().replace('_', '')}", unit=MetricUnit.Count, value=1
        )
