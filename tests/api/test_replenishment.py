"""Replenishment and compare warehouses over the API: the golden case (2 units a day, lead time
14 + 30 days of stock, 20 available, 10 on order -> 58, to order 60 with MOQ 50 and case pack
12), draft purchase orders from the recommendations (one per vendor), the comparison of
warehouses and transfer orders from it; bad input and other tenants refused, nothing appended."""

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.products.product import product_id_for
from domain.warehouse import fba_warehouse_id
from functions.api.wiring import Services
from tests.api.gateway import ApiClient
from tests.api.givens import US, a_connection, an_own_warehouse
from tests.api.test_products import an_amazon_order, discovered

READS_VIEWS = True


def sold_two_a_day(api: ApiClient, services: Services, connection_id: str, *skus: str) -> None:
    """2 units a day of each SKU at the FBA warehouse on three days last week (no stock known
    on the other days: out of stock, left out of the velocity), the listings discovered."""
    assert api.tenant is not None
    today = datetime.now(UTC).date()
    for n, sku in enumerate(skus):
        for back in (10, 9, 8):
            day = datetime.combine(today - timedelta(days=back), datetime.min.time(), UTC)
            order_id = f"111-{back:07d}-{n:07d}"
            an_amazon_order(services, api.tenant, connection_id, order_id, sku, 2, day)
    discovered(services, api.tenant)


def a_vendor(api: ApiClient, name: str, *terms: dict[str, Any]) -> str:
    reply = api.post(
        "/vendors",
        {"name": name, "lead_time_days": 14, "currency": "USD", "products": list(terms)},
    )
    assert reply.status == 201, reply.text
    return str(reply.json["vendor_id"])


def planned(api: ApiClient, product_id: str, vendor_id: str, **planning: Any) -> None:
    reply = api.request(
        "PATCH",
        f"/products/{product_id}",
        body={"planning": {"vendor_id": vendor_id, "days_of_stock": 30, **planning}},
    )
    assert reply.status == 200, reply.text


def counted(api: ApiClient, warehouse_id: str, sku: str, quantity: int) -> None:
    lines = [{"sku": sku, "quantity": quantity}]
    reply = api.post(f"/warehouses/{warehouse_id}/stock-counts", {"lines": lines})
    assert reply.status in (200, 201), reply.text


def a_combined(api: ApiClient, sells: str, stocks: str) -> str:
    members = [
        {"warehouse_id": sells, "include_stock": False, "include_sales": True},
        {"warehouse_id": stocks, "include_stock": True, "include_sales": False},
    ]
    reply = api.post("/warehouses", {"name": "Planned", "kind": "combined", "members": members})
    assert reply.status == 201, reply.text
    return str(reply.json["warehouse_id"])


def item_of(page: dict[str, Any], product_id: str) -> dict[str, Any]:
    return next(item for item in page["items"] if item["product_id"] == product_id)


