"""Sync worker: one connection per job from the FIFO sync queue, partial batch failures."""

from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.connection_state.sync_jobs import SyncJob
from functions.shared.invocation_log import log_invocation
from functions.sync import wiring
from functions.sync.observability import logger, metrics

# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])
# A failed job fails only the later jobs of its own connection, keeping each group in order.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def handle(event: dict[str, Any], context: LambdaContext, deps: wiring.Deps) -> dict[str, Any]:
    def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> None:
        job = SyncJob.model_validate_json(record.body)
        logger.thread_safe_append_keys(tenant_id=job.tenant_id, connection_id=job.connection_id)
        deps.sync.run(job, lambda_context.get_remaining_time_in_millis)

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
