"""End to end over HTTP against `python -m infra.local`: a connection opened under
`purchase_order` imports every shipment Amazon has as one unknown-source purchase order, and
re-syncs import nothing more; Set source turns them into transfers from a warehouse; an FBA
shipment with nothing received long after Amazon's need-by date leaves the planning figures and
comes back with Amazon's first receipt."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, Tenant, eventually, fast_backend, fba_of, new_seller

SHIPMENTS = 100
SKUS = 10  # the seller ships its ten SKUs again and again (each SKU is a listing and a product)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    # The shipment sync and its import rules only: Amazon's sales and inventory reads (their own
    # e2e tests) would double the local runtime's work for the 100 shipments' 200 SKUs.
    yield from fast_backend(
        tmp_path_factory.mktemp("sync-rules"),
        SYNC_SALES_READS="false",
        SYNC_INVENTORY_SUMMARIES_MINUTES="off",
    )


class Seller(Tenant):
    """A tenant with a seller in the simulator, connected under `default_order_type`."""

    def __init__(self, backend: RunningBackend, order_type: str) -> None:
        super().__init__(backend)
        self.amazon = ControlClient(backend.sim_url)
        self.seller_id, self.token = new_seller(self.amazon)
        self.shipments: list[str] = []
        self.order_type = order_type

    def connect(self) -> dict[str, Any]:
        connection = self.connect_account(self.seller_id, self.token, self.order_type)
        self.connection_id = str(connection["connection_id"])
        self.fba = fba_of(connection)
        return connection

    def sync(self) -> None:
        self.call("POST", f"/connections/{self.connection_id}/sync", 202)

    def unknown_source_orders(self) -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            params = {
                "source_type": "unknown",
                "limit": "100",
                **({"cursor": cursor} if cursor else {}),
            }
            page = self.call("GET", "/purchase-orders", 200, params=params)
            ids += [item["purchase_order_id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return ids


def test_every_existing_shipment_is_imported_once_and_re_syncs_add_nothing(
    backend: RunningBackend,
) -> None:
    # Given Amazon holding 100 shipments before the seller connects under purchase_order
    seller = Seller(backend, "purchase_order")
    shipments = seller.amazon.bulk_create_shipments(
        seller.seller_id, US, SHIPMENTS, 2, sku_pool_size=SKUS
    )

    # When the connection opens (its first sync), then three re-syncs
    seller.connect()
    imported = eventually(
        f"{SHIPMENTS} unknown-source purchase orders",
        seller.unknown_source_orders,
        lambda ids: len(ids) >= SHIPMENTS,
        seconds=180,  # a first sync of 100 shipments and their imports on a shared machine
    )
    for _ in range(3):
        seller.sync()
    seller.synced_once(seller.connection_id)

    # Then exactly one order per shipment, bound to it
    assert sorted(imported) == sorted(f"po-{s}" for s in shipments)
    assert sorted(seller.unknown_source_orders()) == sorted(imported)
    order = seller.call("GET", f"/purchase-orders/{imported[0]}", 200)
    assert (order["locked"], order["source_type"], len(order["shipment_ids"])) == (
        True,
        "unknown",
        1,
    )
    unreconciled = seller.call("GET", "/inbound-shipments", 200, params={"reconciled": "false"})
    assert unreconciled["items"] == []

    # And Set source makes them transfers from the seller's warehouse, one result per id
    main = seller.call("POST", "/warehouses", 201, json={"name": "Main"})["warehouse_id"]
    results = seller.call(
        "POST",
        "/purchase-orders/set-source",
        200,
        json={"purchase_order_ids": imported, "source_warehouse_id": main},
    )["results"]
    assert [r["result"] for r in results] == ["ok"] * SHIPMENTS
    eventually(
        "no unknown-source orders left",
        seller.unknown_source_orders,
        lambda ids: ids == [],
        seconds=120,
    )
    units = sum(
        line["quantity_ordered"]
        for po_id in imported[:5]
        for line in seller.call("GET", f"/purchase-orders/{po_id}", 200)["lines"]
    )
    assert units > 0


def test_an_unreceived_shipment_leaves_planning_and_amazons_receipt_brings_it_back(
    backend: RunningBackend,
) -> None:
    # Given a shipment Amazon needed by 2026-01-01, imported as a purchase order, and planning
    # ignoring shipments with nothing received 10 days after their expected date
    seller = Seller(backend, "purchase_order")
    shipment_id = seller.amazon.create_shipment(
        seller.seller_id, US, {"MUG": 6}, confirmed_need_by_date="2026-01-01"
    )
    seller.connect()
    seller.call(
        "PUT",
        "/settings/planning",
        200,
        json={"ignore_unreceived": {"enabled": True, "days_after_expected": 10}},
    )

    def row() -> dict[str, Any]:
        rows = seller.call("GET", "/stock", 200, params={"warehouse_id": seller.fba, "sku": "MUG"})
        return dict(rows["items"][0]) if rows["items"] else {}

    # Then it is on order, but not incoming for planning, since 2026-01-11
    ignored = eventually(
        "the shipment ignored by planning",
        row,
        lambda r: bool(r) and r["on_order"] == 6 and r["incoming_for_planning"] == 0,
        seconds=90,  # the module's backend may still be projecting the 100 shipments' orders
    )
    assert [
        (s["shipment_id"], s["units"], s["ignored_since"]) for s in ignored["ignored_shipments"]
    ] == [(shipment_id, 6, "2026-01-11T00:00:00Z")]
    order = seller.call("GET", f"/purchase-orders/po-{shipment_id}", 200)
    assert order["expected_date"] == "2026-01-01"  # Amazon's need-by date

    # When Amazon receives one unit, it counts again at once
    seller.amazon.set_status(shipment_id, "RECEIVING")
    seller.amazon.receive(shipment_id, {"MUG": 1})
    seller.sync()
    back = eventually(
        "the shipment back in planning",
        row,
        lambda r: r.get("on_hand") == 1 and r["ignored_shipments"] == [],
    )
    assert (
        back["incoming_for_planning"]
        == back["on_order"] + back["in_transit"] + back["receiving"]
        == 5
    )


def test_the_settings_are_checked_before_anything_is_created(backend: RunningBackend) -> None:
    seller = Seller(backend, "transfer_order")  # a transfer rule needs its source
    reply = httpx.post(
        f"{backend.api_url}/connections",
        headers=seller.api.headers,
        json={
            "seller_id": seller.seller_id,
            "region": "NA",
            "marketplace_ids": [US],
            "refresh_token": seller.token,
            "default_order_type": "transfer_order",
        },
    )
    assert reply.status_code == 422, reply.text
    assert seller.call("GET", "/connections", 200)["items"] == []
