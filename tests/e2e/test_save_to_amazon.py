"""End to end over HTTP against `python -m infra.local`: a transfer saved to Amazon, split into
three shipments as Amazon places it, received over days (the order received across them, stock
right, nothing imported twice by the connection's rule); "do not split" refused when Amazon
offers no single shipment; bad requests refused with the field named."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from infra.simulated_amazon import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, Tenant, eventually, fast_backend

pytestmark = pytest.mark.slow

LINES = {"MUG-1": 30, "MUG-2": 20, "MUG-3": 10}
ADDRESS = {
    "name": "Main warehouse",
    "address_line_1": "1 Test Street",
    "city": "Austin",
    "state_or_province_code": "TX",
    "country_code": "US",
    "postal_code": "78701",
    "phone_number": "+15125550100",
}
SAVE = {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"}


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("save-to-amazon"))


class Seller(Tenant):
    """A tenant whose connection imports every shipment it discovers as a purchase order: a
    saved order's shipments imported again would show as a second order."""

    def __init__(self, backend: RunningBackend) -> None:
        super().__init__(backend)
        self.amazon = ControlClient(backend.sim_url)
        self.seller_id = f"E2E{uuid.uuid4().hex[:10].upper()}"
        token = self.amazon.create_seller(self.seller_id, [US])["refresh_token"]
        connection = self.call(
            "POST",
            "/connections",
            201,
            json={
                "seller_id": self.seller_id,
                "region": "NA",
                "marketplace_ids": [US],
                "refresh_token": token,
                "default_order_type": "purchase_order",
            },
        )
        self.connection_id = str(connection["connection_id"])
        self.fba = next(w["warehouse_id"] for w in connection["warehouses"] if w["kind"] == "fba")
        self.synced_once(self.connection_id)

    def source_with_stock(self) -> str:
        source = self.call("POST", "/warehouses", 201, json={"name": "Main"})["warehouse_id"]
        self.call("PATCH", f"/warehouses/{source}", 200, json={"address": ADDRESS})
        counts = [{"sku": sku, "quantity": 100} for sku in LINES]
        self.call("POST", f"/warehouses/{source}/stock-counts", 200, json={"lines": counts})
        return str(source)

    def transfer(self, source: str) -> dict[str, Any]:
        lines = [{"sku": sku, "quantity": q} for sku, q in LINES.items()]
        body = {"source_warehouse_id": source, "destination_warehouse_id": self.fba, "lines": lines}
        return dict(self.call("POST", "/transfer-orders", 201, json=body))

    def job_ended(self, job_id: str) -> dict[str, Any]:
        return eventually(
            f"job {job_id} ended",
            lambda: self.call("GET", f"/amazon-jobs/{job_id}", 200),
            lambda job: job["status"] != "in_progress",
            seconds=90,
        )

    def stock(self, warehouse_id: str) -> dict[str, dict[str, Any]]:
        rows = self.call("GET", "/stock", 200, params={"warehouse_id": warehouse_id})["items"]
        return {row["sku"]: row for row in rows}


