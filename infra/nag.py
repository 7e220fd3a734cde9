"""cdk-nag's AwsSolutions pack, and each finding we accept with the reason it is acceptable.

cdk-nag 3 runs as a CDK policy-validation plugin: `cdk synth` fails on any finding that is not
acknowledged here. Acknowledgments name the exact finding (e.g. one wildcard resource) on the
narrowest construct that carries it, so a new wildcard elsewhere still fails the synth.
"""

from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

from infra.constructs.function import ServiceFunction
from infra.stack import BackendStack


def add_checks(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def _acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def _default_policy(function: ServiceFunction) -> IConstruct:
    policy = function.role.node.try_find_child("DefaultPolicy")
    assert isinstance(policy, iam.Policy), f"{function.node.path} has no grants"
    return policy


def _flatten(resolved: object) -> str:
    """A resolved ARN as cdk-nag spells it in a finding id (its flattenCfnReference)."""
    if isinstance(resolved, str):
        return resolved
    if isinstance(resolved, dict) and "Ref" in resolved:
        return f"<{resolved['Ref']}>"
    if isinstance(resolved, dict) and "Fn::Join" in resolved:
        delimiter, parts = resolved["Fn::Join"]
        return str(delimiter).join(_flatten(part) for part in parts)
    raise ValueError(f"no flat form for {resolved!r}")


def acknowledge(stack: BackendStack) -> None:
    for function in stack.functions:
        _acknowledge(
            function.function,
            "AwsSolutions-L1",
            "Pinned to Python 3.12 on purpose: the asset's compiled wheels (pydantic-core) are "
            "built for cp312 (infra/build_asset.py); runtime and wheels are upgraded together.",
        )
        _acknowledge(
            _default_policy(function),
            "AwsSolutions-IAM5[Resource::*]",
            "Only xray:PutTraceSegments/PutTelemetryRecords (X-Ray has no resource-level "
            "permissions) and, for stream consumers, dynamodb:ListStreams, which the event "
            "source mapping needs. tests/infra asserts no other action is granted on '*'.",
        )

    wildcard = _flatten(Stack.of(stack).resolve(stack.backbone.credentials.refresh_token_arns))
    for function in (stack.api.handler, stack.sync.worker):
        _acknowledge(
            _default_policy(function),
            f"AwsSolutions-IAM5[Resource::{wildcard}]",
            "Refresh-token secrets are created at run time, one per seller connection, under "
            "this name prefix; the trailing * also covers the random suffix Secrets Manager "
            "adds to every secret ARN. The LWA app secret lies outside the prefix.",
        )

    _acknowledge(
        stack.backbone.credentials.lwa_app_secret,
        "AwsSolutions-SMG4",
        "The LWA client secret is issued and rotated by Amazon in the Solution Provider Portal; "
        "a Secrets Manager rotation function cannot mint a new one. Rotation is an operator "
        "runbook step (infra/README.md).",
    )
    for dead_letters in (
        stack.projections.projector_dead_letters,
        stack.projections.reactor_dead_letters,
    ):
        _acknowledge(
            dead_letters,
            "AwsSolutions-SQS3",
            "This queue is itself a dead-letter queue: the on-failure destination of a DynamoDB "
            "stream event source mapping (which SQS3 does not recognise). It has an alarm.",
        )
    _acknowledge(
        stack.api.user_pool,
        "AwsSolutions-COG8",
        "The Plus feature plan (threat protection) is a per-MAU cost decision; users are "
        "admin-created, MFA (TOTP) is required and passwords are strong. Revisit for production.",
    )
    cloud_watch_role = stack.api.rest_api.node.find_child("CloudWatchRole")
    _acknowledge(
        cloud_watch_role,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AmazonAPIGatewayPushToCloudWatchLogs]",
        "API Gateway's account-level logging role; this AWS-managed policy is the one AWS "
        "documents for it, and execution logging (AwsSolutions-APIG6) requires the role.",
    )
    for method in stack.api.public_methods:
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
            _acknowledge(
                method,
                rule,
                "GET /openapi.json and GET /docs publish the API's contract (no tenant data); "
                "the handler serves nothing else without a Cognito tenant claim.",
            )
    _acknowledge(
        stack.api.rest_api.deployment_stage,
        "AwsSolutions-APIG3",
        "No WAF yet: every method needs a Cognito token and the stage is throttled. A WAFv2 web "
        "ACL (managed rule groups, per-IP rate limit) is a production hardening step.",
    )
