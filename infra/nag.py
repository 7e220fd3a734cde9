"""cdk-nag's AwsSolutions pack, and each finding we accept with the reason it is acceptable.

cdk-nag 3 runs as a CDK policy-validation plugin: `cdk synth` fails on any finding that is not
acknowledged here. Acknowledgments name the exact finding (e.g. one wildcard resource) on the
narrowest construct that carries it, so a new wildcard elsewhere still fails the synth.
"""

import re

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
    if isinstance(resolved, dict) and "Fn::GetAtt" in resolved:
        resource, attribute = resolved["Fn::GetAtt"]
        return f"<{resource}.{attribute}>"
    if isinstance(resolved, dict) and isinstance(resolved.get("Fn::Sub"), str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", resolved["Fn::Sub"])
    if isinstance(resolved, dict) and "Fn::Join" in resolved:
        delimiter, parts = resolved["Fn::Join"]
        return str(delimiter).join(_flatten(part) for part in parts)
    raise ValueError(f"no flat form for {resolved!r}")


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


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
    for function in (stack.api.handler, stack.sync.worker, stack.amazon_jobs.runner):
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
        "The LWA client secret can be rotated (SP-API Application Management API, "
        "rotateApplicationClientSecret), but Amazon delivers the new value later, as an "
        "APPLICATION_OAUTH_CLIENT_NEW_SECRET notification to a queue registered in the developer "
        "console, which a Secrets Manager rotation function cannot wait for. An operator rotates "
        "it and puts the new value here (infra/README.md); an AWS Config rule "
        "(infra/constructs/rotation.py) alerts the alarm topic 30 days before Amazon's 180-day "
        "expiry. Automating it on those notifications is a follow-up.",
    )
    _acknowledge(
        stack.api.cursor_key,
        "AwsSolutions-SMG4",
        "The cursor key only signs page cursors (HMAC) and never leaves the api function; "
        "rotating it invalidates every outstanding cursor (clients get 400 invalid_cursor and "
        "restart from the first page), so it is rotated by hand, by putting a new random value, "
        "if it is ever exposed.",
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
                "GET /openapi.json and GET /docs publish the API's contract (no tenant data), "
                "read by API Gateway from the docs bucket; every other method needs a Cognito "
                "token. The WAF's per-IP rate rule bounds them.",
            )
    _acknowledge_docs_deployment(stack)


def _acknowledge_docs_deployment(stack: BackendStack) -> None:
    docs = stack.api.docs
    _acknowledge(
        docs.bucket,
        "AwsSolutions-S1",
        "The bucket holds only the two public documentation objects, written at deploy time; "
        "every read goes through API Gateway, whose access log records it, and only API "
        "Gateway's role may read them (s3:GetObject on the two keys).",
    )
    # CDK's BucketDeployment: one function per stack that copies the objects at deploy time.
    # Its role and runtime are CDK's own; it never runs per request.
    role = docs.deployment.handler_role
    policy = role.node.try_find_child("DefaultPolicy")
    assert isinstance(policy, iam.Policy), "BucketDeployment's role has no default policy"
    function = next(
        child
        for child in Stack.of(stack).node.children
        if child.node.id.startswith("Custom::CDKBucketDeployment")
    )
    _acknowledge(
        role,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "CDK's BucketDeployment function (deploy time only) writes its logs with the managed "
        "basic execution policy; CDK offers no switch for it.",
    )
    # The objects of the CDK bootstrap (asset) bucket and of the docs bucket.
    document = Stack.of(stack).resolve(policy.document)
    resources = {
        _flatten(resource)
        for statement in document["Statement"]
        for resource in _as_list(statement["Resource"])
    }
    wildcards = [
        "Action::s3:GetObject*",
        "Action::s3:GetBucket*",
        "Action::s3:List*",
        "Action::s3:DeleteObject*",
        "Action::s3:Abort*",
        *(f"Resource::{arn}" for arn in sorted(resources) if arn.endswith("/*")),
    ]
    for finding in wildcards:
        _acknowledge(
            policy,
            f"AwsSolutions-IAM5[{finding}]",
            "CDK's BucketDeployment function (deploy time only) reads the staged asset from "
            "the CDK bootstrap bucket and syncs it into the docs bucket (write, prune); CDK "
            "grants these verbs on those two buckets only.",
        )
    _acknowledge(
        function,
        "AwsSolutions-L1",
        "CDK's BucketDeployment function: its runtime is pinned by the CDK version (it runs "
        "the AWS CLI layer CDK ships); it moves forward with aws-cdk-lib upgrades.",
    )