def test_a_transfer_split_into_three_shipments_is_received_across_them(
    backend: RunningBackend,
) -> None:
    seller = Seller(backend)
    seller.amazon.set_placement_options(
        seller.seller_id, [{"shipment_count": 3, "fee": 10}, {"shipment_count": 1, "fee": 60}]
    )
    source = seller.source_with_stock()
    transfer = seller.transfer(source)

    accepted = seller.call(
        "POST", f"/transfer-orders/{transfer['transfer_order_id']}/save-to-amazon", 202, json=SAVE
    )
    job = seller.job_ended(accepted["job_id"])

    assert job["status"] == "succeeded", job
    assert len(job["shipment_ids"]) == 3
    assert job["placement_option_id"] is not None
    assert {o["shipment_count"] for o in job["offered"]} == {1, 3}
    po_id = transfer["purchase_order_id"]
    order = seller.call("GET", f"/purchase-orders/{po_id}", 200)
    assert sorted(order["shipment_ids"]) == sorted(job["shipment_ids"])
    shown = seller.call("GET", f"/transfer-orders/{transfer['transfer_order_id']}", 200)
    assert sorted(shown["shipment_ids"]) == sorted(job["shipment_ids"])
    # Saving changes no figure: still on order at FBA, committed at the source.
    eventually(
        "on order at FBA as before the save",
        lambda: seller.stock(seller.fba),
        lambda rows: {sku: r["on_order"] for sku, r in rows.items()} == LINES,
    )
    assert {sku: r["committed"] for sku, r in seller.stock(source).items()} == LINES
    patched = seller.call("PATCH", f"/purchase-orders/{po_id}", 409, json={"reference": "x"})
    assert patched["code"] == "order_locked"
    again = seller.call(
        "POST", f"/transfer-orders/{transfer['transfer_order_id']}/save-to-amazon", 409, json=SAVE
    )
    assert "already" in again["message"]

    # The sync sees the three shipments as the order's: none unreconciled, nothing imported.
    seller.call("POST", f"/connections/{seller.connection_id}/sync", 202)
    shipments = eventually(
        "the three shipments synced",
        lambda: seller.call("GET", "/inbound-shipments", 200)["items"],
        lambda items: len(items) == 3,
    )
    assert all(s["reconciled"] for s in shipments), shipments
    orders = seller.call("GET", "/purchase-orders", 200)["items"]
    assert [o["purchase_order_id"] for o in orders] == [po_id]

    # Amazon receives them over days: the order is received across its shipments.
    placed = {fba: seller.amazon.shipment(fba)["items"] for fba in job["shipment_ids"]}
    first, *others = job["shipment_ids"]
    for fba in job["shipment_ids"]:
        seller.amazon.set_status(fba, "SHIPPED")
    seller.amazon.receive(first, {i["sku"]: i["quantity_shipped"] for i in placed[first]})
    seller.call("POST", f"/connections/{seller.connection_id}/sync", 202)
    received_first = sum(i["quantity_shipped"] for i in placed[first])
    eventually(
        "the first shipment's units received",
        lambda: seller.call("GET", f"/purchase-orders/{po_id}", 200),
        lambda o: sum(line["quantity_received"] for line in o["lines"]) == received_first,
    )
    for fba in others:
        seller.amazon.advance_clock(86_400)
        seller.amazon.receive(fba, {i["sku"]: i["quantity_shipped"] for i in placed[fba]})
        seller.amazon.close(fba)
    seller.amazon.close(first)
    seller.call("POST", f"/connections/{seller.connection_id}/sync", 202)
    received = eventually(
        "the order received in full",
        lambda: seller.call("GET", f"/purchase-orders/{po_id}", 200),
        lambda o: o["status"] == "received",
        seconds=60,
    )
    assert {line["sku"]: line["quantity_received"] for line in received["lines"]} == LINES
    fba_stock = eventually(
        "FBA stock showing every unit",
        lambda: seller.stock(seller.fba),
        lambda rows: {sku: r["on_hand"] for sku, r in rows.items()} == LINES,
    )
    assert all(
        r["on_order"] == r["in_transit"] == r["receiving"] == 0 for r in fba_stock.values()
    ), fba_stock
    source_stock = seller.stock(source)
    assert {sku: r["on_hand"] for sku, r in source_stock.items()} == {
        sku: 100 - q for sku, q in LINES.items()
    }


def test_do_not_split_fails_when_amazon_only_splits_and_the_order_stays_open(
    backend: RunningBackend,
) -> None:
    seller = Seller(backend)
    seller.amazon.set_placement_options(
        seller.seller_id, [{"shipment_count": 2, "fee": 0}, {"shipment_count": 3, "fee": 4.5}]
    )
    transfer = seller.transfer(seller.source_with_stock())
    body = {**SAVE, "split": "none"}

    accepted = seller.call(
        "POST", f"/purchase-orders/{transfer['purchase_order_id']}/save-to-amazon", 202, json=body
    )
    job = seller.job_ended(accepted["job_id"])

    assert job["status"] == "failed"
    assert job["error"]["code"] == "placement_requires_split"
    assert "2 shipments, fee 0" in job["error"]["message"]
    assert job["shipment_ids"] == []
    eventually(  # the order is free at once; the plan Amazon made is cancelled next
        "the plan cancelled",
        lambda: seller.call("GET", f"/amazon-jobs/{accepted['job_id']}", 200),
        lambda job: job["plan_cancelled"] is True,
    )
    order = seller.call("GET", f"/purchase-orders/{transfer['purchase_order_id']}", 200)
    assert order["status"] == "open" and order["shipment_ids"] == []
    # Free again: saved once more with a split accepted, it succeeds.
    accepted = seller.call(
        "POST", f"/purchase-orders/{transfer['purchase_order_id']}/save-to-amazon", 202, json=SAVE
    )
    assert seller.job_ended(accepted["job_id"])["status"] == "succeeded"


