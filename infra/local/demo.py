"""`make demo`: the seed workflow end to end over HTTP, narrated with the real API responses.

Against a running `make dev` when LOCAL_API_URL and LOCAL_SIM_URL are set, otherwise against an
embedded stack started on free ports. Exits non-zero as soon as a step does not show what it
should.
"""

import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from infra.local.config import LocalConfig

US = "ATVPDKIKX0DER"
# Where the main warehouse ships from, as Amazon needs it for a saved shipment.
DEMO_ADDRESS = {
    "name": "Main warehouse",
    "address_line_1": "500 Commerce Way",
    "city": "Reno",
    "state_or_province_code": "NV",
    "country_code": "US",
    "postal_code": "89501",
    "phone_number": "+17755550100",
}


class DemoFailed(Exception):
    pass


class Demo:
    def __init__(self, api_url: str, sim_url: str, tenant: str) -> None:
        headers = {"Authorization": f"Bearer dev:{tenant}"}
        self.api = httpx.Client(base_url=api_url, headers=headers, timeout=30)
        self.sim = httpx.Client(base_url=sim_url, timeout=30)
        self.step_number = 0

    def step(self, title: str) -> None:
        self.step_number += 1
        print(f"\n== {self.step_number}. {title}", flush=True)

    def call(self, client: httpx.Client, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = client.request(method, path, **kw)
        body = response.json() if response.content else None
        print(f"   {method} {path} -> {response.status_code}")
        if response.status_code != expect:
            raise DemoFailed(
                f"{method} {path}: expected {expect}, got {response.status_code}: {body}"
            )
        return body

    def show(self, body: Any, limit: int = 1400) -> None:
        text = json.dumps(body, indent=2, default=str)
        print(
            "   "
            + (text if len(text) <= limit else text[:limit] + "\n   ...").replace("\n", "\n   ")
        )

    def wait_for(self, what: str, probe: Callable[[], Any], timeout: float = 90.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            time.sleep(0.5)
        raise DemoFailed(f"timed out waiting for {what}")

    def sync(self, connection_id: str) -> None:
        self.call(self.api, "POST", f"/connections/{connection_id}/sync", 202)

    def run(self, midway: Callable[[], None] | None = None) -> None:
        """The whole workflow; `midway` runs after stock is counted (a test restarts there)."""
        seller = f"DEMO{uuid.uuid4().hex[:8].upper()}"
        self.step("A seller connects their Amazon account (simulated Seller Central + LWA)")
        created = self.call(
            self.sim,
            "POST",
            "/_sim/sellers",
            201,
            json={"seller_id": seller, "marketplace_ids": [US]},
        )
        connection = self.call(
            self.api,
            "POST",
            "/connections",
            201,
            json={
                "seller_id": seller,
                "region": "NA",
                "marketplace_ids": [US],
                "refresh_token": created["refresh_token"],
            },
        )
        self.show(connection)
        connection_id = connection["connection_id"]
        fba = next(w["warehouse_id"] for w in connection["warehouses"] if w["kind"] == "fba")

        self.step("The seller's own warehouse")
        source = self.call(
            self.api, "POST", "/warehouses", 201, json={"name": "Main warehouse", "kind": "own"}
        )
        source_id = source["warehouse_id"]
        self.show(source)

        self.step("The seller creates an inbound shipment in Seller Central (outside this system)")
        shipment = self.call(
            self.sim,
            "POST",
            f"/_sim/sellers/{seller}/shipments",
            201,
            json={
                "marketplace_id": US,
                "destination_fc": "PHX7",
                "name": "Demo shipment",
                "items": [{"sku": "MUG-RED", "quantity": 10}, {"sku": "MUG-BLUE", "quantity": 5}],
            },
        )
        shipment_id = shipment["shipment_id"]
        self.show(shipment)

        self.step("The sync discovers it: it appears on Inbound Shipments as unreconciled")
        self.sync(connection_id)
        listed = self.wait_for(
            "the shipment in the list",
            lambda: [
                s
                for s in self.call(self.api, "GET", "/inbound-shipments?reconciled=false", 200)[
                    "items"
                ]
                if s["shipment_id"] == shipment_id
            ],
        )
        self.show(listed[0])

        self.step("Reconcile: one step creates the transfer order, its sales and purchase orders")
        ids = self.call(
            self.api,
            "POST",
            f"/inbound-shipments/{shipment_id}/reconcile",
            201,
            json={"source_warehouse_id": source_id},
        )
        self.show(ids)

        self.step("Stock is counted at the source warehouse")
        self.show(
            self.call(
                self.api,
                "POST",
                f"/warehouses/{source_id}/stock-counts",
                200,
                json={
                    "lines": [
                        {"sku": "MUG-RED", "quantity": 40},
                        {"sku": "MUG-BLUE", "quantity": 20},
                    ]
                },
            )
        )
        self.expect_stock(source_id, "MUG-RED", on_hand=40, committed=10)
        self.expect_stock(fba, "MUG-RED", on_order=10)
        if midway is not None:
            self.step("(midway) restarting the backend")
            midway()
            self.expect_stock(source_id, "MUG-RED", on_hand=40, committed=10)

        self.step("Mark shipped: the goods left; stock leaves the source and is in transit")
        self.show(
            self.call(
                self.api,
                "POST",
                f"/sales-orders/{ids['sales_order_id']}/status",
                200,
                json={"status": "shipped"},
            )
        )
        self.expect_stock(source_id, "MUG-RED", on_hand=30, committed=0)
        self.expect_stock(fba, "MUG-RED", in_transit=10)

        self.step("Amazon checks the shipment in and receives part of it")
        self.call(
            self.sim,
            "POST",
            f"/_sim/shipments/{shipment_id}/status",
            200,
            json={"status": "SHIPPED"},
        )
        self.call(
            self.sim,
            "POST",
            f"/_sim/shipments/{shipment_id}/receive",
            200,
            json={"items": [{"sku": "MUG-RED", "quantity": 6}]},
        )
        self.sync(connection_id)
        self.expect_purchase_order(ids["purchase_order_id"], "partially_received", {"MUG-RED": 6})

        self.step("Amazon receives the rest, short, and closes the shipment")
        self.call(
            self.sim,
            "POST",
            f"/_sim/shipments/{shipment_id}/receive",
            200,
            json={"items": [{"sku": "MUG-RED", "quantity": 3}, {"sku": "MUG-BLUE", "quantity": 5}]},
        )
        self.call(self.sim, "POST", f"/_sim/shipments/{shipment_id}/close", 200)
        self.sync(connection_id)
        po = self.expect_purchase_order(
            ids["purchase_order_id"], "closed_short", {"MUG-RED": 9, "MUG-BLUE": 5}
        )
        self.show(po)

        self.step("Stock: on hand at FBA, and the discrepancy Amazon left")
        self.expect_stock(fba, "MUG-RED", on_hand=9, in_transit=0, discrepancy=1)
        self.expect_stock(fba, "MUG-BLUE", on_hand=5, discrepancy=0)
        self.show(self.call(self.api, "GET", f"/stock?warehouse_id={fba}", 200))

        self.step("The audit trail of the shipment")
        history = self.call(self.api, "GET", f"/history/shipment/{shipment_id}", 200)
        for event in history["events"]:
            version, kind, actor = event["version"], event["type"], event["actor"]
            print(f"   v{version:<3} {kind:<34} {actor:<22} {event['occurred_at']}")
        types = [e["type"] for e in history["events"]]
        for expected in (
            "InboundShipmentDiscovered",
            "InboundShipmentReconciled",
            "InboundShipmentClosed",
        ):
            if expected not in types:
                raise DemoFailed(f"the audit trail lacks {expected}: {types}")
        self.second_act(source_id)
        self.save_to_amazon_act(seller, source_id, fba)
        self.products_act(fba)
        print("\nDemo complete: every step showed what it should.")

    def second_act(self, main_id: str) -> None:
        """Stock orders of the user's own: a vendor's purchase order and a transfer."""
        self.step("Second act: a vendor, and a purchase order of 100 into the main warehouse")
        vendor = self.call(
            self.api,
            "POST",
            "/vendors",
            201,
            json={"name": "Acme Mugs", "lead_time_days": 21, "currency": "USD"},
        )
        po = self.call(
            self.api,
            "POST",
            "/purchase-orders",
            201,
            json={
                "vendor_id": vendor["vendor_id"],
                "destination_warehouse_id": main_id,
                "reference": "PO-2026-001",
                "lines": [{"sku": "MUG-GREEN", "quantity": 100, "unit_cost": "2.40"}],
            },
        )
        po_path = f"/purchase-orders/{po['purchase_order_id']}"
        self.expect_stock(main_id, "MUG-GREEN", on_order=100, on_hand=0)

        self.step("60 arrive and are counted in; the vendor will send no more: close it")
        receipt = {"lines": [{"sku": "MUG-GREEN", "quantity": 60}]}
        self.show(self.call(self.api, "POST", f"{po_path}/receipts", 200, json=receipt))
        self.expect_stock(main_id, "MUG-GREEN", on_hand=60, on_order=40)
        self.show(self.call(self.api, "POST", f"{po_path}/close", 200))
        self.expect_stock(main_id, "MUG-GREEN", on_hand=60, on_order=0, discrepancy=40)

        self.step("A transfer of 10 MUG-RED from the main warehouse to a store")
        store = self.call(self.api, "POST", "/warehouses", 201, json={"name": "Store"})
        store_id = store["warehouse_id"]
        transfer = self.call(
            self.api,
            "POST",
            "/transfer-orders",
            201,
            json={
                "source_warehouse_id": main_id,
                "destination_warehouse_id": store_id,
                "lines": [{"sku": "MUG-RED", "quantity": 10}],
            },
        )
        self.show(transfer)
        path = f"/transfer-orders/{transfer['transfer_order_id']}"
        self.expect_stock(main_id, "MUG-RED", on_hand=30, committed=10)
        self.call(self.api, "POST", f"{path}/ship", 200)
        self.expect_stock(main_id, "MUG-RED", on_hand=20, committed=0)
        self.expect_stock(store_id, "MUG-RED", in_transit=10)
        receipt = {"lines": [{"sku": "MUG-RED", "quantity": 10}]}
        self.call(self.api, "POST", f"{path}/receipts", 200, json=receipt)
        self.expect_stock(store_id, "MUG-RED", on_hand=10, in_transit=0)

    def products_act(self, fba: str) -> None:
        """Listings discovered from Amazon's reads, mapped to one product, its stock summed."""
        self.step("Products: every read from Amazon discovered the listings of its seller SKUs")

        def mug_listings() -> list[dict[str, Any]] | None:
            page = self.call(self.api, "GET", "/listings", 200, params={"channel": "fba"})
            found = [item for item in page["items"] if item["sku"] in ("MUG-RED", "MUG-BLUE")]
            return found if len(found) == 2 else None

        listings = self.wait_for("both mug listings", mug_listings)
        for item in listings:
            print(f"   {item['sku']:<9} {item['listing_id']}  mapped by {item['mapped_by']}")
        self.step("One product, MUG, that both colours' listings map to")
        mug = self.call(
            self.api, "POST", "/products", 201, json={"sku": "MUG", "name": "Mug, any colour"}
        )
        for item in listings:
            path = f"/listings/{item['listing_id']}"
            self.call(self.api, "PUT", path, 200, json={"product_id": mug["product_id"]})
        stock_path = f"/products/{mug['product_id']}/stock"

        def summed() -> list[dict[str, Any]] | None:  # both remaps projected (eventually)
            query = {"warehouse_id": fba}
            items = self.call(self.api, "GET", stock_path, 200, params=query)["items"]
            return items if items and len(items[0]["listings"]) == len(listings) else None

        stock = self.wait_for("the mug's stock at FBA, both listings summed", summed)
        self.show(stock)

    def save_to_amazon_act(self, seller: str, main_id: str, fba: str) -> None:
        """A transfer into FBA created here and saved to Amazon (Fulfillment Inbound
        v2024-03-20): Amazon splits it into three shipments, all bound to the order."""
        self.step("Save to Amazon: the main warehouse gets the address Amazon ships from")
        self.show(
            self.call(
                self.api,
                "PATCH",
                f"/warehouses/{main_id}",
                200,
                json={"address": DEMO_ADDRESS},
            )
        )

        self.step("Amazon will offer a split into 3 shipments, or 1 shipment for a higher fee")
        self.show(
            self.call(
                self.sim,
                "PUT",
                f"/_sim/sellers/{seller}/placement-options",
                200,
                json={
                    "options": [
                        {"shipment_count": 3, "fee": 12.5},
                        {"shipment_count": 1, "fee": 89.0},
                    ]
                },
            )
        )

        self.step("A transfer from the main warehouse into FBA, saved to Amazon (split: amazon)")
        lines = {"MUG-RED": 12, "MUG-BLUE": 9, "MUG-GREEN": 30}
        transfer = self.call(
            self.api,
            "POST",
            "/transfer-orders",
            201,
            json={
                "source_warehouse_id": main_id,
                "destination_warehouse_id": fba,
                "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
            },
        )
        self.show(transfer)
        saved = self.call(
            self.api,
            "POST",
            f"/transfer-orders/{transfer['transfer_order_id']}/save-to-amazon",
            202,
            json={"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"},
        )
        self.show(saved)

        self.step("Amazon works through the plan: poll the job until it ends")
        job = self.wait_for_job(saved["job_id"])
        if job["status"] != "succeeded":
            raise DemoFailed(f"the save to Amazon failed: {job['error']}")
        chosen = next(
            o for o in job["offered"] if o["placement_option_id"] == job["placement_option_id"]
        )
        for option in job["offered"]:
            mark = "chosen" if option is chosen else "      "
            print(
                f"   {mark} {option['placement_option_id']}: {option['shipment_count']} "
                f"shipment(s), fee {option['fee']} {option['currency']}"
            )
        fba_ids = sorted(job["shipment_ids"])
        print(f"   FBA shipments: {', '.join(fba_ids)}")
        if chosen["shipment_count"] != 3 or len(fba_ids) != 3:
            raise DemoFailed(f"expected the 3-shipment split, bound 3 times: {job}")

        self.step("The order is bound to the three shipments: it follows Amazon from now on")
        order = self.call(self.api, "GET", f"/purchase-orders/{saved['purchase_order_id']}", 200)
        shown = {k: order[k] for k in ("purchase_order_id", "status", "locked", "shipment_ids")}
        shown["lines"] = {line["sku"]: line["quantity_ordered"] for line in order["lines"]}
        self.show(shown)
        if sorted(order["shipment_ids"]) != fba_ids:
            raise DemoFailed(f"the order is bound to {order['shipment_ids']}, not {fba_ids}")
        for fba_id in fba_ids:
            placed = self.call(self.sim, "GET", f"/_sim/shipments/{fba_id}", 200)
            units = ", ".join(f"{i['sku']} x{i['quantity_shipped']}" for i in placed["items"])
            print(f"   {fba_id} to {placed['destination_fc']}: {units}")

    def wait_for_job(self, job_id: str, timeout: float = 120.0) -> Any:
        """The job once it ended; prints each step as it ends."""
        started, shown = time.monotonic(), set[str]()

        def probe() -> Any:
            response = self.api.get(f"/amazon-jobs/{job_id}")
            if response.status_code != 200:
                raise DemoFailed(f"GET /amazon-jobs/{job_id}: {response.status_code}")
            job = response.json()
            for step in job["steps"]:
                if step["status"] in ("succeeded", "failed") and step["step"] not in shown:
                    shown.add(step["step"])
                    print(
                        f"   {time.monotonic() - started:5.1f} s  {step['step']:<28} "
                        f"{step['status']:<10} operation {step['operation_id']}",
                        flush=True,
                    )
            return job if job["status"] != "in_progress" else None

        job = self.wait_for(f"job {job_id} to end", probe, timeout)
        print(f"   {time.monotonic() - started:5.1f} s  job {job['status']}")
        return job

    def expect_stock(self, warehouse_id: str, sku: str, **figures: int) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            rows = self.call(self.api, "GET", f"/stock?warehouse_id={warehouse_id}&sku={sku}", 200)[
                "items"
            ]
            row = rows[0] if rows else {}
            return row if all(row.get(k, 0) == v for k, v in figures.items()) else None

        row: dict[str, Any] = self.wait_for(f"stock {warehouse_id} {sku} {figures}", probe)
        print(
            f"   stock {sku} @ {warehouse_id}: "
            + ", ".join(
                f"{k}={row[k]}"
                for k in (
                    "on_hand",
                    "committed",
                    "on_order",
                    "in_transit",
                    "receiving",
                    "discrepancy",
                )
            )
        )
        return row

    def expect_purchase_order(self, po_id: str, status: str, received: dict[str, int]) -> Any:
        def probe() -> Any:
            po = self.call(self.api, "GET", f"/purchase-orders/{po_id}", 200)
            got = {line["sku"]: line["quantity_received"] for line in po["lines"]}
            return (
                po
                if po["status"] == status and all(got.get(k) == v for k, v in received.items())
                else None
            )

        return self.wait_for(f"purchase order {status} with {received}", probe)


def main() -> int:
    api_url, sim_url = os.environ.get("LOCAL_API_URL"), os.environ.get("LOCAL_SIM_URL")
    runtime = None
    if not (api_url and sim_url):
        from infra.local.runtime import LocalRuntime

        config = LocalConfig(api_port=0, sim_port=0, schedule_seconds=3600)
        runtime = LocalRuntime(config)
        endpoints = runtime.start()
        api_url, sim_url = endpoints.api, endpoints.simulator
        print(f"Embedded stack: API {api_url}, simulated Amazon {sim_url}")
    try:
        Demo(api_url, sim_url, tenant=f"demo-{uuid.uuid4().hex[:6]}").run()
        return 0
    except DemoFailed as failure:
        print(f"\nDEMO FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if runtime is not None:
            runtime.stop()


if __name__ == "__main__":
    sys.exit(main())
