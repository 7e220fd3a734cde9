"""Least privilege: each function's role allows exactly the grants its job needs, no more."""

from collections import defaultdict
from typing import Any

import pytest

from tests.infra.cfn import STAGE, Synthesized, flat, permissions, touches
from tests.infra.test_functions import FUNCTIONS, service_function

# Each set is what the function's code issues (its boto3 calls under `functions/`, and
# Powertools' on its behalf), per resource; the event source mappings' verbs are CDK's.
EVENTS_READ = {"dynamodb:Query"}  # DynamoDBEventStore.read; read_all (Scan) is the operator's
APPEND = {"dynamodb:PutItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem"}
REWRITE = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
VIEWS_READ = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}  # ViewTable
INDEX_READ = {"dynamodb:Query"}
VIEWS_PROJECT = VIEWS_READ | {  # the projector's DynamoDBViewStore; never an index
    "dynamodb:PutItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
}
STATE_GET, STATE_QUERY = {"dynamodb:GetItem"}, {"dynamodb:Query"}
STATE_WRITE = {"dynamodb:PutItem", "dynamodb:DeleteItem"}
STATE_ALL = STATE_GET | STATE_QUERY | STATE_WRITE  # everything StateTable issues
IDEMPOTENCY = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
SEND = {"sqs:SendMessage"}
# CDK's grants for the event source mappings (SQS consumers) and stream on-failure destinations.
CONSUME = {
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
}
DEAD_LETTER = {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
STREAM = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
READ_SECRET = {"secretsmanager:GetSecretValue"}  # Powertools' SecretsProvider
WRITE_SECRET = {
    "secretsmanager:CreateSecret",
    "secretsmanager:PutSecretValue",  # re-authorization replaces a connection's refresh token
    "secretsmanager:TagResource",
    "secretsmanager:DeleteSecret",
}
TRACING = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
REFRESH_TOKENS = (
    "arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
    f"fba-inbound/{STAGE}/refresh-token/*"
)


class Arns:
    """Flat ARNs (as `tests.infra.cfn.flat` spells them) of the stack's resources."""

    def __init__(self, synth: Synthesized) -> None:
        stack, backbone = synth.stack, synth.stack.backbone

        def arn(construct: Any) -> str:
            return f"<{synth.logical_id(construct)}.Arn>"

        self.events = arn(backbone.event_store.table)
        self.events_stream = f"<{synth.logical_id(backbone.event_store.table)}.StreamArn>"
        views = arn(backbone.views.table)
        self.views = (views, f"{views}/index/gsi1", f"{views}/index/gsi2")
        self.state = arn(backbone.state.state_table)
        self.idempotency = arn(backbone.state.idempotency_table)
        self.sync_queue = arn(stack.sync.queue)
        self.inbox = arn(stack.notifications.queue)
        self.projector_dlq = arn(stack.projections.projector_dead_letters)
        self.reactor_dlq = arn(stack.projections.reactor_dead_letters)
        self.amazon_jobs = arn(stack.amazon_jobs.queue)
        self.lwa_app = f"<{synth.logical_id(backbone.credentials.lwa_app_secret)}>"
        self.cursor_key = f"<{synth.logical_id(stack.api.cursor_key)}>"


def _expected(arns: Arns, path: str) -> dict[str, set[str]]:
    views, *indexes = arns.views
    views_read = {views: VIEWS_READ, **dict.fromkeys(indexes, INDEX_READ)}
    stream = {arns.events_stream: STREAM, "*": {"dynamodb:ListStreams"}}
    grants: dict[str, dict[str, set[str]]] = {
        "api.handler": {
            arns.events: EVENTS_READ | APPEND,
            **views_read,
            # Snapshots, statuses and quotas (get, put); authorizations (put, taken by delete).
            arns.state: STATE_GET | STATE_WRITE,
            arns.idempotency: IDEMPOTENCY,
            arns.sync_queue: SEND,
            arns.amazon_jobs: SEND,
            arns.lwa_app: READ_SECRET,
            arns.cursor_key: READ_SECRET,
            REFRESH_TOKENS: WRITE_SECRET,
        },
        # The registry of connections (one Query), and the jobs it enqueues.
        "sync.dispatcher": {arns.state: STATE_ALL, arns.sync_queue: SEND},
        "sync.worker": {
            arns.events: EVENTS_READ | APPEND,
            arns.state: STATE_ALL,
            arns.sync_queue: SEND | CONSUME,
            arns.lwa_app: READ_SECRET,
            REFRESH_TOKENS: READ_SECRET,
        },
        "notifications.consumer": {
            arns.events: EVENTS_READ | APPEND,
            arns.state: STATE_ALL,
            arns.sync_queue: SEND,
            arns.inbox: CONSUME,
        },
        "projections.projector": {
            arns.events: EVENTS_READ,
            **stream,
            views: VIEWS_PROJECT,
            arns.projector_dlq: DEAD_LETTER,
        },
        "projections.reactor": {
            arns.events: EVENTS_READ | APPEND,
            **stream,
            arns.reactor_dlq: DEAD_LETTER,
            arns.state: STATE_QUERY,  # the Save-to-Amazon jobs' placing markers
            # Amazon's reports: a stock row, its ledger, the inventory stream's doc
            views: {"dynamodb:GetItem", "dynamodb:Query"},
        },
        "amazon_jobs.runner": {
            arns.events: EVENTS_READ | APPEND,
            arns.state: STATE_ALL,
            arns.amazon_jobs: SEND | CONSUME,
            arns.lwa_app: READ_SECRET,
            REFRESH_TOKENS: READ_SECRET,
        },
    }
    return grants[path]


def _by_resource(pairs: set[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for action, resource in pairs:
        grouped[resource].add(action)
    return dict(grouped)


@pytest.mark.parametrize("path", FUNCTIONS)
def test_role_allows_exactly_the_functions_grants(synth: Synthesized, path: str) -> None:
    function: Any = service_function(synth, path)
    own_logs = f"<{synth.logical_id(function.log_group)}.Arn>"
    expected = _expected(Arns(synth), path)
    expected[own_logs] = {"logs:CreateLogStream", "logs:PutLogEvents"}
    expected["*"] = expected.get("*", set()) | TRACING

    assert _by_resource(permissions(synth, function)) == expected


@pytest.mark.parametrize("path", FUNCTIONS)
def test_no_function_may_scan_describe_or_batch_what_its_code_never_does(
    synth: Synthesized, path: str
) -> None:
    # Nothing under functions/ scans in a function (the operator's rebuild command scans with
    # the operator's credentials), describes a table or a secret.
    actions = {action for action, _ in permissions(synth, service_function(synth, path))}

    assert not actions & {
        "dynamodb:Scan",
        "dynamodb:DescribeTable",
        "secretsmanager:DescribeSecret",
    }


def test_the_state_table_grants_only_what_state_table_issues() -> None:
    from aws_cdk import App, Stack
    from aws_cdk import aws_iam as iam

    from infra.constructs.state import OperationalState

    stack = Stack(App(), "Probe")
    state = OperationalState(stack, "State")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))

    with pytest.raises(ValueError, match="Scan"):
        state.grant_state(role, "GetItem", "Scan")
    with pytest.raises(ValueError):
        state.grant_state(role)


def test_no_function_can_rewrite_or_delete_events(synth: Synthesized) -> None:
    events = Arns(synth).events
    for path in FUNCTIONS:
        allowed = touches(permissions(synth, service_function(synth, path)), events)
        assert not allowed & REWRITE, path


def test_the_projector_cannot_write_the_event_store(synth: Synthesized) -> None:
    allowed = touches(permissions(synth, synth.stack.projections.projector), Arns(synth).events)

    assert allowed == EVENTS_READ  # gap filling reads stream ranges, nothing else


def test_the_api_can_store_refresh_tokens_but_read_none(synth: Synthesized) -> None:
    pairs = permissions(synth, synth.stack.api.handler)

    assert "secretsmanager:CreateSecret" in touches(pairs, REFRESH_TOKENS)
    assert "secretsmanager:GetSecretValue" not in touches(pairs, REFRESH_TOKENS)


def readers_of(synth: Synthesized, secret_arn: str) -> set[str]:
    return {
        path
        for path in FUNCTIONS
        if ("secretsmanager:GetSecretValue", secret_arn)
        in permissions(synth, service_function(synth, path))
    }


def test_only_the_sync_worker_and_the_job_runner_read_refresh_tokens(synth: Synthesized) -> None:
    assert readers_of(synth, REFRESH_TOKENS) == {"sync.worker", "amazon_jobs.runner"}


def test_the_app_secret_is_read_by_the_amazon_callers_only(synth: Synthesized) -> None:
    # The API proves refresh tokens and exchanges consent codes with Login with Amazon.
    expected = {"sync.worker", "api.handler", "amazon_jobs.runner"}
    assert readers_of(synth, Arns(synth).lwa_app) == expected


def test_only_the_api_reads_the_cursor_key(synth: Synthesized) -> None:
    assert readers_of(synth, Arns(synth).cursor_key) == {"api.handler"}


def test_the_documentation_reader_may_get_the_two_documents_only(synth: Synthesized) -> None:
    docs = synth.stack.api.docs
    role = synth.resource(docs.reader)["Properties"]
    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in synth.of_type("AWS::IAM::Policy").values()
        if {"Ref": synth.logical_id(docs.reader)} in p["Properties"]["Roles"]
    ]
    bucket = f"<{synth.logical_id(docs.bucket)}.Arn>"

    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"
    }
    assert [(s["Action"], sorted(flat(r) for r in s["Resource"])) for s in policy["Statement"]] == [
        ("s3:GetObject", [f"{bucket}/docs.html", f"{bucket}/openapi.json"])
    ]


def test_wildcard_resources_are_only_for_tracing_and_stream_listing(synth: Synthesized) -> None:
    # The cdk-nag IAM5[Resource::*] acknowledgment (infra/nag.py) relies on this.
    for path in FUNCTIONS:
        on_everything = touches(permissions(synth, service_function(synth, path)), "*")
        assert on_everything <= TRACING | {"dynamodb:ListStreams"}, path
