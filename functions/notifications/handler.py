"""SP-API notifications consumer (standard SQS queue, partial batch failures)."""

from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notifications import observability, wiring
from functions.notifications.envelope import MalformedNotification
from functions.notifications.observability import logger, metrics
from functions.shared.invocation_log import log_invocation

# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])
processor = BatchProcessor(event_type=EventType.SQS)


def handle(event: dict[str, Any], context: LambdaContext, deps: wiring.Deps) -> dict[str, Any]:
    def record_handler(record: SQSRecord) -> None:
        try:
            result = deps.consumer.handle(record.body)
        except MalformedNotification as problem:
            observability.malformed(str(problem), record.message_id)
            raise
        observability.report(result)

    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )


@log_invocation(logger)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, wiring.deps())
