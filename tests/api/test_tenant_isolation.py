"""Every route, as another tenant and as nobody: another tenant's resources are invisible (404
or absent from lists, never 403), and without a tenant claim nothing works (401)."""

import json
from dataclasses import dataclass
from typing import Any

import pytest

from domain.products.listing import listing_id_for
from domain.products.product import product_id_for
from domain.sales import SalesChannel
from functions.api.app import openapi_json
from functions.api.handler import app
from functions.api.wiring import Services
from functions.reactor.listings import ListingDiscovery
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import (
    CA,
    REFRESH_TOKEN,
    SELLER,
    US,
    a_purchase_order_closed_short,
    reconciled,
)

READS_VIEWS = True
SAVE = {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"}
ADDRESS = {
    "name": "A's warehouse",
    "address_line_1": "1 Road",
    "city": "Austin",
    "country_code": "US",
    "postal_code": "78701",
    "phone_number": "+15125550100",
}

ROUTES = {
    (method.upper(), path)
    for path, operations in json.loads(openapi_json(app))["paths"].items()
    for method in operations
}


@dataclass(frozen=True)
class Call:
    path: str
    body: Any = None
    query: dict[str, str] | None = None


def calls_on(ids: dict[str, str]) -> dict[tuple[str, str], Call]:
    """One call per documented route, aimed at tenant A's resources."""
    source, sku = ids["warehouse_id"], "SKU-1"
    count = {"lines": [{"sku": sku, "quantity": 1}]}
    return {
        ("GET", "/connections"): Call("/connections"),
        ("POST", "/connections"): Call(
            "/connections",
            {
                "seller_id": SELLER,
                "region": "NA",
                "marketplace_ids": ["ATVPDKIKX0DER"],
                "refresh_token": REFRESH_TOKEN,
            },
        ),
        ("POST", "/connections/authorizations"): Call(
            "/connections/authorizations", {"region": "NA", "marketplace_ids": [US]}
        ),
        ("POST", "/connections/authorizations/{state}/complete"): Call(
            f"/connections/authorizations/{ids['state']}/complete",
            {"spapi_oauth_code": "code-for-a", "selling_partner_id": SELLER},
        ),
        ("GET", "/connections/{connection_id}"): Call(f"/connections/{ids['connection_id']}"),
        ("PUT", "/connections/{connection_id}/credentials"): Call(
            f"/connections/{ids['connection_id']}/credentials", {"refresh_token": REFRESH_TOKEN}
        ),
        ("POST", "/connections/{connection_id}/settings"): Call(
            f"/connections/{ids['connection_id']}/settings", {"watch_window_days": 30}
        ),
        ("POST", "/connections/{connection_id}/sync"): Call(
            f"/connections/{ids['connection_id']}/sync"
        ),
        ("GET", "/connections/{connection_id}/settings"): Call(
            f"/connections/{ids['connection_id']}/settings"
        ),
        ("PUT", "/connections/{connection_id}/settings"): Call(
            f"/connections/{ids['connection_id']}/settings",
            {"default_order_type": "transfer_order", "default_source_warehouse_id": source},
        ),
        ("PATCH", "/connections/{connection_id}"): Call(
            f"/connections/{ids['connection_id']}", {"marketplace_ids": [US, CA]}
        ),
        ("POST", "/connections/{connection_id}/disconnect"): Call(
            f"/connections/{ids['connection_id']}/disconnect"
        ),
        ("GET", "/warehouses"): Call("/warehouses"),
        ("POST", "/warehouses"): Call("/warehouses", {"name": "B's own"}),
        ("GET", "/warehouses/{warehouse_id}"): Call(f"/warehouses/{source}"),
        ("PATCH", "/warehouses/{warehouse_id}"): Call(
            f"/warehouses/{source}", {"name": "B's name", "enabled": False}
        ),
        ("POST", "/warehouses/{warehouse_id}/stock-counts"): Call(
            f"/warehouses/{source}/stock-counts", count
        ),
        ("POST", "/warehouses/{warehouse_id}/adjustments"): Call(
            f"/warehouses/{source}/adjustments",
            {"lines": [{"sku": sku, "delta": 1, "reason": "found"}]},
        ),
        ("GET", "/inbound-shipments"): Call("/inbound-shipments"),
        ("GET", "/inbound-shipments/{shipment_id}"): Call(
            f"/inbound-shipments/{ids['shipment_id']}"
        ),
        ("POST", "/inbound-shipments/{shipment_id}/reconcile"): Call(
            f"/inbound-shipments/{ids['shipment_id']}/reconcile", {"source_warehouse_id": source}
        ),
        ("GET", "/transfer-orders"): Call("/transfer-orders"),
        ("GET", "/transfer-orders/{transfer_order_id}"): Call(
            f"/transfer-orders/{ids['transfer_order_id']}"
        ),
        ("GET", "/sales-orders/{sales_order_id}"): Call(f"/sales-orders/{ids['sales_order_id']}"),
        ("POST", "/sales-orders/{sales_order_id}/status"): Call(
            f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"}
        ),
        ("GET", "/purchase-orders/{purchase_order_id}"): Call(
            f"/purchase-orders/{ids['purchase_order_id']}"
        ),
        ("POST", "/purchase-orders/{purchase_order_id}/acknowledge-discrepancy"): Call(
            f"/purchase-orders/{ids['purchase_order_id']}/acknowledge-discrepancy"
        ),
        ("GET", "/purchase-orders"): Call("/purchase-orders"),
        ("POST", "/purchase-orders"): Call(
            "/purchase-orders",
            {"vendor_id": ids["vendor_id"], "destination_warehouse_id": source, **count},
        ),
        ("PATCH", "/purchase-orders/{purchase_order_id}"): Call(
            f"/purchase-orders/{ids['vendor_po']}", {"reference": "B's"}
        ),
        ("POST", "/purchase-orders/{purchase_order_id}/receipts"): Call(
            f"/purchase-orders/{ids['vendor_po']}/receipts", count
        ),
        ("POST", "/purchase-orders/{purchase_order_id}/close"): Call(
            f"/purchase-orders/{ids['vendor_po']}/close"
        ),
        ("POST", "/purchase-orders/{purchase_order_id}/cancel"): Call(
            f"/purchase-orders/{ids['vendor_po']}/cancel"
        ),
        ("POST", "/purchase-orders/set-source"): Call(
            "/purchase-orders/set-source",
            {"purchase_order_ids": [ids["vendor_po"]], "source_warehouse_id": source},
        ),
        ("POST", "/transfer-orders"): Call(
            "/transfer-orders",
            {"source_warehouse_id": source, "destination_warehouse_id": ids["store"], **count},
        ),
        ("POST", "/transfer-orders/{transfer_order_id}/ship"): Call(
            f"/transfer-orders/{ids['own_transfer']}/ship"
        ),
        ("POST", "/transfer-orders/{transfer_order_id}/receipts"): Call(
            f"/transfer-orders/{ids['own_transfer']}/receipts", count
        ),
        ("POST", "/transfer-orders/{transfer_order_id}/save-to-amazon"): Call(
            f"/transfer-orders/{ids['fba_transfer']}/save-to-amazon", SAVE
        ),
        ("POST", "/purchase-orders/{purchase_order_id}/save-to-amazon"): Call(
            f"/purchase-orders/{ids['fba_transfer_po']}/save-to-amazon", SAVE
        ),
        ("GET", "/amazon-jobs/{job_id}"): Call(f"/amazon-jobs/{ids['job_id']}"),
        ("GET", "/settings/planning"): Call("/settings/planning"),
        ("PUT", "/settings/planning"): Call(
            "/settings/planning", {"ignore_unreceived": {"enabled": False}}
        ),
        ("GET", "/stock"): Call("/stock", query={"sku": sku}),
        ("GET", "/stock/ledger"): Call("/stock/ledger", query={"warehouse_id": source, "sku": sku}),
        ("GET", "/stock/drift"): Call("/stock/drift", query={"warehouse_id": ids["fba"]}),
        ("PUT", "/products/{product_id}/components"): Call(
            f"/products/{ids['kit']}/components", [{"product_id": ids["part"], "quantity": 1}]
        ),
        ("GET", "/assembly-orders"): Call("/assembly-orders"),
        ("GET", "/replenishment"): Call("/replenishment", query={"warehouse_id": ids["fba"]}),
        ("POST", "/replenishment/purchase-orders"): Call(
            "/replenishment/purchase-orders",
            {"warehouse_id": ids["store"], "vendor_id": ids["vendor_id"]},
        ),
        ("GET", "/reports/compare-warehouses"): Call(
            "/reports/compare-warehouses",
            query={
                "product_id": ids["product_id"],
                "warehouse_ids": f"{ids['warehouse_id']},{ids['store']}",
            },
        ),
        ("POST", "/reports/compare-warehouses/transfer-orders"): Call(
            "/reports/compare-warehouses/transfer-orders",
            {
                "product_id": ids["product_id"],
                "transfers": [
                    {
                        "source_warehouse_id": ids["warehouse_id"],
                        "destination_warehouse_id": ids["store"],
                        "quantity": 1,
                    }
                ],
            },
        ),
        ("POST", "/assembly-orders"): Call(
            "/assembly-orders",
            {"warehouse_id": ids["store"], "product_id": ids["kit"], "quantity": 1},
        ),
        ("GET", "/assembly-orders/{assembly_order_id}"): Call(
            f"/assembly-orders/{ids['assembly_order_id']}"
        ),
        ("POST", "/assembly-orders/{assembly_order_id}/receipts"): Call(
            f"/assembly-orders/{ids['assembly_order_id']}/receipts", {"quantity": 1}
        ),
        ("POST", "/assembly-orders/{assembly_order_id}/cancel"): Call(
            f"/assembly-orders/{ids['assembly_order_id']}/cancel"
        ),
        ("GET", "/products"): Call("/products"),
        ("POST", "/products"): Call("/products", {"sku": "B-SKU", "name": "B's product"}),
        ("GET", "/products/{product_id}"): Call(f"/products/{ids['product_id']}"),
        ("PATCH", "/products/{product_id}"): Call(
            f"/products/{ids['product_id']}", {"name": "Renamed by B"}
        ),
        ("PUT", "/products/{product_id}/forecast-edits"): Call(
            f"/products/{ids['product_id']}/forecast-edits", {"month": "2999-01-01", "units": 1}
        ),
        ("GET", "/products/{product_id}/stock"): Call(f"/products/{ids['product_id']}/stock"),
        ("GET", "/products/{product_id}/ledger"): Call(
            f"/products/{ids['product_id']}/ledger", query={"warehouse_id": ids["fba"]}
        ),
        ("GET", "/listings"): Call("/listings"),
        ("GET", "/listings/{listing_id}"): Call(f"/listings/{ids['listing_id']}"),
        ("PUT", "/listings/{listing_id}"): Call(
            f"/listings/{ids['listing_id']}", {"product_id": ids["product_id"]}
        ),
        ("GET", "/sales"): Call("/sales", query={"product_id": ids["product_id"]}),
        ("GET", "/forecasts"): Call(
            "/forecasts", query={"product_id": ids["product_id"], "warehouse_id": ids["fba"]}
        ),
        ("GET", "/history/{kind}/{entity_id}"): Call(
            f"/history/sales-order/{ids['sales_order_id']}"
        ),
        ("GET", "/vendors"): Call("/vendors"),
        ("POST", "/vendors"): Call(
            "/vendors", {"name": "B's vendor", "lead_time_days": 10, "currency": "USD"}
        ),
        ("GET", "/vendors/{vendor_id}"): Call(f"/vendors/{ids['vendor_id']}"),
        ("PATCH", "/vendors/{vendor_id}"): Call(
            f"/vendors/{ids['vendor_id']}", {"lead_time_days": 1}
        ),
    }


LISTS = {
    "/connections",
    "/warehouses",
    "/inbound-shipments",
    "/transfer-orders",
    "/purchase-orders",
    "/stock",
    "/vendors",
    "/products",
    "/listings",
    "/assembly-orders",
}
CREATES = {
    ("POST", "/connections"),
    ("POST", "/connections/authorizations"),
    ("POST", "/warehouses"),
    ("POST", "/vendors"),
    ("POST", "/products"),
}


@pytest.fixture
def tenant_a(api: ApiClient, services: Services) -> dict[str, str]:
    """Tenant A with one of everything: connection, warehouses, a reconciled shipment whose
    sales order shipped and whose purchase order closed short, and a stock count."""
    assert api.tenant is not None
    ids = reconciled(api, services)
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})
    a_purchase_order_closed_short(services, api.tenant, ids["purchase_order_id"], {"SKU-1": 9})
    api.post(
        f"/warehouses/{ids['warehouse_id']}/stock-counts",
        {"lines": [{"sku": "SKU-1", "quantity": 50}]},
    )
    started = api.post("/connections/authorizations", {"region": "NA", "marketplace_ids": [US]})
    planning = {"ignore_unreceived": {"enabled": True, "days_after_expected": 7}}
    assert api.request("PUT", "/settings/planning", body=planning).status == 200
    vendor = api.post("/vendors", {"name": "A's vendor", "lead_time_days": 5, "currency": "EUR"})
    vendor_id = vendor.json["vendor_id"]
    store = api.post("/warehouses", {"name": "A's store"}).json["warehouse_id"]
    lines = {"lines": [{"sku": "SKU-1", "quantity": 5}]}
    vendor_po = api.post(
        "/purchase-orders", {"vendor_id": vendor_id, "destination_warehouse_id": store, **lines}
    )
    transfer = api.post(
        "/transfer-orders",
        {"source_warehouse_id": ids["warehouse_id"], "destination_warehouse_id": store, **lines},
    )
    assert (vendor_po.status, transfer.status) == (201, 201), (vendor_po.text, transfer.text)
    # A transfer into FBA, saved to Amazon (its job queued), and another not saved yet.
    source = ids["warehouse_id"]
    assert api.request("PATCH", f"/warehouses/{source}", body={"address": ADDRESS}).status == 200
    fba = next(
        w["warehouse_id"] for w in api.get("/warehouses").json["items"] if w["kind"] == "fba"
    )
    into_fba = {"source_warehouse_id": source, "destination_warehouse_id": fba, **lines}
    saved = api.post("/transfer-orders", into_fba).json["transfer_order_id"]
    job = api.post(f"/transfer-orders/{saved}/save-to-amazon", SAVE)
    assert job.status == 202, job.text
    fba_transfer = api.post("/transfer-orders", into_fba).json
    members = [{"warehouse_id": source}, {"warehouse_id": store}]
    combined = api.post("/warehouses", {"name": "A's sum", "kind": "combined", "members": members})
    assert combined.status == 201, combined.text
    # An assembly: A's kit of 2 parts, and an order of it at A's store.
    part = api.post("/products", {"sku": "A-PART", "name": "A's part"}).json["product_id"]
    kit = api.post("/products", {"sku": "A-KIT", "name": "A's kit"}).json["product_id"]
    bill = [{"product_id": part, "quantity": 2}]
    assert api.request("PUT", f"/products/{kit}/components", body=bill).status == 200
    assembly = api.post(
        "/assembly-orders", {"warehouse_id": store, "product_id": kit, "quantity": 1}
    )
    assert assembly.status == 201, assembly.text
    return {
        "part": part,
        "kit": kit,
        "assembly_order_id": assembly.json["assembly_order_id"],
        "combined": combined.json["warehouse_id"],
        **ids,
        "state": started.json["state"],
        "vendor_id": vendor_id,
        "store": store,
        "vendor_po": vendor_po.json["purchase_order_id"],
        "own_transfer": transfer.json["transfer_order_id"],
        "job_id": job.json["job_id"],
        "fba_transfer": fba_transfer["transfer_order_id"],
        "fba_transfer_po": fba_transfer["purchase_order_id"],
        "fba": fba,
        **a_listing(services, api.tenant, ids["connection_id"]),
    }


