"""Schemathesis against the served OpenAPI document, calling the handler in-process: no 500s,
every status documented, every body matching its schema, bad input rejected with a 4xx."""

import re
import uuid
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from functions.api.wiring import Services, build_services
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.projector import Projector
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from tests.api.conftest import Aws, ProjectingStore
from tests.api.gateway import ApiClient
from tests.api.givens import a_purchase_order_closed_short, reconciled
from tests.api.wsgi_gateway import GatewayWsgi, bearer

TENANT = "tenant-fuzz"
IDEMPOTENCY = "idempotency-key"
VALID_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
gateway = GatewayWsgi()
ACCEPTED = ["2xx", 401, 403, 404, 409]
config = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 12, "deterministic": True},
        "headers": bearer(TENANT),
        "operations": [
            {
                # A cursor is opaque: any base64url text matches the schema, but only the
                # cursors we handed out are followed; the others are refused with a 400.
                "include-path-regex": "^/(inbound-shipments|transfer-orders|stock|stock/ledger)$",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
            },
            {
                # A made-up refresh token or consent code fits the schema, and Amazon refuses
                # it: 422 (nothing is created).
                "include-path-regex": "^/connections(/authorizations/[^/]+/complete)?$",
                "include-method": "POST",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
            },
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/openapi.json", gateway, config=config)


@pytest.fixture(scope="module")
def fuzzed(aws: Aws) -> Services:
    """A tenant with data behind the documented routes, and the gateway serving it."""
    store = DynamoDBEventStore(aws.settings.events_table, aws.clients.dynamodb)
    views = DynamoDBViewStore(aws.settings.views_table, aws.clients.dynamodb)
    services = build_services(
        aws.settings, aws.clients, events=ProjectingStore(store, Projector(store, views))
    )
    api = ApiClient(services, TENANT)
    ids = reconciled(api, services)
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})
    a_purchase_order_closed_short(services, TENANT, ids["purchase_order_id"], {"SKU-1": 4})
    gateway.services = services
    return services


@schema.parametrize()
def test_the_api_honours_its_openapi_document(case: Any, fuzzed: Services) -> None:
    # The fuzzer reuses keys across different bodies, which is rightly a 422: give each
    # well-formed key a fresh value (key reuse has its own tests).
    key = (case.headers or {}).get(IDEMPOTENCY)
    if key is not None and VALID_KEY.match(key):
        case.headers[IDEMPOTENCY] = f"{key[:90]}-{uuid.uuid4().hex}"
    case.call_and_validate(headers=bearer(TENANT))
