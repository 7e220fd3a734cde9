"""Products and listings over the API: listings discovered from Amazon's reads and mapped to
the product of their SKU, a person's remap, and a product's stock summed over its listings
(remapping moves every figure, past ones included)."""

import uuid
from datetime import UTC, datetime, timedelta

from domain.event_store import EventContext, RecordedEvent, StreamAppend
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported
from domain.products.product import product_id_for
from domain.sales import AmazonOrderLine, AmazonOrderObserved, LineStatus, SalesChannel
from domain.streams import StreamId, StreamKind
from domain.warehouse import fba_warehouse_id
from functions.api.wiring import Services
from functions.reactor.listings import ListingDiscovery
from tests.api.gateway import ApiClient
from tests.api.givens import OBSERVED_AT, US, a_connection, append, reconciled

READS_VIEWS = True


def discovered(services: Services, tenant: str) -> None:
    """What the reactor does: every event of the tenant so far, through listing discovery."""
    discovery = ListingDiscovery(services.aggregates)
    events: list[RecordedEvent] = [
        recorded
        for recorded in services.events.read_all()
        if recorded.stream_id.tenant_id == tenant
    ]
    for recorded in events:
        discovery.react(recorded)


def inventory_report(services: Services, tenant: str, warehouse_id: str, sku: str) -> None:
    """What the inventory recorder appends (its stream has no aggregate)."""
    stream = StreamId(tenant_id=tenant, kind=StreamKind.FBA_INVENTORY, entity_id=warehouse_id)
    version = len(services.events.read(stream))
    context = EventContext(
        tenant_id=tenant, actor="sync:test", correlation_id="sync-run-1", occurred_at=OBSERVED_AT
    )
    report = AmazonInventoryReported(
        warehouse_id=warehouse_id,
        sku=sku,
        fnsku=f"X0{sku}",
        figures=AmazonInventoryFigures(fulfillable=4),
        reported_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        source="summaries",
    )
    services.events.append(
        [
            StreamAppend.of(
                stream, version, [report], context, [f"ev-{uuid.uuid4().hex}"], OBSERVED_AT
            )
        ]
    )


def listing_of(api: ApiClient, sku: str) -> dict:  # type: ignore[type-arg]
    items = api.get("/listings").json["items"]
    return next(item for item in items if item["sku"] == sku)


