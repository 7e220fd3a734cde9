"""Least privilege: each function's role allows exactly the grants its job needs, no more."""

from collections import defaultdict
from typing import Any

import pytest

from tests.infra.cfn import STAGE, Synthesized, permissions, touches
from tests.infra.test_functions import FUNCTIONS, service_function

READ = {
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
}
WRITE = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
}
APPEND = {"dynamodb:PutItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem"}
REWRITE = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
SEND = {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
CONSUME = {
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
}
STREAM = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
READ_SECRET = {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
WRITE_SECRET = {
    "secretsmanager:CreateSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:DescribeSecret",
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
        self.lwa_app = f"<{synth.logical_id(backbone.credentials.lwa_app_secret)}>"


def _expected(arns: Arns, path: str) -> dict[str, set[str]]:
    views_read = dict.fromkeys(arns.views, READ)
    stream = {arns.events_stream: STREAM, "*": {"dynamodb:ListStreams"}}
    grants: dict[str, dict[str, set[str]]] = {
        "api.handler": {
            arns.events: READ | APPEND,
            **views_read,
            arns.state: READ | WRITE,
            arns.idempotency: READ | WRITE,
            arns.sync_queue: SEND,
            arns.lwa_app: READ_SECRET,
            REFRESH_TOKENS: WRITE_SECRET,
        },
        "sync.dispatcher": {**views_read, arns.state: READ, arns.sync_queue: SEND},
        "sync.worker": {
            arns.events: READ | APPEND,
            arns.state: READ | WRITE,
            arns.sync_queue: SEND | CONSUME,
            arns.lwa_app: READ_SECRET,
            REFRESH_TOKENS: READ_SECRET,
        },
        "notifications.consumer": {
            arns.events: APPEND,
            arns.state: WRITE,
            arns.sync_queue: SEND,
            arns.inbox: CONSUME,
        },
        "projections.projector": {
            arns.events: READ,
            **stream,
            **dict.fromkeys(arns.views, READ | WRITE),
            arns.projector_dlq: SEND,
        },
        "projections.reactor": {
            arns.events: READ | APPEND,
            **stream,
            **views_read,
            arns.state: WRITE,
            arns.reactor_dlq: SEND,
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


def test_no_function_can_rewrite_or_delete_events(synth: Synthesized) -> None:
    events = Arns(synth).events
    for path in FUNCTIONS:
        allowed = touches(permissions(synth, service_function(synth, path)), events)
        assert not allowed & REWRITE, path


def test_the_projector_cannot_write_the_event_store(synth: Synthesized) -> None:
    allowed = touches(permissions(synth, synth.stack.projections.projector), Arns(synth).events)

    assert "dynamodb:GetItem" in allowed
    assert "dynamodb:PutItem" not in allowed


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


def test_only_the_sync_worker_reads_refresh_tokens(synth: Synthesized) -> None:
    assert readers_of(synth, REFRESH_TOKENS) == {"sync.worker"}


def test_the_app_secret_is_read_by_the_sync_worker_and_the_api_only(synth: Synthesized) -> None:
    # The API proves refresh tokens and exchanges consent codes with Login with Amazon.
    assert readers_of(synth, Arns(synth).lwa_app) == {"sync.worker", "api.handler"}


def test_wildcard_resources_are_only_for_tracing_and_stream_listing(synth: Synthesized) -> None:
    # The cdk-nag IAM5[Resource::*] acknowledgment (infra/nag.py) relies on this.
    for path in FUNCTIONS:
        on_everything = touches(permissions(synth, service_function(synth, path)), "*")
        assert on_everything <= TRACING | {"dynamodb:ListStreams"}, path
