"""SP-API notifications: Amazon's notifications account sends to our queue; the consumer records
snapshots and asks for targeted syncs."""

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.notifications.settings import NotificationsSettings
from infra.constructs.backbone import Backbone
from infra.constructs.function import FunctionSpec, environment_for
from infra.constructs.queues import dead_letter_queue, grant_send, queue, redrive_to

# The AWS account SP-API delivers notifications from (Amazon's SP-API notifications guide).
AMAZON_NOTIFICATIONS_ACCOUNT = "437568002678"
CONSUMER_TIMEOUT = Duration.seconds(30)


class Notifications(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, backbone: Backbone, sync_queue: sqs.IQueue
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = dead_letter_queue(self, "DeadLetters")
        self.queue = queue(
            self,
            "Inbox",
            visibility_timeout=Duration.seconds(CONSUMER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=redrive_to(self.dead_letter_queue),
        )
        # createDestination checks these two permissions before it accepts the queue. SSE-SQS
        # (not a KMS key of ours) means Amazon needs no key grant to send.
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowSellingPartnerApiNotifications",
                principals=[iam.AccountPrincipal(AMAZON_NOTIFICATIONS_ACCOUNT)],
                actions=["sqs:SendMessage", "sqs:GetQueueAttributes"],
                resources=[self.queue.queue_arn],
            )
        )
        self.consumer = backbone.function(
            self,
            "Consumer",
            FunctionSpec(
                service="notifications",
                handler="functions.notifications.handler.lambda_handler",
                description="Turns SP-API notifications into snapshots and targeted sync jobs",
                timeout=CONSUMER_TIMEOUT,
                environment=environment_for(
                    NotificationsSettings, backbone.environment(sync_queue)
                ),
            ),
        )
        # It reads the inventory stream it appends to (the version to expect), so read + append.
        backbone.event_store.grant_read(self.consumer.role)
        backbone.event_store.grant_append(self.consumer.role)
        # Claims and version hints (get, put), the subscription registry and the watch index
        # (query), re-poll markers (put if absent, delete).
        backbone.state.grant_state(self.consumer.role, "GetItem", "Query", "PutItem", "DeleteItem")
        grant_send(sync_queue, self.consumer.role)
        self.consumer.function.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )
