"""Save to Amazon: the queue of jobs and the function that runs them (Fulfillment Inbound
v2024-03-20). A job waits for Amazon by queueing itself again with a delay."""

from aws_cdk import Duration
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from functions.shared.settings import AMAZON_JOBS_QUEUE_URL, AmazonJobSettings
from infra.constructs.backbone import Backbone
from infra.constructs.function import FunctionSpec, environment_for
from infra.constructs.queues import dead_letter_queue, grant_send, queue, redrive_to

RUNNER_TIMEOUT = Duration.minutes(5)
SP_API_AUTH_CACHE_SIZE = "1000"


class AmazonJobs(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, backbone: Backbone) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = dead_letter_queue(self, "DeadLetters")
        self.queue = queue(
            self,
            "Jobs",
            visibility_timeout=Duration.seconds(RUNNER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=redrive_to(self.dead_letter_queue),
        )
        environment = environment_for(
            AmazonJobSettings,
            {**backbone.environment(), AMAZON_JOBS_QUEUE_URL: self.queue.queue_url},
        )
        self.runner = backbone.function(
            self,
            "Runner",
            FunctionSpec(
                service="amazon-jobs",
                handler="functions.amazon_jobs.handler.lambda_handler",
                description="Saves orders to Amazon: inbound plans, placement, binding",
                memory_mb=512,
                timeout=RUNNER_TIMEOUT,
                environment={**environment, "SP_API_AUTH_CACHE_SIZE": SP_API_AUTH_CACHE_SIZE},
            ),
        )
        backbone.event_store.grant_read(self.runner.role)
        backbone.event_store.grant_append(self.runner.role)
        # The placing markers (put, delete) the reactor reads.
        backbone.state.grant_state(self.runner.role, "GetItem", "Query", "PutItem", "DeleteItem")
        grant_send(self.queue, self.runner.role)  # a job that waits queues itself again
        backbone.credentials.grant_read_lwa_app(self.runner.role)
        backbone.credentials.grant_read_refresh_tokens(self.runner.role)
        self.runner.function.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=1, report_batch_item_failures=True)
        )
