"""getInventorySummaries: figures derived from the simulated shipments."""

from __future__ import annotations

import httpx
import pytest
from sp_api.base.exceptions import SellingApiBadRequestException

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import CA, US, SellerFactory, SellerHandle

pytestmark = pytest.mark.slow


def details_by_sku(seller: SellerHandle, **params: object) -> dict[str, dict[str, object]]:
    response = seller.inventories().get_inventory_summary_marketplace(details=True, **params)
    return {s["sellerSku"]: s["inventoryDetails"] for s in response.payload["inventorySummaries"]}


def test_fulfillable_is_what_was_received_and_inbound_comes_from_open_shipments(
    control: ControlClient, seller: SellerHandle
) -> None:
    control.create_shipment(seller.seller_id, US, {"SKU-A": 5})  # WORKING
    control.create_shipment(seller.seller_id, US, {"SKU-A": 7}, status="IN_TRANSIT")
    receiving = control.create_shipment(seller.seller_id, US, {"SKU-A": 10}, status="SHIPPED")
    control.receive(receiving, {"SKU-A": 4})
    closed = control.create_shipment(seller.seller_id, US, {"SKU-A": 6}, status="SHIPPED")
    control.receive(closed, {"SKU-A": 5})
    control.close(closed)

    details = details_by_sku(seller)["SKU-A"]

    assert details["fulfillableQuantity"] == 9
    assert details["inboundWorkingQuantity"] == 5
    assert details["inboundShippedQuantity"] == 7
    assert details["inboundReceivingQuantity"] == 6


def test_summary_fields_and_seller_skus_filter(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 1, "SKU-B": 2})
    control.receive(shipment_id, {"SKU-B": 2})

    response = seller.inventories().get_inventory_summary_marketplace(
        details=True, sellerSkus=["SKU-B"]
    )

    [summary] = response.payload["inventorySummaries"]
    assert summary["sellerSku"] == "SKU-B"
    assert summary["fnSku"].startswith("X00")
    assert summary["asin"].startswith("B0")
    assert summary["inventoryDetails"]["fulfillableQuantity"] == 2
    assert response.payload["granularity"] == {
        "granularityType": "Marketplace",
        "granularityId": US,
    }
    assert response.headers["x-amzn-RateLimit-Limit"] == "200.0"


def test_pages_follow_next_token_and_the_token_expires_after_30_seconds(
    control: ControlClient, seller: SellerHandle
) -> None:
    control.create_shipment(seller.seller_id, US, {f"SKU-{n}": 1 for n in range(5)})
    inventories = seller.inventories()

    first = inventories.get_inventory_summary_marketplace(details=True)
    second = inventories.get_inventory_summary_marketplace(details=True, nextToken=first.next_token)

    assert len(first.payload["inventorySummaries"]) == 3
    assert len(second.payload["inventorySummaries"]) == 2
    assert second.next_token is None
    control.advance_clock(31)
    with pytest.raises(SellingApiBadRequestException) as raised:
        inventories.get_inventory_summary_marketplace(details=True, nextToken=first.next_token)
    assert "expired" in raised.value.message


def test_marketplace_ids_must_name_exactly_one_marketplace(
    sim: SimulatedAmazon, new_seller: SellerFactory
) -> None:
    seller = new_seller([US, CA])
    token = seller.inventories().auth.access_token

    response = httpx.get(
        f"{sim.url}/fba/inventory/v1/summaries",
        params={
            "granularityType": "Marketplace",
            "granularityId": US,
            "marketplaceIds": f"{US},{CA}",
        },
        headers={"x-amz-access-token": token},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_inventory_is_per_marketplace(control: ControlClient, new_seller: SellerFactory) -> None:
    seller = new_seller([US, CA])
    canadian = control.create_shipment(seller.seller_id, CA, {"SKU-A": 3})
    control.receive(canadian, {"SKU-A": 3})

    assert details_by_sku(seller) == {}
    canada = seller.inventories(CA).get_inventory_summary_marketplace(details=True)
    assert canada.payload["inventorySummaries"][0]["inventoryDetails"]["fulfillableQuantity"] == 3
