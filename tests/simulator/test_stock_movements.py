"""Amazon's own stock movements in the simulator: shipped FBA orders take units out of
fulfillable, their sellable returns put them back, and an inventory adjustment (lost, damaged,
found) moves the figures and notifies a subscribed seller, as a receipt does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import CA, US, SellerHandle, make_seller
from .sqs_support import Queue, moto_endpoint, subscribe

__all__ = ["moto_endpoint"]  # a fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim(moto_endpoint: str) -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(notifications_endpoint_url=moto_endpoint) as simulator:
        yield simulator


def details(seller: SellerHandle, sku: str, marketplace_id: str = US) -> dict[str, object]:
    response = seller.inventories(marketplace_id).get_inventory_summary_marketplace(
        details=True, sellerSkus=[sku]
    )
    [summary] = response.payload["inventorySummaries"]
    found: dict[str, object] = summary["inventoryDetails"]
    return found


def received(control: ControlClient, seller: SellerHandle, units: int, market: str = US) -> None:
    shipment_id = control.create_shipment(
        seller.seller_id, market, {"SKU-A": units}, status="SHIPPED"
    )
    control.receive(shipment_id, {"SKU-A": units})


def order(
    marketplace_id: str, channel: str, status: str, quantity: int, **extra: object
) -> dict[str, object]:
    return {
        "marketplace_id": marketplace_id,
        "fulfillment_channel": channel,
        "purchase_date": "2026-11-01T10:00:00Z",
        "order_status": status,
        "lines": [{"sku": "SKU-A", "quantity": quantity}],
        **extra,
    }


def test_shipped_fba_orders_of_the_marketplace_take_units_out_and_returns_put_them_back(
    sim: SimulatedAmazon, control: ControlClient
) -> None:
    seller = make_seller(control, sim.url, [US, CA])
    received(control, seller, 10)
    received(control, seller, 10, CA)
    returned = {"sku": "SKU-A", "quantity": 1, "return_date": "2026-11-03T10:00:00Z"}

    control.add_orders(
        seller.seller_id,
        [
            order(US, "AFN", "Shipped", 3),
            order(US, "AFN", "Shipped", 2, returns=[returned]),
            order(US, "AFN", "Pending", 4),  # not shipped yet
            order(US, "MFN", "Shipped", 5),  # the seller's own stock
            order(CA, "AFN", "Shipped", 6),  # another marketplace
        ],
    )

    assert details(seller, "SKU-A")["fulfillableQuantity"] == 10 - 3 - 2 + 1
    assert details(seller, "SKU-A", CA)["fulfillableQuantity"] == 4


def test_an_adjustment_moves_the_figures_and_notifies_the_subscribed_seller(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    seller, queue = make_seller(control, sim.url, [US]), Queue(moto_endpoint)
    received(control, seller, 10)
    subscribe(seller, queue)

    lost = control.adjust_inventory(seller.seller_id, US, "SKU-A", "lost", fulfillable_delta=-3)
    damaged = control.adjust_inventory(
        seller.seller_id, US, "SKU-A", "damaged", fulfillable_delta=-1, unfulfillable_delta=1
    )

    assert (lost["fulfillable"], lost["notifications_sent"]) == (7, 1)
    assert (damaged["fulfillable"], damaged["unfulfillable"]) == (6, 1)
    figures = details(seller, "SKU-A")
    assert figures["fulfillableQuantity"] == 6
    assert figures["unfulfillableQuantity"]["totalUnfulfillableQuantity"] == 1  # type: ignore[index]
    notes = [n["Payload"] for n in queue.drain()]
    [last] = [n for n in notes if n["SKU"] == "SKU-A"][-1:]
    inventory = last["FulfillmentInventoryByMarketplace"][0]["FulfillmentInventory"]
    assert (inventory["Fulfillable"], inventory["Unfulfillable"]) == (6, 1)
    assert len(notes) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"marketplace_id": US, "sku": "SKU-A", "reason": "lost"}, 400),  # moves nothing
        ({"marketplace_id": US, "sku": "SKU-A", "fulfillable_delta": 1}, 400),  # no reason
        ({"marketplace_id": CA, "sku": "SKU-A", "fulfillable_delta": 1, "reason": "x"}, 400),
        ({"marketplace_id": US, "sku": "NOPE", "fulfillable_delta": 1, "reason": "x"}, 404),
    ],
)
def test_a_bad_adjustment_is_refused_and_changes_nothing(
    sim: SimulatedAmazon, control: ControlClient, body: dict[str, object], status: int
) -> None:
    seller = make_seller(control, sim.url, [US])
    received(control, seller, 10)

    path = f"/_sim/sellers/{seller.seller_id}/inventory-adjustments"
    refused = httpx.post(sim.url + path, json=body)

    assert refused.status_code == status, refused.text
    assert "error" in refused.json()
    assert details(seller, "SKU-A")["fulfillableQuantity"] == 10
