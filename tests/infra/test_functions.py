"""The seven functions come from one construct: same runtime and settings, own log group and role,
and exactly the environment their settings model asks for."""

from typing import Any

import pytest

from functions.shared.settings import (
    AMAZON_JOBS_QUEUE_URL,
    AUTHORIZATION_REDIRECT_URI,
    CURSOR_KEY_SECRET_ID,
    EVENTS_TABLE,
    IDEMPOTENCY_TABLE,
    LWA_APP_SECRET_ID,
    NOTIFICATIONS_QUEUE_ARN,
    REFRESH_TOKEN_SECRET_PREFIX,
    SPAPI_APPLICATION_ID,
    STATE_TABLE,
    SYNC_QUEUE_URL,
    VIEWS_TABLE,
)
from tests.infra.cfn import STAGE, Synthesized

POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}
STORE = {EVENTS_TABLE, VIEWS_TABLE, STATE_TABLE}
SYNC = STORE | {SYNC_QUEUE_URL, LWA_APP_SECRET_ID, REFRESH_TOKEN_SECRET_PREFIX}

# construct path from the stack -> (handler, service name, environment variable names)
FUNCTIONS = {
    "api.handler": (
        "functions.api.handler.lambda_handler",
        "api",
        STORE
        | {IDEMPOTENCY_TABLE, SYNC_QUEUE_URL, REFRESH_TOKEN_SECRET_PREFIX, LWA_APP_SECRET_ID}
        | {SPAPI_APPLICATION_ID, AUTHORIZATION_REDIRECT_URI, CURSOR_KEY_SECRET_ID}
        | {AMAZON_JOBS_QUEUE_URL},
    ),
    "sync.dispatcher": ("functions.sync.dispatcher.lambda_handler", "sync-dispatcher", SYNC),
    "sync.worker": (
        "functions.sync.worker.lambda_handler",
        "sync-worker",
        SYNC | {"SP_API_AUTH_CACHE_SIZE", NOTIFICATIONS_QUEUE_ARN},
    ),
    "notifications.consumer": (
        "functions.notifications.handler.lambda_handler",
        "notifications",
        {EVENTS_TABLE, STATE_TABLE, SYNC_QUEUE_URL, SPAPI_APPLICATION_ID},
    ),
    "projections.projector": ("functions.projector.handler.lambda_handler", "projector", STORE),
    "projections.reactor": ("functions.reactor.handler.lambda_handler", "reactor", STORE),
    "amazon_jobs.runner": (
        "functions.amazon_jobs.handler.lambda_handler",
        "amazon-jobs",
        STORE
        | {AMAZON_JOBS_QUEUE_URL, LWA_APP_SECRET_ID, REFRESH_TOKEN_SECRET_PREFIX}
        | {"SP_API_AUTH_CACHE_SIZE"},
    ),
}


def service_function(synth: Synthesized, path: str) -> Any:
    construct: Any = synth.stack
    for attribute in path.split("."):
        construct = getattr(construct, attribute)
    return construct


def test_the_stack_has_exactly_the_seven_functions(synth: Synthesized) -> None:
    # Besides ours, only CDK's BucketDeployment function, which writes the API's documentation
    # to its bucket at deploy time (infra/constructs/docs.py) and never runs per request.
    functions = synth.of_type("AWS::Lambda::Function")
    ours = {synth.logical_id(service_function(synth, path).function) for path in FUNCTIONS}
    deploy_time = set(functions) - ours

    assert len(synth.stack.functions) == len(FUNCTIONS)
    assert ours <= set(functions)
    assert len(deploy_time) == 1
    assert next(iter(deploy_time)).startswith("CustomCDKBucketDeployment")


@pytest.mark.parametrize("path", FUNCTIONS)
def test_function_runtime_handler_and_tracing(synth: Synthesized, path: str) -> None:
    handler, _, _ = FUNCTIONS[path]
    properties = synth.resource(service_function(synth, path).function)["Properties"]

    assert properties["Runtime"] == "python3.12"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == handler
    assert properties["TracingConfig"] == {"Mode": "Active"}


@pytest.mark.parametrize("path", FUNCTIONS)
def test_function_environment_is_what_its_settings_require(synth: Synthesized, path: str) -> None:
    _, service, names = FUNCTIONS[path]
    variables = synth.resource(service_function(synth, path).function)["Properties"]["Environment"][
        "Variables"
    ]

    assert set(variables) == POWERTOOLS | names
    assert variables["POWERTOOLS_SERVICE_NAME"] == service
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "FbaInbound"
    assert variables["LOG_LEVEL"] == "INFO"


def test_environment_points_at_the_stack_resources(synth: Synthesized) -> None:
    backbone = synth.stack.backbone
    variables = synth.resource(synth.stack.sync.worker.function)["Properties"]["Environment"][
        "Variables"
    ]

    assert variables[EVENTS_TABLE] == {"Ref": synth.logical_id(backbone.event_store.table)}
    assert variables[VIEWS_TABLE] == {"Ref": synth.logical_id(backbone.views.table)}
    assert variables[STATE_TABLE] == {"Ref": synth.logical_id(backbone.state.state_table)}
    assert variables[SYNC_QUEUE_URL] == {"Ref": synth.logical_id(synth.stack.sync.queue)}
    secret = backbone.credentials.lwa_app_secret
    assert variables[LWA_APP_SECRET_ID] == {"Ref": synth.logical_id(secret)}
    assert variables[REFRESH_TOKEN_SECRET_PREFIX] == f"fba-inbound/{STAGE}/refresh-token/"


@pytest.mark.parametrize("path", FUNCTIONS)
def test_each_function_logs_to_its_own_group_with_retention(synth: Synthesized, path: str) -> None:
    function = service_function(synth, path)
    properties = synth.resource(function.function)["Properties"]
    log_group = synth.resource(function.log_group)["Properties"]

    assert properties["LoggingConfig"]["LogGroup"] == {"Ref": synth.logical_id(function.log_group)}
    assert log_group["RetentionInDays"] == 30


def test_each_function_has_a_role_of_its_own_without_managed_policies(
    synth: Synthesized,
) -> None:
    roles = [
        synth.resource(service_function(synth, p).function)["Properties"]["Role"] for p in FUNCTIONS
    ]

    assert len({str(role) for role in roles}) == len(FUNCTIONS)
    for path in FUNCTIONS:
        role = synth.resource(service_function(synth, path).role)["Properties"]
        assert "ManagedPolicyArns" not in role, path
        assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
            "Service": "lambda.amazonaws.com"
        }


def test_the_sync_worker_may_run_five_minutes(synth: Synthesized) -> None:
    assert synth.resource(synth.stack.sync.worker.function)["Properties"]["Timeout"] == 300


def test_a_settings_field_the_stack_cannot_provide_fails_the_synth() -> None:
    from functions.shared.settings import ApiSettings
    from infra.constructs.function import environment_for

    with pytest.raises(KeyError, match=IDEMPOTENCY_TABLE):
        environment_for(ApiSettings, {EVENTS_TABLE: "e", VIEWS_TABLE: "v", STATE_TABLE: "s"})
