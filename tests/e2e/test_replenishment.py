"""End to end over HTTP against `python -m infra.local`: a seller whose cups sold 2 a day at FBA
for the last 90 days (read from Amazon's order reports by the new connection's backfill), with
a received shipment's units left on hand, plans the cup from a vendor (lead time 14, MOQ 50,
case pack 12) with 30 days of stock. The replenishment at FBA shows the 2 a day over the 44-day
planning period and what to order in whole cases; a draft purchase order from it puts those
units on order, and the replenishment then counts them. An own warehouse holding spare cups
is compared with FBA: the comparison moves spare units to FBA's shortfall, and the transfer
order made from it is shown. Bad queries are refused."""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import (
    READ_AMAZON_FIGURES_EVERY_RUN,
    US,
    Tenant,
    eventually,
    fast_backend,
    fba_of,
    new_seller,
)

SKU = "CUP"
DAYS = 90
RECEIVED = 200  # 180 sold over the 90 days leaves 20 on hand: FBA is short of 44 days' need
COUNTED = 300  # at the own warehouse, which sells nothing: all of it is spare


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(
        tmp_path_factory.mktemp("replenishment"), **READ_AMAZON_FIGURES_EVERY_RUN
    )


def two_a_day(days: int) -> list[dict[str, Any]]:
    """One FBA order of 2 cups at noon on each of the last `days` days."""
    today = datetime.now(UTC).date()
    orders = []
    for back in range(1, days + 1):
        purchased = datetime.combine(today - timedelta(days=back), time(12), UTC)
        orders.append(
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": purchased.isoformat(),
                "last_updated_date": (purchased + timedelta(hours=1)).isoformat(),
                "order_status": "Shipped",
                "lines": [{"sku": SKU, "quantity": 2}],
            }
        )
    return orders


def product_of(seller: Tenant) -> str:
    listings = eventually(
        "the cup's listing",
        lambda: seller.call("GET", "/listings", 200, params={"channel": "fba"})["items"],
        lambda items: any(item["sku"] == SKU for item in items),
        seconds=90,  # the new connection's first run backfills a year of sales reports first
    )
    return str(next(item["product_id"] for item in listings if item["sku"] == SKU))


def sold(seller: Tenant, product_id: str, fba: str) -> int:
    today = datetime.now(UTC).date()
    window = {
        "product_id": product_id,
        "warehouse_id": fba,
        "granularity": "month",
        "from": (today - timedelta(days=DAYS + 5)).isoformat(),
        "to": today.isoformat(),
    }
    return sum(p["sold"] for p in seller.call("GET", "/sales", 200, params=window)["periods"])


def on_hand(seller: Tenant, fba: str) -> int | None:
    rows = seller.call("GET", "/stock", 200, params={"warehouse_id": fba, "sku": SKU})["items"]
    return int(rows[0]["on_hand"]) if rows else None


def cup_at(seller: Tenant, warehouse_id: str, **params: str) -> dict[str, Any] | None:
    page = seller.call(
        "GET", "/replenishment", 200, params={"warehouse_id": warehouse_id, **params}
    )
    return next((item for item in page["items"] if item["sku"] == SKU), None)


def assert_arithmetic(item: dict[str, Any]) -> None:
    """The figures the answer shows agree with each other."""
    assert item["planning_period_days"] == item["lead_time_days"] + item["days_of_stock"] == 44
    assert item["available"] == item["on_hand"] - item["committed"]
    assert item["replenishment"] == max(0, item["forecast"] - item["available"] - item["incoming"])
    if item["replenishment"] > 0:
        assert item["to_order"] >= max(item["replenishment"], 50)
        assert item["to_order"] % 12 == 0
        assert item["to_order"] - item["replenishment"] < max(50, 12)  # rounded up, not more
        assert item["needs_order"] is True
    else:
        assert item["to_order"] == 0 and item["needs_order"] is False


