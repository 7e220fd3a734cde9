"""Schemathesis' stateful run, in-process: sequences of calls that follow the OpenAPI document's
links (create a warehouse, then read it, count its stock, read its ledger...), with every check
of `tests.api.fuzzing`. Here each append is projected before the command returns, so what was
just created must be readable at once (ensure_resource_availability)."""

import pytest
import schemathesis

from functions.api.wiring import Services
from tests.api.conftest import Aws
from tests.api.fuzzing import (
    KNOWN_SELLER,
    a_fuzzed_tenant,
    fuzz_config,
    run_stateful,
    stateful_settings,
)
from tests.api.wsgi_gateway import GatewayWsgi

gateway = GatewayWsgi()
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", gateway, config=fuzz_config(max_examples=25)
)


@pytest.fixture(scope="module")
def fuzzed(aws: Aws) -> Services:
    return a_fuzzed_tenant(aws, gateway)


def test_sequences_following_the_links_honour_the_document(fuzzed: Services) -> None:
    run_stateful(schema, stateful_settings(scenarios=50, steps=12), KNOWN_SELLER)
