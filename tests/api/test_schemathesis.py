"""Schemathesis against the served OpenAPI document, calling the handler in-process: every check
schemathesis has (see `tests.api.fuzzing`), on valid and invalid requests alike: no 500s, every
status documented, every body matching its schema, bad input rejected with a 4xx, missing
credentials refused, another tenant's objects invisible."""

from typing import Any

import pytest
import schemathesis

from functions.api.wiring import Services
from tests.api.conftest import Aws
from tests.api.fuzzing import a_fuzzed_tenant, fuzz_config, prepare
from tests.api.wsgi_gateway import GatewayWsgi

gateway = GatewayWsgi()
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", gateway, config=fuzz_config(max_examples=25)
)


@pytest.fixture(scope="module")
def fuzzed(aws: Aws) -> Services:
    return a_fuzzed_tenant(aws, gateway)


@schema.parametrize()
def test_the_api_honours_its_openapi_document(case: Any, fuzzed: Services) -> None:
    prepare(case)
    case.call_and_validate()