def test_the_golden_case_and_a_product_with_no_sales(api: ApiClient, services: Services) -> None:
    # given 2 units a day sold at FBA, the stock in an own warehouse (20 counted, 10 on order
    # from a vendor of lead time 14, MOQ 50, case pack 12), 30 days of stock, and a combined
    # warehouse selling at FBA and stocking in the own one
    connection_id = a_connection(api)
    sold_two_a_day(api, services, connection_id, "TEE-S")
    tee = product_id_for("TEE-S")
    own = an_own_warehouse(api)
    vendor = a_vendor(api, "Acme", {"sku": "TEE-S", "unit_cost": "2.5", "moq": 50, "case_pack": 12})
    planned(api, tee, vendor)
    counted(api, own, "TEE-S", 20)
    order = {
        "vendor_id": vendor,
        "destination_warehouse_id": own,
        "lines": [{"sku": "TEE-S", "quantity": 10}],
    }
    assert api.post("/purchase-orders", order).status == 201
    planned_at = a_combined(api, sells=fba_warehouse_id(connection_id, US), stocks=own)
    mug = api.post("/products", {"sku": "MUG", "name": "Mug"}).json["product_id"]

    # when
    page = api.get("/replenishment", warehouse_id=planned_at)

    # then
    assert page.status == 200, page.text
    golden = item_of(page.json, tee)
    assert (golden["available"], golden["incoming"]) == (20, 10)
    assert (golden["lead_time_days"], golden["planning_period_days"]) == (14, 44)
    assert (golden["daily_rate"], golden["forecast"]) == ("2.0000", 88)
    assert (golden["replenishment"], golden["to_order"]) == (58, 60)
    assert (golden["moq"], golden["case_pack"], golden["needs_order"]) == (50, 12, True)
    assert golden["days_of_stock_left"] == 10
    today = datetime.now(UTC).date()
    # 30 units last 15 days and the vendor takes 14: order by tomorrow
    assert golden["replenishment_date"] == (today + timedelta(days=1)).isoformat()
    nothing = item_of(page.json, mug)
    assert (nothing["forecast"], nothing["replenishment"], nothing["to_order"]) == (0, 0, 0)
    assert nothing["needs_order"] is False and nothing["replenishment_date"] is None
    assert page.json["scanned"] == 2 and page.json["next_cursor"] is None

    # and the filters keep what they match
    to_order = api.get("/replenishment", warehouse_id=planned_at, needs_order="true")
    assert [item["product_id"] for item in to_order.json["items"]] == [tee]
    of_vendor = api.get("/replenishment", warehouse_id=planned_at, vendor_id=vendor)
    assert [item["product_id"] for item in of_vendor.json["items"]] == [tee]
    not_to_order = api.get("/replenishment", warehouse_id=planned_at, needs_order="false")
    assert [item["product_id"] for item in not_to_order.json["items"]] == [mug]


def test_a_page_reads_at_most_limit_products_and_goes_on_from_its_cursor(
    api: ApiClient,
) -> None:
    # given three products and an own warehouse
    own = an_own_warehouse(api)
    for sku in ("A", "B", "C"):
        api.post("/products", {"sku": sku, "name": sku})

    # when
    first = api.get("/replenishment", warehouse_id=own, limit="2")
    second = api.get(
        "/replenishment", warehouse_id=own, limit="2", cursor=first.json["next_cursor"]
    )
    filtered = api.get("/replenishment", warehouse_id=own, limit="2", needs_order="true")

    # then
    assert [item["sku"] for item in first.json["items"]] == ["A", "B"]
    assert [item["sku"] for item in second.json["items"]] == ["C"]
    assert second.json["next_cursor"] is None
    assert filtered.json["items"] == [] and filtered.json["scanned"] == 2
    assert filtered.json["next_cursor"] is not None


def test_bad_replenishment_queries_are_refused(api: ApiClient) -> None:
    own = an_own_warehouse(api)

    missing = api.get("/replenishment")
    unknown = api.get("/replenishment", warehouse_id="wh-none")
    vendor = api.get("/replenishment", warehouse_id=own, vendor_id="vendor-none")
    cursor = api.get("/replenishment", warehouse_id=own, cursor="not-a-cursor")
    limit = api.get("/replenishment", warehouse_id=own, limit="0")
    flag = api.get("/replenishment", warehouse_id=own, needs_order="maybe")

    assert missing.status == 400, missing.text
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "query.warehouse_id"
    assert vendor.status == 404 and vendor.json["errors"][0]["field"] == "query.vendor_id"
    assert cursor.status == 400 and cursor.json["errors"][0]["field"] == "query.cursor"
    assert limit.status in (400, 422) and limit.json["errors"][0]["field"] == "query.limit"
    assert flag.status in (400, 422) and flag.json["errors"][0]["field"] == "query.needs_order"


def order_lines(api: ApiClient, purchase_order_id: str) -> dict[str, Any]:
    reply = api.get(f"/purchase-orders/{purchase_order_id}")
    assert reply.status == 200, reply.text
    return reply.json  # type: ignore[no-any-return]