def test_bad_requests_are_refused_with_the_field_named(backend: RunningBackend) -> None:
    seller = Seller(backend)
    source = seller.source_with_stock()
    store = seller.call("POST", "/warehouses", 201, json={"name": "Store"})["warehouse_id"]
    lines = [{"sku": "MUG-1", "quantity": 5}]
    own = seller.call(
        "POST",
        "/transfer-orders",
        201,
        json={"source_warehouse_id": source, "destination_warehouse_id": store, "lines": lines},
    )
    refused = seller.call(
        "POST", f"/transfer-orders/{own['transfer_order_id']}/save-to-amazon", 422, json=SAVE
    )
    assert refused["errors"][0]["field"] == "body.destination_warehouse_id", refused

    vendor = seller.call(
        "POST", "/vendors", 201, json={"name": "Acme", "lead_time_days": 7, "currency": "USD"}
    )["vendor_id"]
    vendor_po = seller.call(
        "POST",
        "/purchase-orders",
        201,
        json={"vendor_id": vendor, "destination_warehouse_id": seller.fba, "lines": lines},
    )["purchase_order_id"]
    refused = seller.call("POST", f"/purchase-orders/{vendor_po}/save-to-amazon", 422, json=SAVE)
    assert refused["errors"][0]["field"] == "body.ship_from", refused
    partial = {k: v for k, v in ADDRESS.items() if k != "phone_number"}
    refused = seller.call(
        "POST",
        f"/purchase-orders/{vendor_po}/save-to-amazon",
        422,
        json={**SAVE, "ship_from": partial},
    )
    assert refused["errors"][0]["field"] == "body.ship_from.phone_number", refused
    refused = seller.call(
        "POST",
        f"/purchase-orders/{vendor_po}/save-to-amazon",
        422,
        json={**SAVE, "label_owner": "AMAZON", "ship_from": ADDRESS},
    )
    assert refused["errors"][0]["field"] == "body.label_owner", refused
    seller.call("POST", "/purchase-orders/po-unknown/save-to-amazon", 404, json=SAVE)
    seller.call("GET", "/amazon-jobs/aj-unknown", 404)
    assert seller.call("GET", "/purchase-orders", 200)["items"][0]["status"] == "open"


def test_throttling_is_waited_out_and_a_failed_operation_binds_nothing(
    backend: RunningBackend,
) -> None:
    seller = Seller(backend)
    for operation in ("createInboundPlan", "confirmPackingOption"):
        seller.amazon.inject_fault(operation, 429, count=2)
    throttled = seller.transfer(seller.source_with_stock())
    accepted = seller.call(
        "POST", f"/transfer-orders/{throttled['transfer_order_id']}/save-to-amazon", 202, json=SAVE
    )
    assert seller.job_ended(accepted["job_id"])["status"] == "succeeded"
    assert len(seller.amazon.inbound_plans(seller.seller_id)) == 1

    seller.amazon.fail_next_operation(seller.seller_id, "confirmPlacementOption")
    failing = seller.transfer(seller.source_with_stock())
    accepted = seller.call(
        "POST", f"/transfer-orders/{failing['transfer_order_id']}/save-to-amazon", 202, json=SAVE
    )
    job = seller.job_ended(accepted["job_id"])

    assert job["status"] == "failed"
    assert job["error"]["code"] == "amazon_operation_failed"
    assert job["error"]["step"] == "confirm_placement_option"
    assert job["error"]["problems"][0]["code"] == "InternalServerError"
    assert job["shipments"] == [] and job["shipment_ids"] == []
    order = seller.call("GET", f"/purchase-orders/{failing['purchase_order_id']}", 200)
    assert (order["status"], order["shipment_ids"]) == ("open", [])
    # The plan is cancelled and the order free again: saved once more, it succeeds.
    eventually(
        "the failed job's plan cancelled",
        lambda: seller.call("GET", f"/amazon-jobs/{accepted['job_id']}", 200),
        lambda job: job["plan_cancelled"] is True,
    )
    again = seller.call(
        "POST", f"/transfer-orders/{failing['transfer_order_id']}/save-to-amazon", 202, json=SAVE
    )
    assert seller.job_ended(again["job_id"])["status"] == "succeeded"
