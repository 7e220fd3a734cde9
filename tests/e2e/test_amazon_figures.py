"""End to end over HTTP against `python -m infra.local`: a received FBA shipment puts units on
hand; customers' FBA orders, read from Amazon's order reports by the sync, take them out; the
sync's inventory reads show Amazon agreeing. Then Amazon loses units our events cannot explain
(more than the tolerance of 2): the drift is shown, with since when and the last events on each
side, and once it persisted past two reads it is booked as an `amazon_adjustment` with both
figures.

Amazon's figures move with a sale at once; its order report shows the sale later: the runs here
read Amazon's figures every few seconds, so reports differ while the sale is being read, and
nothing is booked on them (they are newer than the orders read)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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

SKU = "CUP-1"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(
        tmp_path_factory.mktemp("amazon-figures"), **READ_AMAZON_FIGURES_EVERY_RUN
    )


def fba_row(seller: Tenant, fba: str) -> dict[str, Any]:
    rows = seller.call("GET", "/stock", 200, params={"warehouse_id": fba, "sku": SKU})["items"]
    return rows[0] if rows else {}


def test_sales_take_fba_stock_out_and_a_drift_is_found_explained_and_booked(
    backend: RunningBackend,
) -> None:
    # Given a seller whose shipment of 10 cups Amazon received, connected under purchase_order
    seller = Tenant(backend)
    amazon = ControlClient(backend.sim_url)
    seller_id, token = new_seller(amazon)
    shipment = amazon.create_shipment(seller_id, US, {SKU: 10}, status="SHIPPED")
    amazon.receive(shipment, {SKU: 10})
    fba = fba_of(seller.connect_account(seller_id, token))
    eventually(
        "10 cups on hand at FBA", lambda: fba_row(seller, fba), lambda r: r.get("on_hand") == 10
    )

    # When customers buy 3 cups Amazon ships (read from the order reports by the sync)
    purchased = datetime.now(UTC) - timedelta(hours=2)
    amazon.add_orders(
        seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": purchased.isoformat(),
                "last_updated_date": (purchased + timedelta(hours=1)).isoformat(),
                "order_status": "Shipped",
                "lines": [{"sku": SKU, "quantity": 3}],
            }
        ],
    )

    # Then FBA on hand follows them out, Amazon's figures agree, and nothing drifts
    row = eventually(
        "the sale taken out, Amazon agreeing",
        lambda: fba_row(seller, fba),
        lambda r: r.get("on_hand") == 7 and (r.get("amazon") or {}).get("fulfillable") == 7,
        seconds=90,  # the new connection's first run backfills a year of sales reports first
    )
    assert row["amazon"]["source"] == "summaries"
    eventually(  # reports read before the sale was recorded differ from what we knew then
        "no drift once Amazon's latest report agrees",
        lambda: seller.call("GET", "/stock/drift", 200, params={"warehouse_id": fba})["items"],
        lambda items: items == [],
    )
    window = {
        "product_id": row_product(seller, fba),
        "warehouse_id": fba,
        "granularity": "month",
        "from": (purchased.date() - timedelta(days=31)).isoformat(),
        "to": purchased.date().isoformat(),
    }
    eventually(
        "the sale in the product's sales",
        lambda: seller.call("GET", "/sales", 200, params=window)["periods"],
        lambda periods: sum(p["sold"] for p in periods) == 3,
    )
    # When Amazon loses 3 cups (a movement no event of ours explains)
    amazon.adjust_inventory(seller_id, US, SKU, reason="lost", fulfillable_delta=-3)

    # Then the drift shows both figures, since when, and the last events on each side...
    drift = eventually(
        "the drift found",
        lambda: (
            seller.call("GET", "/stock/drift", 200, params={"warehouse_id": fba})["items"]
            or [fba_row(seller, fba)]
        ),
        lambda items: any(d.get("figure") == "on_hand" for d in items),
        seconds=90,
    )
    [on_hand] = [d for d in drift if d["figure"] == "on_hand"]
    assert (on_hand["sku"], on_hand["ours"], on_hand["amazon"], on_hand["difference"]) == (
        SKU,
        7,
        4,
        -3,
    )
    assert on_hand["since"] and on_hand["reads"] >= 1
    assert on_hand["last_ours"] and on_hand["last_amazon"]
    assert on_hand["last_amazon"][-1]["fulfillable"] == 4

    # ...and once it persisted past two reads, on hand follows Amazon, booked with both figures
    eventually(
        "the adjustment booked",
        lambda: fba_row(seller, fba),
        lambda r: r.get("on_hand") == 4,
        seconds=90,
    )
    ledger = seller.call("GET", "/stock/ledger", 200, params={"warehouse_id": fba, "sku": SKU})
    [adjusted] = [e for e in ledger["entries"] if e.get("reason") == "amazon_adjustment"]
    assert (adjusted["on_hand"], adjusted["ours"], adjusted["amazon"]) == (-3, 7, 4)
    eventually(
        "the drift gone",
        lambda: seller.call("GET", "/stock/drift", 200, params={"warehouse_id": fba})["items"],
        lambda items: not any(d["figure"] == "on_hand" for d in items),
    )


def row_product(seller: Tenant, fba: str) -> str:
    listings = eventually(
        "the cup's listing",
        lambda: seller.call("GET", "/listings", 200, params={"channel": "fba"})["items"],
        lambda items: any(item["sku"] == SKU for item in items),
    )
    return str(next(item["product_id"] for item in listings if item["sku"] == SKU))
