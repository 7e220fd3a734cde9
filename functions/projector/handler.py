"""Projector Lambda: the event store's stream in, the views table kept up to date.

The batch is projected as a whole (each stream's doc read and written once, see
`projector.py`); Powertools then reports, record by record, those whose event was not applied,
so that Lambda delivers them (and what follows them) again.
"""

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

from domain.event_store import RecordedEvent
from functions.projector import wiring
from functions.shared.adapters.stream_records import decode
from functions.shared.invocation_log import log_invocation

logger = Logger()
# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def handle(event: dict[str, Any], context: LambdaContext, deps: wiring.Deps) -> dict[str, Any]:
    raw_records: list[dict[str, Any]] = event.get("Records", [])
    failures: dict[int, Exception] = {}  # by id() of the raw record
    decoded: list[tuple[int, RecordedEvent]] = []
    for raw in raw_records:
        try:
            decoded.append((id(raw), decode(DynamoDBRecord(raw))))
        except Exception as error:  # a record that cannot be read fails alone
            failures[id(raw)] = error
    try:
        outcome = deps.projector.project_batch([recorded for _, recorded in decoded])
    except Exception as error:  # unexpected: every record fails, and is delivered again
        logger.exception("the batch could not be projected")
        failures.update({raw_id: error for raw_id, _ in decoded})
    else:
        for position, why in outcome.failures.items():
            failures[decoded[position][0]] = why
        for stream_id in outcome.filled_gaps:
            logger.info("gap filled from the log", stream_id=str(stream_id))

    def record_handler(record: DynamoDBRecord) -> None:
        failure = failures.get(id(record.raw_event))
        if failure is not None:
            raise failure

    return dict(process_partial_response(event, record_handler, processor, context))


@log_invocation(logger)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = handle(event, context, wiring.deps())
    failed = len(response.get("batchItemFailures", []))
    metrics.add_metric(name="RecordsProjected", unit=MetricUnit.Count, value=len(event["Records"]))
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=failed)
    return response