def test_reads_from_amazon_discover_listings_mapped_to_the_product_of_their_sku(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    ids = reconciled(api, services)  # a shipment of SKU-1 and SKU-2
    fba = fba_warehouse_id(ids["connection_id"], US)
    inventory_report(services, api.tenant, fba, "SKU-3")

    discovered(services, api.tenant)
    discovered(services, api.tenant)  # a redelivery: nothing new

    listings = api.get("/listings", connection_id=ids["connection_id"], channel="fba")
    assert listings.status == 200, listings.text
    assert [(item["sku"], item["fnsku"], item["mapped_by"]) for item in listings.json["items"]] == [
        ("SKU-1", "X0SKU-1", "sku"),
        ("SKU-2", "X0SKU-2", "sku"),
        ("SKU-3", "X0SKU-3", "sku"),
    ]
    assert {item["warehouse_id"] for item in listings.json["items"]} == {fba}
    products = api.get("/products").json["items"]
    assert [(p["sku"], p["created_by"]) for p in products] == [
        ("SKU-1", "listing"),
        ("SKU-2", "listing"),
        ("SKU-3", "listing"),
    ]
    assert api.get("/listings", channel="fbm").json["items"] == []
    assert api.get("/listings", mapped="true").json["items"] == []
    assert len(api.get("/listings", marketplace_id=US, mapped="false").json["items"]) == 3


def test_a_product_is_created_once_per_sku(api: ApiClient) -> None:
    created = api.post("/products", {"sku": "MUG", "name": "Blue mug", "barcode": "0123456789012"})
    again = api.post("/products", {"sku": "MUG", "name": "Another"})
    blank = api.post("/products", {"sku": "MUG-2", "name": " "})
    unknown_field = api.post("/products", {"sku": "MUG-3", "name": "Mug", "colour": "blue"})

    assert created.status == 201, created.text
    assert created.json["product_id"] == product_id_for("MUG")
    assert again.status == 409 and again.json["code"] == "already_exists", again.text
    assert blank.status == 422 and unknown_field.status == 422
    product = api.get(f"/products/{created.json['product_id']}")
    assert product.status == 200, product.text
    assert (product.json["name"], product.json["barcode"], product.json["listings"]) == (
        "Blue mug",
        "0123456789012",
        [],
    )
    assert api.get("/products/prod-unknown").status == 404
    assert [p["sku"] for p in api.get("/products").json["items"]] == ["MUG"]


def test_a_product_sums_its_listings_and_a_remap_moves_every_figure(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    ids = reconciled(api, services)  # SKU-1 x 10 and SKU-2 x 5 on order at FBA
    fba = fba_warehouse_id(ids["connection_id"], US)
    discovered(services, api.tenant)
    before_remap = datetime.now(UTC) + timedelta(seconds=1)
    mug = api.post("/products", {"sku": "MUG", "name": "Mug"}).json["product_id"]
    own = ids["warehouse_id"]
    counted = api.post(
        f"/warehouses/{own}/stock-counts",
        {"lines": [{"sku": "MUG", "quantity": 7}, {"sku": "SKU-1", "quantity": 3}]},
    )
    assert counted.status == 200, counted.text

    for sku in ("SKU-1", "SKU-2"):
        remapped = api.request(
            "PUT", f"/listings/{listing_of(api, sku)['listing_id']}", body={"product_id": mug}
        )
        assert remapped.status == 200, remapped.text

    stock = api.get(f"/products/{mug}/stock")
    assert stock.status == 200, stock.text
    by_warehouse = {row["warehouse_id"]: row for row in stock.json["items"]}
    assert by_warehouse[fba]["on_order"] == 15  # SKU-1 10 + SKU-2 5, both now the mug's
    assert [r["stock"]["sku"] for r in by_warehouse[fba]["listings"]] == ["SKU-1", "SKU-2"]
    # At your own warehouse: the mug's SKU, and the seller SKUs whose every listing is the mug's.
    assert by_warehouse[own]["on_hand"] == 7 + 3
    assert by_warehouse[own]["committed"] == 10 + 5
    assert api.get(f"/products/{product_id_for('SKU-1')}/stock").json["items"] == []
    # Past figures follow the remap too: as of before it, the mug already had them.
    past = api.get(f"/products/{mug}/stock", warehouse_id=fba, as_of=before_remap.isoformat())
    assert past.status == 200, past.text
    assert past.json["items"][0]["on_order"] == 15

    ledger = api.get(f"/products/{mug}/ledger", warehouse_id=fba, limit="1")
    assert ledger.status == 200, ledger.text
    entries = ledger.json["items"]
    cursor = ledger.json["next_cursor"]
    while cursor:
        page = api.get(f"/products/{mug}/ledger", warehouse_id=fba, limit="1", cursor=cursor)
        entries += page.json["items"]
        cursor = page.json["next_cursor"]
    assert {(e["entry"]["sku"], e["listing_id"]) for e in entries} == {
        ("SKU-1", listing_of(api, "SKU-1")["listing_id"]),
        ("SKU-2", listing_of(api, "SKU-2")["listing_id"]),
    }
    assert sum(e["entry"]["on_order"] for e in entries) == 15

    back = api.request(
        "PUT",
        f"/listings/{listing_of(api, 'SKU-1')['listing_id']}",
        body={"product_id": product_id_for("SKU-1")},
    )
    assert back.status == 200, back.text
    after = {row["warehouse_id"]: row for row in api.get(f"/products/{mug}/stock").json["items"]}
    assert after[fba]["on_order"] == 5
    assert (after[own]["on_hand"], after[own]["committed"]) == (7, 5)
    sku_1 = api.get(f"/products/{product_id_for('SKU-1')}/stock").json["items"]
    assert {row["warehouse_id"]: row["on_order"] for row in sku_1}[fba] == 10


def test_remapping_refuses_unknown_products_and_listings(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    reconciled(api, services)
    discovered(services, api.tenant)
    listing = listing_of(api, "SKU-1")

    unknown_product = api.request(
        "PUT", f"/listings/{listing['listing_id']}", body={"product_id": "prod-none"}
    )
    unknown_listing = api.request(
        "PUT", "/listings/lst-none", body={"product_id": listing["product_id"]}
    )
    malformed = api.request("PUT", f"/listings/{listing['listing_id']}", body={"product": "x"})

    assert unknown_product.status == 422, unknown_product.text
    assert unknown_product.json["errors"][0]["field"] == "body.product_id"
    assert unknown_listing.status == 404
    assert malformed.status == 422
    assert api.get(f"/listings/{listing['listing_id']}").json["version"] == listing["version"]


def test_another_tenant_sees_none_of_it(api: ApiClient, services: Services) -> None:
    assert api.tenant is not None
    reconciled(api, services)
    discovered(services, api.tenant)
    listing = listing_of(api, "SKU-1")
    other = api.as_tenant("tenant-other-" + api.tenant)

    assert other.get(f"/products/{listing['product_id']}").status == 404
    assert other.get(f"/products/{listing['product_id']}/stock").status == 404
    assert other.get(f"/listings/{listing['listing_id']}").status == 404
    assert other.get("/listings").json["items"] == []
    assert other.get("/products").json["items"] == []
    mine = other.post("/products", {"sku": "OWN", "name": "Own"}).json["product_id"]
    refused = other.request("PUT", f"/listings/{listing['listing_id']}", body={"product_id": mine})
    assert refused.status == 404


def an_amazon_order(
    services: Services,
    tenant: str,
    connection_id: str,
    order_id: str,
    sku: str,
    units: int,
    purchased_at: datetime = datetime(2026, 11, 3, 15, tzinfo=UTC),
) -> None:
    """What the sales sync appends for an FBA order of `units` x `sku`, shipped."""
    append(
        services,
        tenant,
        StreamKind.AMAZON_ORDER,
        order_id,
        AmazonOrderObserved(
            amazon_order_id=order_id,
            connection_id=connection_id,
            marketplace_id=US,
            channel=SalesChannel.FBA,
            warehouse_id=fba_warehouse_id(connection_id, US),
            purchased_at=purchased_at,
            updated_at=purchased_at + timedelta(hours=18),
            lines=(AmazonOrderLine(sku=sku, quantity=units, status=LineStatus.SHIPPED),),
        ),
    )


def test_a_products_sales_sum_its_listings_and_follow_a_remap(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    an_amazon_order(services, api.tenant, connection_id, "111-0000001-0000001", "TEE-S", 2)
    an_amazon_order(services, api.tenant, connection_id, "111-0000001-0000002", "TEE-M", 3)
    discovered(services, api.tenant)
    tee = api.post("/products", {"sku": "TEE", "name": "T-shirt"}).json["product_id"]
    fba = fba_warehouse_id(connection_id, US)
    window = {"from": "2026-11-01", "to": "2026-11-30"}

    small = api.get("/sales", product_id=product_id_for("TEE-S"), granularity="month", **window)
    assert small.status == 200, small.text
    assert [(p["start"], p["sold"]) for p in small.json["periods"]] == [("2026-11-01", 2)]
    for sku in ("TEE-S", "TEE-M"):
        listing = listing_of(api, sku)
        api.request("PUT", f"/listings/{listing['listing_id']}", body={"product_id": tee})

    both = api.get("/sales", product_id=tee, warehouse_id=fba, **window)
    by_day = {p["start"]: p["sold"] for p in both.json["periods"] if p["sold"]}
    assert both.status == 200, both.text
    assert by_day == {"2026-11-03": 5}
    assert {(s["warehouse_id"], s["sku"]) for s in both.json["summed"]} == {
        (fba, "TEE-S"),
        (fba, "TEE-M"),
    }
    moved = api.get("/sales", product_id=product_id_for("TEE-S"), granularity="month", **window)
    assert moved.json["periods"][0]["sold"] == 0

    too_long = api.get("/sales", product_id=tee, **{"from": "2020-01-01", "to": "2026-11-30"})
    backwards = api.get("/sales", product_id=tee, **{"from": "2026-11-30", "to": "2026-11-01"})
    assert too_long.status == 422 and too_long.json["errors"][0]["field"] == "query.to"
    assert backwards.status == 422, backwards.text
    assert api.get("/sales", product_id="prod-unknown").status == 404
    assert api.get("/sales", product_id=tee, warehouse_id="wh-unknown").status == 404
    assert api.get("/sales").status == 400  # product_id is required


def test_a_products_planning_and_forecast_edits(api: ApiClient) -> None:
    mug = api.post("/products", {"sku": "MUG", "name": "Mug"}).json["product_id"]
    vendor = api.post("/vendors", {"name": "Acme", "lead_time_days": 20, "currency": "USD"})
    planning = {
        "forecast_method": "seasonal",
        "lead_time_days": 14,
        "days_of_stock": 45,
        "vendor_id": vendor.json["vendor_id"],
    }
    next_month = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=1)

    changed = api.request(
        "PATCH", f"/products/{mug}", body={"name": "Blue mug", "planning": planning}
    )
    edited = api.request(
        "PUT",
        f"/products/{mug}/forecast-edits",
        body={"month": next_month.isoformat(), "units": 400},
    )

    assert changed.status == 200, changed.text
    assert edited.status == 200, edited.text
    shown = api.get(f"/products/{mug}").json
    assert shown["name"] == "Blue mug"
    assert shown["planning"] == {**planning, "forecast_days": 90}
    assert shown["forecast_edits"] == {next_month.isoformat(): 400}
    unchanged = api.request("PATCH", f"/products/{mug}", body={"name": "Blue mug"})
    assert unchanged.json["version"] == edited.json["version"]


def test_bad_planning_and_edits_are_refused_and_append_nothing(api: ApiClient) -> None:
    mug = api.post("/products", {"sku": "MUG", "name": "Mug"}).json["product_id"]
    version = api.get(f"/products/{mug}").json["version"]
    refusals = [
        (
            "PATCH",
            f"/products/{mug}",
            {"planning": {"lead_time_days": -1}},
            422,
            "body.planning.lead_time_days",
        ),
        (
            "PATCH",
            f"/products/{mug}",
            {"planning": {"lead_time_days": 366}},
            422,
            "body.planning.lead_time_days",
        ),
        (
            "PATCH",
            f"/products/{mug}",
            {"planning": {"days_of_stock": 0}},
            422,
            "body.planning.days_of_stock",
        ),
        (
            "PATCH",
            f"/products/{mug}",
            {"planning": {"vendor_id": "vendor-none"}},
            422,
            "body.planning.vendor_id",
        ),
        (
            "PUT",
            f"/products/{mug}/forecast-edits",
            {"month": "2020-01-01", "units": 5},
            422,
            "body.month",
        ),
        (
            "PUT",
            f"/products/{mug}/forecast-edits",
            {"month": "2999-01-15", "units": 5},
            422,
            "body.month",
        ),
        (
            "PUT",
            f"/products/{mug}/forecast-edits",
            {"month": "2999-01-01", "units": -5},
            422,
            "body.units",
        ),
    ]
    for method, path, body, status, field in refusals:
        reply = api.request(method, path, body=body)
        assert reply.status == status, (body, reply.text)
        assert field in [e["field"] for e in reply.json["errors"]], (body, reply.text)
    assert api.get(f"/products/{mug}").json["version"] == version
    assert api.request("PATCH", "/products/prod-none", body={"name": "X"}).status == 404
    missing = api.request(
        "PUT", "/products/prod-none/forecast-edits", body={"month": "2999-01-01", "units": 1}
    )
    assert missing.status == 404


def test_a_forecast_follows_sales_in_stock_and_shows_edits(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    today = datetime.now(UTC).date()
    for back in (10, 9, 8):  # 2 a day on three days; no stock known on the others
        day = datetime.combine(today - timedelta(days=back), datetime.min.time(), UTC)
        an_amazon_order(
            services, api.tenant, connection_id, f"111-{back:07d}-0000001", "TEE-S", 2, day
        )
    discovered(services, api.tenant)
    product_id = product_id_for("TEE-S")
    fba = fba_warehouse_id(connection_id, US)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    api.request(
        "PUT",
        f"/products/{product_id}/forecast-edits",
        body={"month": next_month.isoformat(), "units": 7},
    )

    forecast = api.get("/forecasts", product_id=product_id, warehouse_id=fba)

    assert forecast.status == 200, forecast.text
    body = forecast.json
    assert (body["method"], body["daily_rate"]) == ("last_days", "2.0000")
    assert body["days_out_of_stock"] == 7  # 10 days since the first sale, 3 with sales
    this_month = body["months"][0]
    days_this_month = (
        (today.replace(day=1) + timedelta(days=32)).replace(day=1) - today.replace(day=1)
    ).days
    assert this_month == {
        "month": today.replace(day=1).isoformat(),
        "units": 2 * days_this_month,
        "edited": False,
    }
    assert body["months"][1] == {"month": next_month.isoformat(), "units": 7, "edited": True}
    assert len(body["months"]) == 12
    assert api.get("/forecasts", product_id="prod-none", warehouse_id=fba).status == 404
    assert api.get("/forecasts", product_id=product_id, warehouse_id="wh-none").status == 404


def test_a_combined_warehouse_sums_a_products_stock_and_sales_over_its_members(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    ids = reconciled(api, services)  # SKU-1 x 10 on order at FBA, committed at the source
    fba = fba_warehouse_id(ids["connection_id"], US)
    own = ids["warehouse_id"]
    api.post(f"/warehouses/{own}/stock-counts", {"lines": [{"sku": "SKU-1", "quantity": 4}]})
    an_amazon_order(services, api.tenant, ids["connection_id"], "111-0000009-0000001", "SKU-1", 3)
    discovered(services, api.tenant)
    members = [
        {"warehouse_id": fba, "include_stock": True, "include_sales": True},
        {"warehouse_id": own, "include_stock": True, "include_sales": False},
    ]
    combined = api.post("/warehouses", {"name": "All", "kind": "combined", "members": members})
    assert combined.status == 201, combined.text
    everywhere = combined.json["warehouse_id"]
    product = product_id_for("SKU-1")

    stock = api.get(f"/products/{product}/stock", warehouse_id=everywhere)
    sales = api.get(
        "/sales",
        product_id=product,
        warehouse_id=everywhere,
        granularity="month",
        **{"from": "2026-11-01", "to": "2026-11-30"},
    )

    assert stock.status == 200, stock.text
    [row] = stock.json["items"]
    assert row["warehouse_id"] == everywhere
    assert (row["on_hand"], row["on_order"], row["committed"]) == (4 - 3, 10, 10)
    assert {r["stock"]["warehouse_id"] for r in row["listings"]} == {fba, own}
    assert sales.status == 200, sales.text
    assert sales.json["periods"][0]["sold"] == 3
    assert {s["warehouse_id"] for s in sales.json["summed"]} == {fba}
