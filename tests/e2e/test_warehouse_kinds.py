"""End to end over HTTP against `python -m infra.local`: a manual warehouse counted and adjusted,
an own warehouse counted, a combined warehouse of both (and of another combined one) showing
their stock summed once the projector has caught up; a transfer out of the manual warehouse and
a member list that would contain the warehouse itself are refused."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import RunningBackend
from tests.e2e.tenant import Tenant, eventually, fast_backend

SKU = "MUG-1"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("warehouse-kinds"))


def stock_of(tenant: Tenant, warehouse_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = tenant.call(
        "GET", "/stock", 200, params={"warehouse_id": warehouse_id}
    )["items"]
    return rows


def test_a_combined_warehouse_sums_a_manual_and_an_own_warehouse(backend: RunningBackend) -> None:
    seller = Tenant(backend)
    manual = seller.call("POST", "/warehouses", 201, json={"name": "IP", "kind": "manual"})
    own = seller.call("POST", "/warehouses", 201, json={"name": "Store"})
    manual_id, own_id = manual["warehouse_id"], own["warehouse_id"]
    count = {"lines": [{"sku": SKU, "quantity": 10}]}
    seller.call("POST", f"/warehouses/{manual_id}/stock-counts", 200, json=count)
    seller.call("POST", f"/warehouses/{own_id}/stock-counts", 200, json=count)
    seller.call(
        "POST",
        f"/warehouses/{manual_id}/adjustments",
        200,
        json={"lines": [{"sku": SKU, "delta": -4, "reason": "damaged"}]},
    )
    inner = seller.call(
        "POST",
        "/warehouses",
        201,
        json={"name": "Inner", "kind": "combined", "members": [{"warehouse_id": manual_id}]},
    )["warehouse_id"]

    outer = seller.call(
        "POST",
        "/warehouses",
        201,
        json={
            "name": "All",
            "kind": "combined",
            "members": [{"warehouse_id": inner}, {"warehouse_id": own_id}],
        },
    )["warehouse_id"]

    rows = eventually(
        "the combined warehouse summing 6 + 10",
        lambda: stock_of(seller, outer),
        lambda found: [(r["sku"], r["on_hand"]) for r in found] == [(SKU, 16)],
    )
    assert rows[0]["members"] == [own_id, manual_id]
    transfer = {
        "source_warehouse_id": manual_id,
        "destination_warehouse_id": own_id,
        "lines": [{"sku": SKU, "quantity": 1}],
    }
    refused = seller.call("POST", "/transfer-orders", 422, json=transfer)
    assert refused["errors"][0]["field"] == "body.source_warehouse_id"
    cycle = seller.call(
        "PATCH", f"/warehouses/{inner}", 422, json={"members": [{"warehouse_id": outer}]}
    )
    assert cycle["errors"][0]["field"] == "body.members.0"
