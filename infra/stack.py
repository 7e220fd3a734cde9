"""The whole backend of one stage, composed from one construct per capability."""

from dataclasses import dataclass, field
from pathlib import Path

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct, Node

from functions.shared.settings import NOTIFICATIONS_QUEUE_ARN
from infra.constructs.amazon_jobs import AmazonJobs
from infra.constructs.api import Api, ApiOptions
from infra.constructs.backbone import Backbone, SpApiApplication
from infra.constructs.edge import Edge, EdgeOptions
from infra.constructs.event_store import EventStore
from infra.constructs.function import PowertoolsSettings
from infra.constructs.notifications import Notifications
from infra.constructs.observability import Observability, Watched
from infra.constructs.projections import Projections
from infra.constructs.rotation import LwaClientSecretAge
from infra.constructs.secrets import SellerCredentials
from infra.constructs.state import OperationalState
from infra.constructs.sync import Sync, SyncOptions
from infra.constructs.views import Views

METRICS_NAMESPACE = "FbaInbound"


@dataclass(frozen=True)
class StageConfig:
    """Everything that differs between stages, read from CDK context (`-c key=value`)."""

    stage: str = "dev"
    asset_dir: Path | None = None
    sync: SyncOptions = field(default_factory=SyncOptions)
    log_level: str = "INFO"
    alarm_email: str | None = None
    edge: EdgeOptions = field(default_factory=EdgeOptions)
    # Amazon's website authorization workflow (see docs/architecture.md, "Connecting a seller").
    application: SpApiApplication = field(
        default_factory=lambda: SpApiApplication(
            application_id="amzn1.sp.solution.not-configured",
            redirect_uri="https://app.example.com/amazon/authorized",
        )
    )

    @classmethod
    def from_context(cls, node: Node) -> "StageConfig":
        def get(key: str) -> str | None:
            value = node.try_get_context(key)
            return None if value in (None, "") else str(value)

        defaults = cls()
        asset_dir = get("asset_dir")
        return cls(
            stage=get("stage") or defaults.stage,
            asset_dir=Path(asset_dir) if asset_dir else None,
            sync=SyncOptions(
                schedule=get("sync_schedule") or defaults.sync.schedule,
                batch_size=int(get("sync_batch_size") or defaults.sync.batch_size),
            ),
            log_level=get("log_level") or defaults.log_level,
            alarm_email=get("alarm_email"),
            edge=EdgeOptions(
                identity_limit=int(get("waf_identity_limit") or defaults.edge.identity_limit),
                ip_limit=int(get("waf_ip_limit") or defaults.edge.ip_limit),
            ),
            application=SpApiApplication(
                application_id=get("spapi_application_id") or defaults.application.application_id,
                redirect_uri=get("authorization_redirect_uri") or defaults.application.redirect_uri,
                draft=(get("spapi_app_draft") or "false").lower() == "true",
            ),
        )


class BackendStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        code: lambda_.Code,
        **stack_props: object,
    ) -> None:
        super().__init__(scope, construct_id, **stack_props)  # type: ignore[arg-type]
        self.config = config
        self.backbone = Backbone(
            event_store=EventStore(self, "EventStore"),
            views=Views(self, "Views"),
            state=OperationalState(self, "OperationalState"),
            credentials=SellerCredentials(
                self, "SellerCredentials", name_prefix=f"fba-inbound/{config.stage}"
            ),
            code=code,
            powertools=PowertoolsSettings(
                metrics_namespace=METRICS_NAMESPACE, log_level=config.log_level
            ),
            application=config.application,
        )
        self.sync = Sync(self, "Sync", backbone=self.backbone, options=config.sync)
        self.notifications = Notifications(
            self, "Notifications", backbone=self.backbone, sync_queue=self.sync.queue
        )
        # Each connection's first sync subscribes Amazon's inventory changes to this queue.
        self.sync.worker.function.add_environment(
            NOTIFICATIONS_QUEUE_ARN, self.notifications.queue.queue_arn
        )
        self.projections = Projections(self, "Projections", backbone=self.backbone)
        self.amazon_jobs = AmazonJobs(self, "AmazonJobs", backbone=self.backbone)
        self.api = Api(
            self,
            "Api",
            backbone=self.backbone,
            sync_queue=self.sync.queue,
            amazon_jobs_queue=self.amazon_jobs.queue,
            options=ApiOptions(stage_name=config.stage),
        )
        self.edge = Edge(
            self,
            "Edge",
            stage=self.api.rest_api.deployment_stage,
            name_prefix=f"fba-inbound-{config.stage}",
            options=config.edge,
            log_retention=self.backbone.powertools.log_retention,
        )
        self.functions = (
            self.api.handler,
            self.sync.dispatcher,
            self.sync.worker,
            self.notifications.consumer,
            self.projections.projector,
            self.projections.reactor,
            self.amazon_jobs.runner,
        )
        self.observability = Observability(
            self,
            "Observability",
            watched=Watched(
                functions=self.functions,
                dead_letter_queues={
                    "sync": self.sync.dead_letter_queue,
                    "notifications": self.notifications.dead_letter_queue,
                    "projector": self.projections.projector_dead_letters,
                    "reactor": self.projections.reactor_dead_letters,
                    "amazon-jobs": self.amazon_jobs.dead_letter_queue,
                },
                stream_consumers=(self.projections.projector, self.projections.reactor),
                sync_worker=self.sync.worker,
                work_queues={"sync": self.sync.queue, "notifications": self.notifications.queue},
                rest_api=self.api.rest_api,
                drift_persisted=self.projections.drift_persisted,
            ),
            alarm_email=config.alarm_email,
        )
        self.lwa_client_secret_age = LwaClientSecretAge(
            self,
            "LwaClientSecretAge",
            secret=self.backbone.credentials.lwa_app_secret,
            topic=self.observability.topic,
        )
        self._outputs()

    def _outputs(self) -> None:
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "UserPoolId", value=self.api.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.api.client.user_pool_client_id)
        # For SP-API createDestination (resourceSpecification.sqs.arn).
        CfnOutput(self, "NotificationsQueueArn", value=self.notifications.queue.queue_arn)
        CfnOutput(
            self,
            "LwaAppSecretArn",
            value=self.backbone.credentials.lwa_app_secret.secret_arn,
        )