def test_draft_purchase_orders_one_per_vendor_with_the_vendors_costs(
    api: ApiClient, services: Services
) -> None:
    # given two products selling 2 a day at FBA, each from its own vendor, and one without
    connection_id = a_connection(api)
    sold_two_a_day(api, services, connection_id, "TEE-S", "TEE-M", "CAP")
    fba = fba_warehouse_id(connection_id, US)
    acme = a_vendor(api, "Acme", {"sku": "TEE-S", "unit_cost": "2.5", "moq": 50, "case_pack": 12})
    bolt = a_vendor(api, "Bolt", {"sku": "TEE-M", "unit_cost": "3"})
    planned(api, product_id_for("TEE-S"), acme)
    planned(api, product_id_for("TEE-M"), bolt)
    advice = api.get("/replenishment", warehouse_id=fba, needs_order="true").json
    wanted = {item["sku"]: item["to_order"] for item in advice["items"]}
    assert set(wanted) == {"TEE-S", "TEE-M", "CAP"} and wanted["TEE-S"] % 12 == 0

    # when
    created = api.post("/replenishment/purchase-orders", {"warehouse_id": fba}, key="repl-1")
    again = api.post("/replenishment/purchase-orders", {"warehouse_id": fba}, key="repl-1")

    # then one open order per vendor, a line per product to order at the vendor's cost
    assert created.status == 201, created.text
    assert again.json == created.json  # the same key: the same orders, nothing appended again
    orders = {o["vendor_id"]: o for o in created.json["purchase_orders"]}
    assert set(orders) == {acme, bolt}
    acme_order = order_lines(api, orders[acme]["purchase_order_id"])
    bolt_order = order_lines(api, orders[bolt]["purchase_order_id"])
    assert acme_order["status"] == "open" and acme_order["destination_warehouse_id"] == fba
    assert [
        (line["sku"], line["quantity_ordered"], line["unit_cost"]) for line in acme_order["lines"]
    ] == [("TEE-S", wanted["TEE-S"], "2.5")]
    assert [
        (line["sku"], line["quantity_ordered"], line["unit_cost"]) for line in bolt_order["lines"]
    ] == [("TEE-M", wanted["TEE-M"], "3")]


def test_a_purchase_order_for_one_vendor_and_named_products(
    api: ApiClient, services: Services
) -> None:
    # given two products of one vendor selling at FBA
    connection_id = a_connection(api)
    sold_two_a_day(api, services, connection_id, "TEE-S", "TEE-M")
    fba = fba_warehouse_id(connection_id, US)
    acme = a_vendor(
        api, "Acme", {"sku": "TEE-S", "unit_cost": "2"}, {"sku": "TEE-M", "unit_cost": "4"}
    )
    planned(api, product_id_for("TEE-S"), acme)
    planned(api, product_id_for("TEE-M"), acme)
    body = {"warehouse_id": fba, "vendor_id": acme, "product_ids": [product_id_for("TEE-M")]}

    # when
    created = api.post("/replenishment/purchase-orders", body)

    # then
    assert created.status == 201, created.text
    [order] = created.json["purchase_orders"]
    lines = order_lines(api, order["purchase_order_id"])["lines"]
    assert [line["sku"] for line in lines] == ["TEE-M"]
    assert order["vendor_id"] == acme and order["lines"] == 1


def test_bad_purchase_order_requests_append_nothing(api: ApiClient, services: Services) -> None:
    # given a product with no sales from a vendor, and a combined warehouse
    connection_id = a_connection(api)
    fba = fba_warehouse_id(connection_id, US)
    own = an_own_warehouse(api)
    mug = api.post("/products", {"sku": "MUG", "name": "Mug"}).json["product_id"]
    acme = a_vendor(api, "Acme", {"sku": "MUG", "unit_cost": "1"})
    planned(api, mug, acme)
    sold_two_a_day(api, services, connection_id, "TEE-S")
    planned(api, product_id_for("TEE-S"), acme)
    combined = a_combined(api, sells=fba, stocks=own)
    post = "/replenishment/purchase-orders"

    # when / then
    nothing = api.post(post, {"warehouse_id": own, "vendor_id": acme})
    assert nothing.status == 422 and nothing.json["code"] == "nothing_to_order", nothing.text
    unknown_vendor = api.post(post, {"warehouse_id": fba, "vendor_id": "vendor-none"})
    assert unknown_vendor.status == 404
    assert unknown_vendor.json["errors"][0]["field"] == "body.vendor_id"
    unknown_warehouse = api.post(post, {"warehouse_id": "wh-none"})
    assert unknown_warehouse.status == 404
    assert unknown_warehouse.json["errors"][0]["field"] == "body.warehouse_id"
    unknown_product = api.post(post, {"warehouse_id": fba, "product_ids": ["prod-none"]})
    assert unknown_product.status == 404
    assert unknown_product.json["errors"][0]["field"] == "body.product_ids"
    twice = api.post(post, {"warehouse_id": fba, "product_ids": [mug, mug]})
    assert twice.status == 422 and twice.json["errors"][0]["field"].startswith("body.product_ids")
    into_combined = api.post(post, {"warehouse_id": combined})
    assert into_combined.status == 422, into_combined.text
    assert into_combined.json["errors"][0]["field"] == "body.warehouse_id"
    assert api.get("/purchase-orders").json["items"] == []


