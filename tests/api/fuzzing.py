"""What every schemathesis run of the API shares, in-process (tests/api) and over HTTP against the
local runtime (tests/e2e): all of schemathesis' checks, the few statuses that are right where a
check cannot know it, two tenants that must never see each other's objects, and what a fuzzed
request needs that no schema can give (a fresh idempotency key, Amazon's real credentials).

The tenants are a Web Fuzzing Commons auth document (`FUZZ_TENANTS`): schemathesis sends every
request as TENANT and, for `object_level_authorization`, replays TENANT's successful reads as
PEER, which must not get TENANT's objects (the API answers another tenant's ids with a 404).
"""

import re
import uuid
from pathlib import Path
from typing import Any

import hypothesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful.state_machine import APIStateMachine

from functions.api.wiring import Services, build_services
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.projector import Projector
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from tests.api.conftest import Aws, ProjectingStore
from tests.api.gateway import ApiClient
from tests.api.givens import (
    REFRESH_TOKEN,
    SELLER,
    a_purchase_order_closed_short,
    a_synced_shipment,
    reconciled,
)
from tests.api.wsgi_gateway import GatewayWsgi

TENANT = "tenant-fuzz"
PEER = "tenant-fuzz-peer"
FUZZ_TENANTS = Path(__file__).with_name("fuzz_tenants.json")
IDEMPOTENCY = "idempotency-key"
VALID_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
ACCEPTED = ["2xx", 401, 403, 404, 409]
# Every check schemathesis has (not_a_server_error, status_code_conformance,
# content_type_conformance, response_headers_conformance, response_schema_conformance,
# negative_data_rejection, positive_data_acceptance, missing_required_header,
# unsupported_method, allow_header_conformance, use_after_free, ensure_resource_availability,
# ignored_auth, object_level_authorization); the response time only catches a hang.
CHECKS: dict[str, Any] = {"enabled": True, "max_response_time": 30}
# Where the API is right and a check cannot know it.
EXPECTED_STATUSES: list[dict[str, Any]] = [
    {
        # Vendors: a cursor other than one we handed out is refused (400, as below), and a
        # vendor's products name each SKU once (a JSON Schema cannot say "unique by sku"): 422.
        "include-path-regex": "^/vendors",  # (several filters in one entry match as "or")
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 422]}},
    },
    {
        # A cursor is opaque: any base64url text matches the schema, but only the cursors we
        # handed out are followed; the others are refused with a 400.
        "include-name-regex": (
            "^GET /(inbound-shipments|transfer-orders|purchase-orders|stock|stock/ledger)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
    },
    {
        # Products and listings: a cursor other than one we handed out, or an `as_of` outside
        # 1970-2999 (the schema says date-time), is refused (400); a
        # listing mapped to a product that is not yours, a product's vendor that is not yours,
        # a forecast edit for a past month or not on a month's first day, a sales range over
        # the bounds (two years by day) or reversed: 422, nothing appended.
        "include-name-regex": (
            "^(GET /(products|listings|products/[^/]+/(ledger|stock)|sales)"
            "|PUT /listings/[^/]+|PATCH /products/[^/]+|PUT /products/[^/]+/forecast-edits)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 422]}},
    },
    {
        # The drift of a warehouse that is not FBA (only Amazon reports its stock): 422; a
        # cursor other than one we handed out: 400, as above.
        "include-name-regex": "^GET /stock/drift$",
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 422]}},
    },
    {
        # A made-up refresh token or consent code fits the schema, and Amazon refuses it: 422
        # (nothing is created). The stateful runs send the seller's real token (`prepare`).
        "include-name-regex": "^POST /connections(/authorizations/[^/]+/complete)?$",
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # Commands whose refusal depends on what an id names, which no schema can say: a count
        # or adjustment in an FBA, FBM or combined warehouse (Amazon or the members keep their
        # stock), a SKU twice in one count, a zero delta, a combined warehouse's members that
        # are unknown, repeated or contain it, a reconcile from a warehouse that is not one of
        # your own: 422, nothing appended.
        "include-name-regex": (
            "^POST /(warehouses(/[^/]+/(stock-counts|adjustments))?"
            "|inbound-shipments/[^/]+/reconcile)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # Stock orders and receipts name each SKU once (a JSON Schema cannot say "unique by
        # sku"), and a transfer's source is neither an FBA warehouse nor its destination: 422.
        "include-name-regex": (
            "^(POST /(purchase-orders|transfer-orders)(/[^/]+/receipts)?"
            "|POST /purchase-orders/set-source"
            "|PATCH /purchase-orders/[^/]+)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # A connection's settings and marketplaces, and a warehouse's `enabled`, are refused by
        # what ids name, which no schema can say: a default source that is Amazon's or disabled,
        # an override or a marketplace not of the connection's region, a `transfer_order` whose
        # source is neither sent nor in force; enabling or disabling an FBA or FBM warehouse
        # (they follow their connection): 422, nothing appended.
        "include-name-regex": (
            "^(PUT|POST) /connections/[^/]+/settings$"
            "|^PATCH /(connections|warehouses)/[^/]+$"
            "|^POST /connections/authorizations$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # Save to Amazon is refused by what the order names, which no schema can say: a
        # destination that is not an FBA warehouse, an order not open or without units, no
        # ship-from (a vendor's order) or a source warehouse without a full address, AMAZON as
        # label or prep owner in the US: 422, nothing appended, nothing queued.
        "include-name-regex": "^POST /(purchase-orders|transfer-orders)/[^/]+/save-to-amazon$",
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # The same for a new refresh token of an existing connection: Amazon refuses a made-up
        # one, 422 and nothing changes.
        "include-name-regex": "^PUT /connections/[^/]+/credentials$",
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
    },
    {
        # Assemblies: a cursor other than one we handed out is refused (400); a bill naming a
        # product that is not yours, the product itself, one twice, or closing a cycle; an
        # assembly order at an FBA, FBM, combined or disabled warehouse, or of a product without
        # components; a receipt beyond what is left to receive: 422, nothing appended.
        "include-name-regex": (
            "^(GET /assembly-orders|PUT /products/[^/]+/components"
            "|POST /assembly-orders(/[^/]+/receipts)?)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 422]}},
    },
    {
        # Planning: a cursor other than one we handed out is refused (400); a warehouse named
        # twice in a comparison (a comma-separated list: no schema says "each once"); nothing to
        # order, or a warehouse that takes no purchase order; a transfer from a warehouse it
        # cannot start at: 422, nothing appended.
        "include-name-regex": (
            "^(GET /replenishment|POST /replenishment/purchase-orders"
            "|GET /reports/compare-warehouses|POST /reports/compare-warehouses/transfer-orders)$"
        ),
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 422]}},
    },
]


