"""What every capability builds on: the stores, the credentials, the code and the settings."""

from dataclasses import dataclass

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.shared.settings import (
    AUTHORIZATION_REDIRECT_URI,
    EVENTS_TABLE,
    IDEMPOTENCY_TABLE,
    LWA_APP_SECRET_ID,
    REFRESH_TOKEN_SECRET_PREFIX,
    SPAPI_APP_DRAFT,
    SPAPI_APPLICATION_ID,
    STATE_TABLE,
    SYNC_QUEUE_URL,
    VIEWS_TABLE,
)
from infra.constructs.event_store import EventStore
from infra.constructs.function import FunctionSpec, PowertoolsSettings, ServiceFunction
from infra.constructs.secrets import SellerCredentials
from infra.constructs.state import OperationalState
from infra.constructs.views import Views


@dataclass(frozen=True)
class SpApiApplication:
    """Our SP-API application as Amazon's website authorization workflow names it, and the web
    app's page Amazon sends a consenting seller back to."""

    application_id: str
    redirect_uri: str
    draft: bool = False


@dataclass(frozen=True)
class Backbone:
    event_store: EventStore
    views: Views
    state: OperationalState
    credentials: SellerCredentials
    code: lambda_.Code
    powertools: PowertoolsSettings
    application: SpApiApplication

    def environment(self, sync_queue: sqs.IQueue | None = None) -> dict[str, str]:
        """Every value a function's settings may ask for; `environment_for` picks its own."""
        values = {
            EVENTS_TABLE: self.event_store.table.table_name,
            VIEWS_TABLE: self.views.table.table_name,
            STATE_TABLE: self.state.state_table.table_name,
            IDEMPOTENCY_TABLE: self.state.idempotency_table.table_name,
            LWA_APP_SECRET_ID: self.credentials.lwa_app_secret.secret_arn,
            REFRESH_TOKEN_SECRET_PREFIX: self.credentials.refresh_token_prefix,
            SPAPI_APPLICATION_ID: self.application.application_id,
            AUTHORIZATION_REDIRECT_URI: self.application.redirect_uri,
        }
        if self.application.draft:
            values[SPAPI_APP_DRAFT] = "true"
        if sync_queue is not None:
            values[SYNC_QUEUE_URL] = sync_queue.queue_url
        return values

    def function(self, scope: Construct, construct_id: str, spec: FunctionSpec) -> ServiceFunction:
        return ServiceFunction(
            scope, construct_id, spec=spec, code=self.code, powertools=self.powertools
        )