def compare_setup(api: ApiClient, services: Services) -> tuple[str, str, str, str]:
    """TEE-S selling 2 a day at FBA with nothing there; 100 in an own warehouse that sells
    nothing; 5 in another own warehouse."""
    connection_id = a_connection(api)
    sold_two_a_day(api, services, connection_id, "TEE-S")
    tee = product_id_for("TEE-S")
    acme = a_vendor(api, "Acme", {"sku": "TEE-S", "unit_cost": "2"})
    planned(api, tee, acme)
    spare = an_own_warehouse(api, "Spare")
    small = an_own_warehouse(api, "Small")
    counted(api, spare, "TEE-S", 100)
    counted(api, small, "TEE-S", 5)
    return tee, fba_warehouse_id(connection_id, US), spare, small


def test_compare_warehouses_moves_surplus_to_the_shortfall(
    api: ApiClient, services: Services
) -> None:
    # given
    tee, fba, spare, small = compare_setup(api, services)

    # when
    report = api.get(
        "/reports/compare-warehouses", product_id=tee, warehouse_ids=f"{fba},{spare},{small}"
    )

    # then
    assert report.status == 200, report.text
    body = report.json
    shown = {w["warehouse_id"]: w for w in body["warehouses"]}
    assert [w["warehouse_id"] for w in body["warehouses"]] == [fba, spare, small]
    assert shown[fba]["forecast"] == 88  # 2 a day over 14 + 30 days
    assert shown[fba]["short"] == 88 - shown[fba]["available"] - shown[fba]["incoming"]
    assert (shown[spare]["available"], shown[spare]["forecast"]) == (100, 0)
    assert shown[spare]["spare"] == 100 and shown[fba]["spare"] == 0
    assert shown[fba]["replenishment"] == shown[fba]["short"]
    moves = body["transfers"]
    assert moves[0] == {
        "source_warehouse_id": spare,
        "destination_warehouse_id": fba,
        "quantity": min(100, shown[fba]["short"]),
    }
    assert sum(m["quantity"] for m in moves) == shown[fba]["short"]


def test_transfer_orders_from_the_comparison(api: ApiClient, services: Services) -> None:
    # given the comparison's transfers
    tee, fba, spare, _ = compare_setup(api, services)
    report = api.get("/reports/compare-warehouses", product_id=tee, warehouse_ids=f"{fba},{spare}")
    moves = report.json["transfers"]

    # when
    created = api.post(
        "/reports/compare-warehouses/transfer-orders", {"product_id": tee, "transfers": moves}
    )

    # then each is a transfer order of the product's SKU, committed at the source
    assert created.status == 201, created.text
    [made] = created.json["transfer_orders"]
    order = api.get(f"/transfer-orders/{made['transfer_order_id']}")
    assert order.status == 200, order.text
    assert made["quantity"] == moves[0]["quantity"]
    stock = api.get(f"/products/{tee}/stock", warehouse_id=spare).json["items"][0]
    assert stock["committed"] == moves[0]["quantity"]