def test_a_seller_plans_orders_and_balances_the_cup(backend: RunningBackend) -> None:
    # Given a seller whose shipment of 200 cups Amazon received, who sold 2 a day at FBA over
    # the last 90 days, connected
    seller = Tenant(backend)
    amazon = ControlClient(backend.sim_url)
    seller_id, token = new_seller(amazon)
    shipment = amazon.create_shipment(seller_id, US, {SKU: RECEIVED}, status="SHIPPED")
    amazon.receive(shipment, {SKU: RECEIVED})
    amazon.add_orders(seller_id, two_a_day(DAYS))
    fba = fba_of(seller.connect_account(seller_id, token))
    cup = product_of(seller)
    eventually(
        "the 90 days of sales read",
        lambda: sold(seller, cup, fba),
        lambda units: units == 2 * DAYS,
        seconds=90,
    )
    eventually(
        "the sales taken out of the received cups",
        lambda: on_hand(seller, fba),
        lambda units: units == RECEIVED - 2 * DAYS,
        seconds=60,
    )

    # When the seller buys the cup from a vendor (lead time 14, MOQ 50, case pack 12) and keeps
    # 30 days of stock
    terms = {"sku": SKU, "unit_cost": "2.5", "moq": 50, "case_pack": 12}
    vendor = seller.call(
        "POST",
        "/vendors",
        201,
        json={"name": "Acme", "lead_time_days": 14, "currency": "USD", "products": [terms]},
    )["vendor_id"]
    planning = {"planning": {"vendor_id": vendor, "days_of_stock": 30}}
    seller.call("PATCH", f"/products/{cup}", 200, json=planning)

    # Then the replenishment at FBA shows 2 a day over 44 days and what to order in cases
    item = eventually(
        "the cup planned at FBA",
        lambda: cup_at(seller, fba),
        lambda found: found is not None and found["vendor_id"] == vendor,
    )
    assert item is not None
    assert abs(Decimal(item["daily_rate"]) - 2) <= Decimal("0.1"), item
    assert 84 <= item["forecast"] <= 92, item  # about 2 a day over 44 days
    assert (item["moq"], item["case_pack"]) == (50, 12)
    assert item["available"] == RECEIVED - 2 * DAYS
    assert item["incoming"] == 0
    assert_arithmetic(item)
    assert item["replenishment"] > 0 and item["needs_order"] is True
    to_order = item["to_order"]
    needs_order = seller.call(
        "GET", "/replenishment", 200, params={"warehouse_id": fba, "needs_order": "true"}
    )["items"]
    assert [found["sku"] for found in needs_order] == [SKU]

    # And an own warehouse holding spare cups is compared with FBA: spare moves to FBA
    own = seller.call("POST", "/warehouses", 201, json={"name": "Garage", "kind": "own"})[
        "warehouse_id"
    ]
    count = {"lines": [{"sku": SKU, "quantity": COUNTED}]}
    seller.call("POST", f"/warehouses/{own}/stock-counts", 200, json=count)
    report = eventually(
        "the counted cups in the comparison",
        lambda: seller.call(
            "GET",
            "/reports/compare-warehouses",
            200,
            params={"product_id": cup, "warehouse_ids": f"{own},{fba}"},
        ),
        lambda body: body["warehouses"][0]["available"] == COUNTED,
    )
    at_own, at_fba = report["warehouses"]
    assert (at_own["warehouse_id"], at_fba["warehouse_id"]) == (own, fba)
    assert (at_own["forecast"], at_own["spare"], at_own["short"]) == (0, COUNTED, 0)
    assert at_fba["forecast"] == item["forecast"] and at_fba["spare"] == 0
    assert at_fba["short"] == item["forecast"] - item["available"] > 0
    assert report["transfers"] == [
        {"source_warehouse_id": own, "destination_warehouse_id": fba, "quantity": at_fba["short"]}
    ]

    # When the seller drafts purchase orders from the replenishment
    created = seller.call(
        "POST",
        "/replenishment/purchase-orders",
        201,
        json={"warehouse_id": fba, "vendor_id": vendor},
        headers={"Idempotency-Key": "cups-1"},
    )

    # Then one open order of the vendor holds to_order cups at the vendor's cost
    [made] = created["purchase_orders"]
    assert (made["vendor_id"], made["lines"], made["units"]) == (vendor, 1, to_order)
    order = eventually(
        "the purchase order shown",
        lambda: seller.api.get(f"/purchase-orders/{made['purchase_order_id']}"),
        lambda answer: answer.status_code == 200,
    ).json()
    assert order["status"] == "open" and order["destination_warehouse_id"] == fba
    assert [
        (line["sku"], line["quantity_ordered"], line["unit_cost"]) for line in order["lines"]
    ] == [(SKU, to_order, "2.5")]

    # And the replenishment counts the cups on order: nothing more to order
    after = eventually(
        "the cups on order counted",
        lambda: cup_at(seller, fba),
        lambda found: found is not None and found["on_order"] == to_order,
    )
    assert after is not None
    assert after["incoming"] == to_order
    assert_arithmetic(after)
    assert (after["replenishment"], after["to_order"], after["needs_order"]) == (0, 0, False)

    # When the seller makes the comparison's transfer into a transfer order
    moved = seller.call(
        "POST",
        "/reports/compare-warehouses/transfer-orders",
        201,
        json={"product_id": cup, "transfers": report["transfers"]},
        headers={"Idempotency-Key": "cups-2"},
    )

    # Then the transfer order is shown, from the own warehouse to FBA
    [transfer] = moved["transfer_orders"]
    assert (transfer["source_warehouse_id"], transfer["destination_warehouse_id"]) == (own, fba)
    assert transfer["quantity"] == at_fba["short"]
    shown = eventually(
        "the transfer order shown",
        lambda: seller.api.get(f"/transfer-orders/{transfer['transfer_order_id']}"),
        lambda answer: answer.status_code == 200,
    ).json()
    assert (shown["source_warehouse_id"], shown["destination_warehouse_id"]) == (own, fba)
    assert shown["units"] == transfer["quantity"]
    assert [(line["sku"], line["quantity"]) for line in shown["lines"]] == [
        (SKU, transfer["quantity"])
    ]


def test_bad_replenishment_queries_are_refused(backend: RunningBackend) -> None:
    # Given a seller with an own warehouse
    seller = Tenant(backend)
    seller.call("POST", "/warehouses", 201, json={"name": "Garage"})

    # When / Then: no warehouse is 400, an unknown one 404 naming it
    missing = seller.call("GET", "/replenishment", 400)
    assert missing["code"] == "invalid_parameter", missing
    unknown = seller.call("GET", "/replenishment", 404, params={"warehouse_id": "wh-none"})
    assert unknown["errors"][0]["field"] == "query.warehouse_id"
