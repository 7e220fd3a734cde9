"""The public API: Cognito users (each carrying an immutable `custom:tenant_id`), a REST API
whose every method but the documentation needs a user pool token, proxied to the api function;
the documentation is served by API Gateway itself (`infra/constructs/docs.py`)."""

import json
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.shared.settings import AMAZON_JOBS_QUEUE_URL, CURSOR_KEY_SECRET_ID, ApiSettings
from infra.constructs.backbone import Backbone
from infra.constructs.docs import ApiDocs
from infra.constructs.function import FunctionSpec, environment_for
from infra.constructs.queues import grant_send
from infra.constructs.secrets import GET_SECRET_VALUE

TENANT_ATTRIBUTE = "tenant_id"  # the authorizer's claim is "custom:tenant_id"
TENANT_CLAIM = f"custom:{TENANT_ATTRIBUTE}"

# One JSON object per request. Besides the standard fields, the Cognito user (`sub`) and the
# tenant claim of the token the authorizer accepted ("-" on the public documentation routes),
# and WAF's verdict. Never the Authorization header or a body: they carry tokens, LWA codes and
# refresh tokens. API Gateway caps an access log format at 3 KB.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "requestTimeEpoch": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "sub": "$context.authorizer.claims.sub",
    "tenantId": f"$context.authorizer.claims.{TENANT_CLAIM}",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "protocol": "$context.protocol",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "errorType": "$context.error.responseType",
    "wafResponseCode": "$context.wafResponseCode",
    "xrayTraceId": "$context.xrayTraceId",
}
ACCESS_LOG_FORMAT = json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))


@dataclass(frozen=True)
class ApiOptions:
    stage_name: str
    throttling_rate_limit: int = 50  # requests/s across all callers, steady state
    throttling_burst_limit: int = 100


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        backbone: Backbone,
        sync_queue: sqs.IQueue,
        amazon_jobs_queue: sqs.IQueue,
        options: ApiOptions,
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = _user_pool(self)
        self.client = self.user_pool.add_client(
            "WebClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            # Users may read their tenant but never write it, not even through this client.
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes(TENANT_ATTRIBUTE),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=True),
        )

        # The key that signs page cursors (HMAC): random, read by the api only.
        self.cursor_key = secretsmanager.Secret(
            self,
            "CursorKey",
            description="Signs the API's page cursors (HMAC key, at least 32 characters)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        environment = {
            **backbone.environment(sync_queue),
            CURSOR_KEY_SECRET_ID: self.cursor_key.secret_arn,
            AMAZON_JOBS_QUEUE_URL: amazon_jobs_queue.queue_url,
        }
        self.handler = backbone.function(
            self,
            "Handler",
            FunctionSpec(
                service="api",
                handler="functions.api.handler.lambda_handler",
                description="REST API: commands and queries of the signed-in tenant",
                memory_mb=512,
                timeout=Duration.seconds(20),  # under API Gateway's 29 s integration limit
                environment=environment_for(ApiSettings, environment),
            ),
        )
        role = self.handler.role
        backbone.event_store.grant_read(role)
        backbone.event_store.grant_append(role)
        backbone.views.grant_read(role)
        # Get: snapshots, sync statuses, connection quotas; put: those and authorizations in
        # progress; delete: an authorization is taken (deleted) by the request completing it.
        backbone.state.grant_state(role, "GetItem", "PutItem", "DeleteItem")
        backbone.state.grant_idempotency(role)
        grant_send(sync_queue, role)
        grant_send(amazon_jobs_queue, role)  # a save to Amazon queues its job
        backbone.credentials.grant_write_refresh_tokens(role)
        # Login with Amazon proves refresh tokens and exchanges authorization codes as our app.
        backbone.credentials.grant_read_lwa_app(role)
        iam.Grant.add_to_principal(
            grantee=role, actions=[GET_SECRET_VALUE], resource_arns=[self.cursor_key.secret_arn]
        )

        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=backbone.powertools.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            description="FBA inbound backend",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs the account-level CloudWatch role; CDK manages it.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            deploy_options=apigw.StageOptions(
                stage_name=options.stage_name,
                throttling_rate_limit=options.throttling_rate_limit,
                throttling_burst_limit=options.throttling_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
                logging_level=apigw.MethodLoggingLevel.ERROR,
                # Never log bodies: they carry LWA authorization codes and refresh tokens.
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
            ),
        )
        self._route_everything_to_handler()
        self.docs = ApiDocs(
            self,
            "Docs",
            rest_api=self.rest_api,
            log_retention=backbone.powertools.log_retention,
        )
        # The API's contract is public, as the frontend's tooling reads it unauthenticated.
        self.public_methods = self.docs.methods

    def _route_everything_to_handler(self) -> None:
        authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[self.user_pool]
        )
        # Bodies are validated against the pydantic models in the function; the gateway
        # validator enforces whatever a method declares, so declared parameters fail at the edge.
        validator = self.rest_api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        integration = apigw.LambdaIntegration(self.handler.function)
        proxy = self.rest_api.root.add_proxy(any_method=False)
        for resource in (self.rest_api.root, proxy):
            # Options spelled out per method: a proxy's default_method_options would drop the
            # request validator.
            resource.add_method(
                "ANY",
                integration,
                authorizer=authorizer,
                authorization_type=apigw.AuthorizationType.COGNITO,
                request_validator=validator,
            )


def _user_pool(scope: Construct) -> cognito.UserPool:
    return cognito.UserPool(
        scope,
        "Users",
        # An administrator creates each user with its tenant: a self-signed-up user could pick
        # any tenant id, and the attribute cannot change after creation.
        self_sign_up_enabled=False,
        sign_in_aliases=cognito.SignInAliases(email=True),
        custom_attributes={
            TENANT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=False)
        },
        password_policy=cognito.PasswordPolicy(
            min_length=12,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
        ),
        # Sellers' Amazon data is behind these accounts: TOTP required, no SMS (cost, SIM swaps).
        mfa=cognito.Mfa.REQUIRED,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        deletion_protection=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