def a_listing(services: Services, tenant: str, connection_id: str) -> dict[str, str]:
    """SKU-1's listing and product, as the reactor discovers them from the synced shipment."""
    discovery = ListingDiscovery(services.aggregates)
    for recorded in list(services.events.read_all()):
        if recorded.stream_id.tenant_id == tenant:
            discovery.react(recorded)
    return {
        "listing_id": listing_id_for(connection_id, US, SalesChannel.FBA, "SKU-1"),
        "product_id": product_id_for("SKU-1"),
    }


def send(client: ApiClient, method: str, call: Call) -> Reply:
    return client.request(method, call.path, body=call.body, query=call.query)


def test_the_matrix_covers_every_documented_route(tenant_a: dict[str, str]) -> None:
    assert set(calls_on(tenant_a)) == ROUTES


def test_another_tenant_sees_nothing_of_tenant_a_and_changes_nothing(
    api: ApiClient, tenant_a: dict[str, str]
) -> None:
    tenant_b = api.as_tenant(f"{api.tenant}-b")
    history_before = api.get(f"/history/sales-order/{tenant_a['sales_order_id']}").json
    a_ids = set(tenant_a.values())

    # Creations last, so that B's lists are still empty when read.
    for (method, route), call in sorted(
        calls_on(tenant_a).items(), key=lambda item: item[0] in CREATES
    ):
        reply = send(tenant_b, method, call)
        if (method, route) in CREATES:
            assert reply.status == 201, (route, reply.text)
        elif method == "GET" and route in LISTS:
            assert reply.status == 200, (route, reply.text)
            listed = reply.json["items"]
            assert listed == [], (route, listed)
        elif route == "/stock/ledger":
            assert (reply.status, reply.json["entries"]) == (200, []), reply.text
        elif route == "/settings/planning":  # the caller's own settings, never A's
            assert (reply.status, reply.json["version"]) == (200, 0), reply.text
        elif route == "/purchase-orders/set-source":  # one result per id: each unknown to B
            codes = [r["code"] for r in reply.json["results"]]
            assert (reply.status, codes) == (200, ["not_found"]), reply.text
        else:
            assert reply.status == 404, (route, reply.text)
            assert reply.json["code"].endswith("not_found"), (route, reply.text)
        if reply.status < 300:  # what B sees holds nothing of A's beyond what B asked for
            seen = reply.json["entries"] if route == "/stock/ledger" else reply.json
            if route == "/purchase-orders/set-source":
                seen = [r["code"] for r in seen["results"]]  # B's own request names A's ids
            assert not a_ids & set(json.dumps(seen).split('"')), route

    assert api.get(f"/history/sales-order/{tenant_a['sales_order_id']}").json == history_before
    assert api.get(f"/purchase-orders/{tenant_a['purchase_order_id']}").json["status"] == (
        "closed_short"
    )
    own = [w["name"] for w in api.get("/warehouses").json["items"]]
    assert "B's own" not in own
    assert len(api.get("/connections").json["items"]) == 1
    vendor_po = api.get(f"/purchase-orders/{tenant_a['vendor_po']}").json
    assert (vendor_po["status"], vendor_po["reference"], vendor_po["units_received"]) == (
        "open",
        None,
        0,
    )
    assert api.get("/settings/planning").json["ignore_unreceived"]["enabled"] is True
    transfer = api.get(f"/transfer-orders/{tenant_a['own_transfer']}").json
    assert transfer["sales_order"]["status"] == "open"
    assembly = api.get(f"/assembly-orders/{tenant_a['assembly_order_id']}").json
    assert (assembly["status"], assembly["received"]) == ("open", 0)
    kit = api.get(f"/products/{tenant_a['kit']}").json
    assert kit["components"] == [{"product_id": tenant_a["part"], "quantity": 2}]


