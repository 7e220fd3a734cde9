"""Schemathesis over HTTP against the local runtime (`python -m infra.local` on free ports): the
document it serves at /openapi.json, every check of `tests.api.fuzzing`, stateless (valid and
invalid requests to every operation) and stateful (sequences following the document's links).

Unlike in-process, the views here are updated asynchronously (the projector is fed by the
DynamoDB stream), so create-then-read holds only because single resources are read your writes.
Bounded to about two minutes."""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis

from infra.simulated_amazon.client import ControlClient
from tests.api.fuzzing import (
    TENANT,
    Credentials,
    fuzz_config,
    prepare,
    run_stateful,
    stateful_settings,
)
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, eventually, fast_backend

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("api-blackbox"))


@pytest.fixture(scope="module")
def amazon(backend: RunningBackend) -> Iterator[ControlClient]:
    client = ControlClient(backend.sim_url)
    yield client
    client.disconnect()


@pytest.fixture(scope="module")
def seeded(backend: RunningBackend, amazon: ControlClient) -> None:
    """TENANT with data behind every route, all made over HTTP: a seller's connection, an own
    warehouse with stock, a shipment the sync found, reconciled from it and shipped, and one
    not reconciled yet."""
    seller_id = f"FUZZ{uuid.uuid4().hex[:10].upper()}"
    token = amazon.create_seller(seller_id, [US])["refresh_token"]
    with httpx.Client(
        base_url=backend.api_url, headers={"Authorization": f"Bearer dev:{TENANT}"}, timeout=30
    ) as api:

        def call(method: str, path: str, expect: int, **kw: Any) -> Any:
            response = api.request(method, path, **kw)
            assert response.status_code == expect, f"{method} {path}: {response.text}"
            return response.json()

        body = {"seller_id": seller_id, "region": "NA", "marketplace_ids": [US]}
        connection = call("POST", "/connections", 201, json={**body, "refresh_token": token})
        main = call("POST", "/warehouses", 201, json={"name": "MAIN"})["warehouse_id"]
        lines = [{"sku": sku, "quantity": 50} for sku in ("A", "B")]
        call("POST", f"/warehouses/{main}/stock-counts", 200, json={"lines": lines})
        shipped = amazon.create_shipment(seller_id, US, {"A": 10, "B": 4})
        waiting = amazon.create_shipment(seller_id, US, {"A": 2})
        call("POST", f"/connections/{connection['connection_id']}/sync", 202)
        eventually(
            "both shipments listed",
            lambda: {s["shipment_id"] for s in call("GET", "/inbound-shipments", 200)["items"]},
            lambda found: {shipped, waiting} <= found,
        )
        ids = call(
            "POST",
            f"/inbound-shipments/{shipped}/reconcile",
            201,
            json={"source_warehouse_id": main},
        )
        call(
            "POST", f"/sales-orders/{ids['sales_order_id']}/status", 200, json={"status": "shipped"}
        )


@pytest.fixture(scope="module")
def api_schema(backend: RunningBackend, seeded: None) -> Any:
    return schemathesis.openapi.from_url(
        f"{backend.api_url}/openapi.json", config=fuzz_config(max_examples=25)
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 renames a lazily loaded schema's subtests through the test node's
    private `_nodeid`, which pytest 9.2 no longer has: give it one to rename."""
    request.node._nodeid = request.node.nodeid


@pytest.mark.usefixtures("node_id_for_schemathesis")
@schema.parametrize()
def test_every_operation_honours_the_served_document(case: Any) -> None:
    prepare(case)
    case.call_and_validate()


def test_sequences_following_the_links_honour_the_served_document(
    api_schema: Any, amazon: ControlClient
) -> None:
    # A seller Amazon knows and TENANT has not connected yet: a valid POST /connections creates
    # a connection, which the links then read.
    seller_id = f"FUZZ{uuid.uuid4().hex[:10].upper()}"
    token = amazon.create_seller(seller_id, [US])["refresh_token"]
    run_stateful(
        api_schema, stateful_settings(scenarios=40, steps=12), Credentials(seller_id, token)
    )
