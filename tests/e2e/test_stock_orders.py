"""End to end over HTTP against `python -m infra.local`: a vendor purchase order of 100 into an
own warehouse is on order, received 60 (on hand +60, on order 40, two ledger entries), then
closed with a discrepancy of 40; a transfer to another own warehouse commits, ships and is
received."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import RunningBackend
from tests.e2e.tenant import Tenant, eventually, fast_backend

SKU = "MUG-1"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("stock-orders"))


def stock_at(tenant: Tenant, warehouse_id: str) -> dict[str, Any]:
    rows = tenant.call("GET", "/stock", 200, params={"warehouse_id": warehouse_id, "sku": SKU})
    return rows["items"][0] if rows["items"] else {}


def shown(tenant: Tenant, warehouse_id: str, **expected: int) -> dict[str, Any]:
    return eventually(
        f"{SKU} at {warehouse_id} showing {expected}",
        lambda: stock_at(tenant, warehouse_id),
        lambda row: bool(row) and all(row[name] == units for name, units in expected.items()),
    )


def test_a_vendor_order_received_in_part_and_closed_short(backend: RunningBackend) -> None:
    seller = Tenant(backend)
    store = seller.call("POST", "/warehouses", 201, json={"name": "Store"})["warehouse_id"]
    vendor = seller.call(
        "POST",
        "/vendors",
        201,
        json={"name": "Acme", "lead_time_days": 14, "currency": "USD"},
    )["vendor_id"]

    placed = seller.call(
        "POST",
        "/purchase-orders",
        201,
        json={
            "vendor_id": vendor,
            "destination_warehouse_id": store,
            "lines": [{"sku": SKU, "quantity": 100, "unit_cost": "3.10"}],
        },
    )
    po_id = placed["purchase_order_id"]
    shown(seller, store, on_order=100, on_hand=0)

    seller.call(
        "POST",
        f"/purchase-orders/{po_id}/receipts",
        200,
        json={"lines": [{"sku": SKU, "quantity": 60}]},
    )
    shown(seller, store, on_hand=60, on_order=40)
    entries = seller.call("GET", "/stock/ledger", 200, params={"warehouse_id": store, "sku": SKU})[
        "entries"
    ]
    assert [(e["event_type"], e["order_id"]) for e in entries] == [
        ("PurchaseOrderCreated", po_id),
        ("PurchaseOrderReceived", po_id),
    ]

    closed = seller.call("POST", f"/purchase-orders/{po_id}/close", 200)
    assert closed["status"] == "closed_short"
    shown(seller, store, on_hand=60, on_order=0, discrepancy=40)
    order = seller.call("GET", f"/purchase-orders/{po_id}", 200)
    assert order["lines"][0]["discrepancy"] == 40
    listed = eventually(
        "the closed order listed",
        lambda: seller.call("GET", "/purchase-orders", 200, params={"status": "closed_short"}),
        lambda page: [i["purchase_order_id"] for i in page["items"]] == [po_id],
    )
    assert listed["items"][0]["units_received"] == 60


def test_a_transfer_between_own_warehouses(backend: RunningBackend) -> None:
    seller = Tenant(backend)
    main = seller.call("POST", "/warehouses", 201, json={"name": "Main"})["warehouse_id"]
    store = seller.call("POST", "/warehouses", 201, json={"name": "Store"})["warehouse_id"]
    seller.call(
        "POST",
        f"/warehouses/{main}/stock-counts",
        200,
        json={"lines": [{"sku": SKU, "quantity": 30}]},
    )

    transfer = seller.call(
        "POST",
        "/transfer-orders",
        201,
        json={
            "source_warehouse_id": main,
            "destination_warehouse_id": store,
            "lines": [{"sku": SKU, "quantity": 12}],
        },
    )
    transfer_id = transfer["transfer_order_id"]
    shown(seller, main, on_hand=30, committed=12)
    shown(seller, store, on_order=12)

    seller.call("POST", f"/transfer-orders/{transfer_id}/ship", 200)
    shown(seller, main, on_hand=18, committed=0)
    shown(seller, store, in_transit=12, on_order=0)

    seller.call(
        "POST",
        f"/transfer-orders/{transfer_id}/receipts",
        200,
        json={"lines": [{"sku": SKU, "quantity": 12}]},
    )
    shown(seller, store, on_hand=12, in_transit=0)
    detail = seller.call("GET", f"/transfer-orders/{transfer_id}", 200)
    assert (detail["sales_order"]["status"], detail["purchase_order"]["status"]) == (
        "shipped",
        "received",
    )
