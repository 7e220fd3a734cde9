"""End to end over HTTP against `python -m infra.local`: a kit's bill of materials, an
assembly order at an own warehouse on assembly until received, a receipt consuming the parts
once the projector has caught up, and a receipt short of a part refused naming it."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import RunningBackend
from tests.e2e.tenant import Tenant, eventually, fast_backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("assemblies"))


def stock_of(tenant: Tenant, warehouse_id: str) -> dict[str, tuple[int, int]]:
    rows: list[dict[str, Any]] = tenant.call(
        "GET", "/stock", 200, params={"warehouse_id": warehouse_id}
    )["items"]
    return {row["sku"]: (row["on_hand"], row["on_order"]) for row in rows}


def test_a_kit_is_made_from_its_parts(backend: RunningBackend) -> None:
    # given a kit of 2 bolts and a plate, and 10 bolts and 3 plates at my workshop
    seller = Tenant(backend)
    ids = {
        sku: seller.call("POST", "/products", 201, json={"sku": sku, "name": sku})["product_id"]
        for sku in ("KIT", "BOLT", "PLATE")
    }
    bill = [{"product_id": ids["BOLT"], "quantity": 2}, {"product_id": ids["PLATE"], "quantity": 1}]
    seller.call("PUT", f"/products/{ids['KIT']}/components", 200, json=bill)
    workshop = seller.call("POST", "/warehouses", 201, json={"name": "Workshop"})["warehouse_id"]
    count = {"lines": [{"sku": "BOLT", "quantity": 10}, {"sku": "PLATE", "quantity": 3}]}
    seller.call("POST", f"/warehouses/{workshop}/stock-counts", 200, json=count)

    # when 4 kits are ordered
    order = seller.call(
        "POST",
        "/assembly-orders",
        201,
        json={"warehouse_id": workshop, "product_id": ids["KIT"], "quantity": 4},
    )["assembly_order_id"]

    # then they are on assembly, once the projector caught up
    eventually(
        "4 kits on assembly beside the parts counted",
        lambda: stock_of(seller, workshop),
        lambda found: found == {"BOLT": (10, 0), "PLATE": (3, 0), "KIT": (0, 4)},
    )

    # when 3 are made
    made = seller.call(
        "POST",
        f"/assembly-orders/{order}/receipts",
        200,
        json={"quantity": 3},
        headers={"Idempotency-Key": "kits-1"},
    )

    # then the parts are consumed and the kits are on hand
    assert made["status"] == "partially_received"
    eventually(
        "6 bolts and 3 plates made into 3 kits",
        lambda: stock_of(seller, workshop),
        lambda found: found == {"BOLT": (4, 0), "PLATE": (0, 0), "KIT": (3, 1)},
    )
    shown = seller.call("GET", f"/assembly-orders/{order}", 200)
    assert (shown["received"], shown["on_assembly"]) == (3, 1)

    # and the last one, with no plate left, is refused naming the plate
    short = seller.call("POST", f"/assembly-orders/{order}/receipts", 409, json={"quantity": 1})
    assert short["code"] == "components_short"
    assert "PLATE needs 1, on hand 0" in short["message"]
    assert "BOLT" not in short["message"]