def fuzz_config(*, max_examples: int) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True},
            "auth": {"wfc": {"path": str(FUZZ_TENANTS), "user": TENANT, "peers": [TENANT, PEER]}},
            "checks": CHECKS,
            "operations": EXPECTED_STATUSES,
        }
    )


def stateful_settings(*, scenarios: int, steps: int) -> hypothesis.settings:
    """Bounded and deterministic, for CI: `scenarios` runs of at most `steps` calls each."""
    return hypothesis.settings(
        max_examples=scenarios,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )


class Credentials:
    """A seller Amazon knows, and a refresh token Login with Amazon honours for it."""

    def __init__(self, seller_id: str, refresh_token: str) -> None:
        self.seller_id = seller_id
        self.refresh_token = refresh_token


# The seller the simulated Amazon of tests/api knows (see tests/api/conftest.py).
KNOWN_SELLER = Credentials(SELLER, REFRESH_TOKEN)


def a_fuzzed_tenant(aws: Aws, gateway: GatewayWsgi) -> Services:
    """TENANT with data behind every documented route, and `gateway` serving it, each append
    projected at once (create, then read, holds): a connection, an own warehouse, a shipment
    reconciled from it and shipped whose purchase order Amazon closed short, and a shipment
    not reconciled yet."""
    store = DynamoDBEventStore(aws.settings.events_table, aws.clients.dynamodb)
    views = DynamoDBViewStore(aws.settings.views_table, aws.clients.dynamodb)
    services = build_services(
        aws.settings, aws.clients, events=ProjectingStore(store, Projector(store, views))
    )
    api = ApiClient(services, TENANT)
    ids = reconciled(api, services)
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})
    a_purchase_order_closed_short(services, TENANT, ids["purchase_order_id"], {"SKU-1": 4})
    a_synced_shipment(services, TENANT, ids["connection_id"])
    gateway.services = services
    return services


def prepare(case: Any, credentials: Credentials | None = None) -> None:
    """What a generated request needs before it is sent.

    The fuzzer reuses idempotency keys across different bodies, which is rightly a 422: each
    well-formed key gets a fresh value (key reuse has its own tests). With `credentials`, a
    well-formed POST /connections sends the seller's real token, so it creates a connection
    that the stateful runs then read (a made-up one is refused by Amazon, 422).
    """
    key = (case.headers or {}).get(IDEMPOTENCY)
    if key is not None and VALID_KEY.match(key):
        case.headers[IDEMPOTENCY] = f"{key[:90]}-{uuid.uuid4().hex}"
    if (
        credentials is not None
        and (case.method, case.path) == ("POST", "/connections")
        and is_positive(case)
        and isinstance(case.body, dict)
    ):
        case.body = {
            **case.body,
            "seller_id": credentials.seller_id,
            "refresh_token": credentials.refresh_token,
        }


def is_positive(case: Any) -> bool:
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


def run_stateful(
    schema: Any, settings: hypothesis.settings, credentials: Credentials | None = None
) -> None:
    """Run the schema's state machine: scenarios of calls following its OpenAPI links (create,
    then read), each request `prepare`d and every response checked.

    Every scenario runs as the same tenant, whose state moves on (a connection created, a
    discrepancy written off): Hypothesis, replaying a scenario, may then see another response
    and draw another step, which it reports as flaky. As in schemathesis' own stateful phase,
    that alone is no failure: what the run reports is the checks that failed, kept as they fail.
    """
    failures: list[Exception] = []
    links: type[APIStateMachine] = schema.as_state_machine()

    class Machine(links):  # type: ignore[valid-type, misc]
        def before_call(self, case: Any) -> None:
            prepare(case, credentials)

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, *args, **kwargs)
            except Exception as failure:
                failures.append(failure)
                raise

    try:
        Machine.run(settings=settings)
    except Exception as error:
        if not (isinstance(error, hypothesis.errors.Flaky) or is_inconsistent_replay(error)):
            raise
        if failures:
            raise failures[0] from error