def test_bad_comparisons_and_transfers_are_refused_and_append_nothing(
    api: ApiClient, services: Services
) -> None:
    tee, fba, spare, small = compare_setup(api, services)
    compare = "/reports/compare-warehouses"
    post = "/reports/compare-warehouses/transfer-orders"

    one = api.get(compare, product_id=tee, warehouse_ids=fba)
    twice = api.get(compare, product_id=tee, warehouse_ids=f"{fba},{fba}")
    eleven = api.get(compare, product_id=tee, warehouse_ids=",".join([spare] * 11))
    unknown = api.get(compare, product_id=tee, warehouse_ids=f"{fba},wh-none")
    no_product = api.get(compare, product_id="prod-none", warehouse_ids=f"{fba},{spare}")
    assert one.status in (400, 422) and one.json["errors"][0]["field"] == "query.warehouse_ids"
    assert twice.status == 422 and twice.json["errors"][0]["field"] == "query.warehouse_ids"
    assert eleven.status in (400, 422)
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "query.warehouse_ids"
    assert no_product.status == 404

    good = {"source_warehouse_id": spare, "destination_warehouse_id": small, "quantity": 5}
    from_fba = {"source_warehouse_id": fba, "destination_warehouse_id": spare, "quantity": 1}
    same = {"source_warehouse_id": spare, "destination_warehouse_id": spare, "quantity": 1}
    negative = {**good, "quantity": -1}
    refused_fba = api.post(post, {"product_id": tee, "transfers": [good, from_fba]})
    refused_same = api.post(post, {"product_id": tee, "transfers": [same]})
    refused_negative = api.post(post, {"product_id": tee, "transfers": [negative]})
    refused_product = api.post(post, {"product_id": "prod-none", "transfers": [good]})
    assert refused_fba.status == 422, refused_fba.text
    assert refused_fba.json["errors"][0]["field"] == "body.transfers.1.source_warehouse_id"
    assert refused_same.json["errors"][0]["field"] == "body.transfers.0.destination_warehouse_id"
    assert refused_negative.status == 422
    assert refused_product.status == 404
    assert refused_product.json["errors"][0]["field"] == "body.product_id"
    assert api.get("/transfer-orders").json["items"] == []


def test_another_tenant_sees_and_orders_none_of_it(api: ApiClient, services: Services) -> None:
    # given my product, warehouses and vendor
    tee, fba, spare, small = compare_setup(api, services)
    assert api.tenant is not None
    other = api.as_tenant("tenant-other-" + api.tenant)
    vendor_id = api.get(f"/products/{tee}").json["planning"]["vendor_id"]
    move = {"source_warehouse_id": spare, "destination_warehouse_id": small, "quantity": 1}

    # when / then
    assert other.get("/replenishment", warehouse_id=fba).status == 404
    assert other.get("/replenishment", warehouse_id=spare).status == 404
    theirs = an_own_warehouse(other)
    assert other.get("/replenishment", warehouse_id=theirs, vendor_id=vendor_id).status == 404
    assert other.get("/replenishment", warehouse_id=theirs).json["items"] == []
    compared = other.get(
        "/reports/compare-warehouses", product_id=tee, warehouse_ids=f"{fba},{spare}"
    )
    assert compared.status == 404
    ordered = other.post("/replenishment/purchase-orders", {"warehouse_id": fba})
    assert ordered.status == 404
    named = other.post(
        "/replenishment/purchase-orders", {"warehouse_id": theirs, "product_ids": [tee]}
    )
    assert named.status == 404
    moved = other.post(
        "/reports/compare-warehouses/transfer-orders", {"product_id": tee, "transfers": [move]}
    )
    assert moved.status == 404
    assert api.get("/transfer-orders").json["items"] == []


def test_ignore_unreceived_takes_late_fba_units_out_of_incoming(
    api: ApiClient, services: Services
) -> None:
    # given TEE-S selling 2 a day at FBA, and 8 units on order into FBA expected long ago
    connection_id = a_connection(api)
    sold_two_a_day(api, services, connection_id, "TEE-S")
    tee, fba = product_id_for("TEE-S"), fba_warehouse_id(connection_id, US)
    acme = a_vendor(api, "Acme", {"sku": "TEE-S", "unit_cost": "2"})
    planned(api, tee, acme)
    late = {
        "vendor_id": acme,
        "destination_warehouse_id": fba,
        "expected_date": "2026-01-01",
        "lines": [{"sku": "TEE-S", "quantity": 8}],
    }
    assert api.post("/purchase-orders", late).status == 201
    counted_in = item_of(api.get("/replenishment", warehouse_id=fba).json, tee)

    # when
    setting = {"ignore_unreceived": {"enabled": True, "days_after_expected": 10}}
    assert api.request("PUT", "/settings/planning", body=setting).status == 200
    ignored = item_of(api.get("/replenishment", warehouse_id=fba).json, tee)

    # then
    assert (counted_in["on_order"], counted_in["incoming"]) == (8, 8)
    assert (ignored["on_order"], ignored["incoming"], ignored["ignored_incoming"]) == (8, 0, 8)
    assert ignored["replenishment"] == counted_in["replenishment"] + 8
