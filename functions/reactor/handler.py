"""Reactor Lambda: the event store's stream in, follow-up commands appended to the log."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.reactor import wiring
from functions.shared.adapters.stream_records import decode
from functions.shared.invocation_log import log_invocation

logger = Logger()
# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def handle(event: dict[str, Any], context: LambdaContext, deps: wiring.Deps) -> dict[str, Any]:
    def record_handler(record: DynamoDBRecord) -> None:
        recorded = decode(record)
        decision = deps.react(recorded)
        if decision:
            logger.info("reacted", cause=recorded.event_id, streams=[k[1] for k in decision])

    return dict(process_partial_response(event, record_handler, processor, context))


@log_invocation(logger)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = handle(event, context, wiring.deps())
    failed = len(response.get("batchItemFailures", []))
    metrics.add_metric(name="RecordsReacted", unit=MetricUnit.Count, value=len(event["Records"]))
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=failed)
    return response
