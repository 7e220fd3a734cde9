"""End to end over HTTP against `python -m infra.local`: a sync discovers the listings of
Amazon's shipments (mapped to the products of their SKUs, created for them); a person creates
a product and maps both listings to it; the product's stock is the sum over them, and mapping
one back moves its units back."""

from collections.abc import Iterator
from typing import Any

import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, Tenant, eventually, fast_backend, fba_of, new_seller


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("products"))


def fba_stock(seller: Tenant, product_id: str, fba: str) -> dict[str, Any]:
    rows = seller.call("GET", f"/products/{product_id}/stock", 200, params={"warehouse_id": fba})[
        "items"
    ]
    return rows[0] if rows else {}


def test_listings_discovered_by_a_sync_are_mapped_and_summed_per_product(
    backend: RunningBackend,
) -> None:
    # Given a seller whose Amazon account has a shipment of two mug colours
    seller = Tenant(backend)
    amazon = ControlClient(backend.sim_url)
    seller_id, token = new_seller(amazon)
    amazon.create_shipment(seller_id, US, {"MUG-BLUE": 10, "MUG-RED": 5})

    # When it connects (shipments imported as purchase orders) and the sync runs
    fba = fba_of(seller.connect_account(seller_id, token))

    # Then both listings are discovered, each mapped to a product of its SKU
    listings = eventually(
        "both listings discovered",
        lambda: seller.call("GET", "/listings", 200, params={"channel": "fba"})["items"],
        lambda items: len(items) == 2,
    )
    assert [(item["sku"], item["mapped_by"], item["warehouse_id"]) for item in listings] == [
        ("MUG-BLUE", "sku", fba),
        ("MUG-RED", "sku", fba),
    ]
    assert all(item["fnsku"] for item in listings)
    blue = listings[0]
    eventually(
        "the blue mug's own product shows its units on order",
        lambda: fba_stock(seller, blue["product_id"], fba),
        lambda row: row.get("on_order") == 10,
    )

    # When the seller creates one product and maps both listings to it
    mug = seller.call("POST", "/products", 201, json={"sku": "MUG", "name": "Mug"})["product_id"]
    for listing in listings:
        seller.call("PUT", f"/listings/{listing['listing_id']}", 200, json={"product_id": mug})

    # Then the mug's stock at FBA is the sum over both listings, and its detail lists them
    row = eventually(
        "the mug summing both listings",
        lambda: fba_stock(seller, mug, fba),
        lambda row: row.get("on_order") == 15,
    )
    assert {entry["listing_id"] for entry in row["listings"]} == {
        listing["listing_id"] for listing in listings
    }
    detail = eventually(
        "the mug listing both",
        lambda: seller.call("GET", f"/products/{mug}", 200),
        lambda product: len(product["listings"]) == 2,
    )
    assert {item["mapped_by"] for item in detail["listings"]} == {"user"}
    assert seller.call("GET", "/listings", 200, params={"mapped": "true"})["items"] != []

    # When the blue listing goes back to its own product, its units go with it
    seller.call(
        "PUT", f"/listings/{blue['listing_id']}", 200, json={"product_id": blue["product_id"]}
    )
    eventually(
        "the mug without the blue listing",
        lambda: fba_stock(seller, mug, fba),
        lambda row: row.get("on_order") == 5,
    )
    assert fba_stock(seller, blue["product_id"], fba)["on_order"] == 10

    # And another tenant sees none of it
    stranger = Tenant(backend)
    stranger.call("GET", f"/products/{mug}", 404)
    stranger.call("PUT", f"/listings/{blue['listing_id']}", 404, json={"product_id": mug})
    assert stranger.call("GET", "/listings", 200)["items"] == []
