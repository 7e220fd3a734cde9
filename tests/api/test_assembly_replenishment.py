"""Replenishment of assemblies over the API: a kit is planned on its assembly time and cycle,
unrounded, as an assembly (not a purchase); what the kit's replenishment will take of its parts
is each part's `assembly_need`, added to the part's replenishment and `to_order`; an open
assembly order of the kit lowers the kit's, and commits the parts it will take."""

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.products.product import product_id_for
from domain.warehouse import fba_warehouse_id
from functions.api.wiring import Services
from tests.api.gateway import ApiClient
from tests.api.givens import US, a_connection, an_own_warehouse
from tests.api.test_products import an_amazon_order, discovered
from tests.api.test_replenishment import a_combined, a_vendor, item_of

READS_VIEWS = True


def sold_one_a_day(api: ApiClient, services: Services, connection_id: str, sku: str) -> None:
    """1 unit a day at the FBA warehouse on three days last week (the other days out of stock,
    left out of the velocity), the listing discovered."""
    assert api.tenant is not None
    today = datetime.now(UTC).date()
    for back in (10, 9, 8):
        day = datetime.combine(today - timedelta(days=back), datetime.min.time(), UTC)
        an_amazon_order(services, api.tenant, connection_id, f"112-{back:07d}-0000001", sku, 1, day)
    discovered(services, api.tenant)


def planned(api: ApiClient, product_id: str, **planning: Any) -> None:
    reply = api.request("PATCH", f"/products/{product_id}", body={"planning": planning})
    assert reply.status == 200, reply.text


def a_kit_of_two_parts(api: ApiClient, services: Services) -> tuple[str, str, str, str]:
    """KIT = 2 x PART; the kit sells 1 a day at FBA, assembly time 5 + cycle 10 days; planned
    at a combined warehouse selling at FBA and stocking in an own one. (kit, part, own,
    combined)."""
    connection_id = a_connection(api)
    sold_one_a_day(api, services, connection_id, "KIT")
    kit = product_id_for("KIT")
    reply = api.post("/products", {"sku": "PART", "name": "Part"})
    assert reply.status == 201, reply.text
    part = str(reply.json["product_id"])
    bill = [{"product_id": part, "quantity": 2}]
    reply = api.request("PUT", f"/products/{kit}/components", body=bill)
    assert reply.status == 200, reply.text
    planned(api, kit, lead_time_days=5, days_of_stock=10)
    own = an_own_warehouse(api)
    combined = a_combined(api, sells=fba_warehouse_id(connection_id, US), stocks=own)
    return kit, part, own, combined


def test_a_kit_is_replenished_as_an_assembly_and_its_parts_carry_its_need(
    api: ApiClient, services: Services
) -> None:
    # given a kit of 2 parts selling 1 a day, assembly time 5 + cycle 10, nothing on hand
    kit, part, _, combined = a_kit_of_two_parts(api, services)

    # when
    page = api.get("/replenishment", warehouse_id=combined)

    # then the kit is made: 15 days x 1 a day, not rounded, an assembly
    assert page.status == 200, page.text
    made = item_of(page.json, kit)
    assert (made["lead_time_days"], made["planning_period_days"]) == (5, 15)
    assert (made["forecast"], made["replenishment"], made["to_order"]) == (15, 15, 15)
    assert (made["kind"], made["moq"], made["case_pack"]) == ("assembly", 1, 1)
    assert made["assembly_need"] == 0
    # and the part, which sells nothing itself, needs what 15 kits take: 30
    taken = item_of(page.json, part)
    assert (taken["kind"], taken["forecast"], taken["assembly_need"]) == ("purchase", 0, 30)
    assert (taken["replenishment"], taken["to_order"], taken["needs_order"]) == (30, 30, True)


def test_an_open_assembly_order_lowers_the_kit_and_commits_its_parts(
    api: ApiClient, services: Services
) -> None:
    # given the kit, and an open assembly order of 5 kits at the own warehouse
    kit, part, own, combined = a_kit_of_two_parts(api, services)
    order = {"warehouse_id": own, "product_id": kit, "quantity": 5}
    reply = api.post("/assembly-orders", order)
    assert reply.status == 201, reply.text

    # when
    page = api.get("/replenishment", warehouse_id=combined)

    # then 5 kits are coming: 10 more to make, 20 parts for them; and the 10 parts the open
    # order will take are committed, so the part still needs 30 (none is on hand)
    made = item_of(page.json, kit)
    assert (made["on_order"], made["replenishment"], made["to_order"]) == (5, 10, 10)
    taken = item_of(page.json, part)
    assert (taken["committed"], taken["available"]) == (10, -10)
    assert (taken["assembly_need"], taken["replenishment"], taken["to_order"]) == (20, 30, 30)


def test_a_parts_stock_covers_the_need_and_its_vendor_terms_round_it(
    api: ApiClient, services: Services
) -> None:
    # given the kit; the part bought from a vendor (MOQ 50, case pack 12), 6 parts counted
    kit, part, own, combined = a_kit_of_two_parts(api, services)
    vendor = a_vendor(
        api, "Parts Co", {"sku": "PART", "unit_cost": "1", "moq": 50, "case_pack": 12}
    )
    planned(api, part, vendor_id=vendor, days_of_stock=30)
    reply = api.post(f"/warehouses/{own}/stock-counts", {"lines": [{"sku": "PART", "quantity": 6}]})
    assert reply.status in (200, 201), reply.text

    # when the part alone is read
    page = api.get("/replenishment", warehouse_id=combined, vendor_id=vendor)

    # then 30 for the kits less 6 there: 24, ordered as the MOQ in whole cases: 60
    assert [item["product_id"] for item in page.json["items"]] == [part]
    taken = page.json["items"][0]
    assert (taken["available"], taken["assembly_need"], taken["replenishment"]) == (6, 30, 24)
    assert (taken["to_order"], taken["kind"]) == (60, "purchase")
    # and the kit is still planned on its own assembly time, whatever the part's vendor
    assert item_of(api.get("/replenishment", warehouse_id=combined).json, kit)["to_order"] == 15


def test_draft_purchase_orders_buy_the_parts_not_the_kit(
    api: ApiClient, services: Services
) -> None:
    # given the kit and its part, both with the same vendor, at the FBA warehouse it sells from
    kit, part, _, _ = a_kit_of_two_parts(api, services)
    warehouses = api.get("/warehouses").json["items"]
    fba = next(w["warehouse_id"] for w in warehouses if w["kind"] == "fba")
    vendor = a_vendor(
        api,
        "Parts & Kits",
        {"sku": "KIT", "unit_cost": "9.00"},
        {"sku": "PART", "unit_cost": "1.00"},
    )
    planned(api, kit, lead_time_days=5, days_of_stock=10, vendor_id=vendor)
    planned(api, part, vendor_id=vendor)
    kit_at_fba = item_of(api.get("/replenishment", warehouse_id=fba).json, kit)
    assert (kit_at_fba["kind"], kit_at_fba["needs_order"]) == ("assembly", True)

    # when the seller drafts purchase orders from the recommendations there
    reply = api.post("/replenishment/purchase-orders", {"warehouse_id": fba, "vendor_id": vendor})

    # then one order buys the part only: the kit is made by assembly orders
    assert reply.status == 201, reply.text
    (placed,) = reply.json["purchase_orders"]
    order = api.get(f"/purchase-orders/{placed['purchase_order_id']}").json
    assert [line["sku"] for line in order["lines"]] == ["PART"]
