"""The deployed entry point: adapters built from the environment, once per cold start."""

import json
from collections.abc import Iterator

import pytest

from functions.api import handler
from functions.api.wiring import default_services
from infra.local.lambda_context import LocalLambdaContext
from tests.api.conftest import Aws
from tests.api.gateway import rest_event


@pytest.fixture
def deployed(
    aws: Aws, aws_env: None, moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    settings = aws.settings.model_dump(mode="json", by_alias=True, exclude_none=True)
    for name, value in {**settings, "AWS_ENDPOINT_URL": moto_server}.items():
        monkeypatch.setenv(name, str(value))
    default_services.cache_clear()
    yield
    default_services.cache_clear()


def test_the_handler_builds_its_adapters_from_the_environment_once(deployed: None) -> None:
    context = LocalLambdaContext(function_name="api")

    created = handler.lambda_handler(
        rest_event("POST", "/warehouses", tenant="tenant-deployed", body={"name": "Main"}), context
    )
    listed = handler.lambda_handler(
        rest_event("GET", "/warehouses", tenant="tenant-deployed"), context
    )

    assert created["statusCode"] == 201, created["body"]
    assert listed["statusCode"] == 200, listed["body"]
    assert default_services.cache_info().misses == 1
    assert json.loads(created["body"])["version"] == 1


def test_a_missing_setting_fails_at_cold_start_not_with_an_empty_name(
    deployed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTS_TABLE", "")

    with pytest.raises(ValueError, match="EVENTS_TABLE"):
        default_services()
