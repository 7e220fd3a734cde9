"""Sync dispatcher (EventBridge schedule): one sync job per registered connection."""

from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.sync_jobs import SyncJob, SyncReason
from functions.sync.observability import logger, metrics
from functions.sync.wiring import dependencies

tracer = Tracer()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    deps = dependencies()
    now = deps.clock.now()
    connections = deps.registry.connections()
    for connection in connections:
        deps.enqueue(
            SyncJob(
                tenant_id=connection.tenant_id,
                connection_id=connection.connection_id,
                reason=SyncReason.SCHEDULE,
                requested_at=now,
                correlation_id=deps.ids.new_id(),
            )
        )
    metrics.add_metric(name="SyncJobsScheduled", unit=MetricUnit.Count, value=len(connections))
    logger.info("scheduled sync jobs", extra={"connections": len(connections)})
    return {"enqueued": len(connections)}