def test_another_tenant_can_neither_combine_nor_read_tenant_as_warehouses(
    api: ApiClient, tenant_a: dict[str, str]
) -> None:
    tenant_b = api.as_tenant(f"{api.tenant}-b")
    b_own = tenant_b.post("/warehouses", {"name": "B's own"}).json["warehouse_id"]
    b_sum = tenant_b.post(
        "/warehouses", {"name": "B's", "kind": "combined", "members": [{"warehouse_id": b_own}]}
    ).json["warehouse_id"]
    a_members = [{"warehouse_id": tenant_a["warehouse_id"]}, {"warehouse_id": tenant_a["combined"]}]

    created = tenant_b.post(
        "/warehouses", {"name": "Theirs", "kind": "combined", "members": a_members}
    )
    changed = tenant_b.request("PATCH", f"/warehouses/{b_sum}", body={"members": a_members})
    a_sum = tenant_b.request(
        "PATCH", f"/warehouses/{tenant_a['combined']}", body={"members": [{"warehouse_id": b_own}]}
    )
    stock = tenant_b.get("/stock", warehouse_id=tenant_a["combined"])
    ledger = tenant_b.get("/stock/ledger", warehouse_id=tenant_a["combined"], sku="SKU-1")

    assert (created.status, created.json["errors"][0]["field"]) == (422, "body.members.0")
    assert (changed.status, changed.json["errors"][0]["field"]) == (422, "body.members.0")
    assert a_sum.status == 404, a_sum.text
    assert (stock.status, stock.json["items"]) == (200, [])
    assert (ledger.status, ledger.json["entries"]) == (200, [])
    listed = tenant_b.get("/warehouses").json["items"]
    assert sorted(w["warehouse_id"] for w in listed) == sorted([b_own, b_sum])
    a_view = api.get(f"/warehouses/{tenant_a['combined']}").json
    assert [m["warehouse_id"] for m in a_view["members"]] == [
        tenant_a["warehouse_id"],
        tenant_a["store"],
    ]
    [row] = api.get("/stock", warehouse_id=tenant_a["combined"], sku="SKU-1").json["items"]
    assert (row["on_hand"], row["members"]) == (50, [tenant_a["warehouse_id"], tenant_a["store"]])


def test_without_a_tenant_claim_every_route_is_401(
    api: ApiClient, tenant_a: dict[str, str]
) -> None:
    anonymous = api.as_tenant(None)

    for (method, route), call in calls_on(tenant_a).items():
        reply = send(anonymous, method, call)
        assert (reply.status, reply.json["code"]) == (401, "unauthorized"), route
