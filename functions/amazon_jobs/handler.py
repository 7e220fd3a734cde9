"""Save-to-Amazon jobs (standard SQS queue, partial batch failures): each message runs its job
until the job ends or must wait; a job that waits is queued again with that delay."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.amazon_jobs import wiring
from functions.shared.adapters.job_queue import JobMessage
from functions.shared.invocation_log import log_invocation

logger = Logger()
# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def handle(event: dict[str, Any], context: LambdaContext, deps: wiring.Deps) -> dict[str, Any]:
    def record_handler(record: SQSRecord) -> None:
        message = JobMessage.model_validate_json(record.body)
        logger.append_keys(tenant_id=message.tenant_id, job_id=message.job_id)
        wait = deps.runner.run(
            message.tenant_id, message.job_id, context.get_remaining_time_in_millis
        )
        if wait is not None:
            deps.queue.submit(message, delay_seconds=wait)
            logger.info("job waits", seconds=wait)

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
