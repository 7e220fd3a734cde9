"""FBA_INVENTORY_AVAILABILITY_CHANGES messages delivered to a subscribed seller's moto SQS
queue, and the SQS endpoint set through the control API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.notifications import SIMULATED_APPLICATION_ID

from .conftest import CA, US, make_seller
from .sqs_support import Queue, moto_endpoint, subscribe

__all__ = ["moto_endpoint"]  # a fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim(moto_endpoint: str) -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(notifications_endpoint_url=moto_endpoint) as simulator:
        yield simulator


def test_receiving_units_sends_one_notification_per_sku(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    seller, queue = make_seller(control, sim.url, [US, CA]), Queue(moto_endpoint)
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4}, status="SHIPPED"
    )
    subscribe(seller, queue)

    answer = control.receive(shipment_id, {"SKU-A": 6, "SKU-B": 4})

    assert answer["notifications_sent"] == 2
    notifications = {n["Payload"]["SKU"]: n for n in queue.drain()}
    assert set(notifications) == {"SKU-A", "SKU-B"}
    note = notifications["SKU-A"]
    assert note["NotificationVersion"] == "1.0"
    assert note["NotificationType"] == "FBA_INVENTORY_AVAILABILITY_CHANGES"
    assert note["PayloadVersion"] == "1.0"
    assert note["EventTime"].endswith("Z")
    payload = note["Payload"]
    assert payload["SellerId"] == seller.seller_id
    assert payload["FNSKU"].startswith("X00")
    assert payload["ASIN"].startswith("B0")
    [marketplace] = payload["FulfillmentInventoryByMarketplace"]  # SKU-A is known in US only
    assert marketplace["MarketplaceId"] == US
    inventory = marketplace["FulfillmentInventory"]
    assert inventory["Fulfillable"] == 6
    assert inventory["InboundQuantityBreakdown"] == {"Working": 0, "Shipped": 0, "Receiving": 4}
    assert {"Unfulfillable", "Researching", "ReservedQuantityBreakdown"} <= set(inventory)
    metadata = note["NotificationMetadata"]
    assert set(metadata) == {"ApplicationId", "SubscriptionId", "PublishTime", "NotificationId"}
    assert uuid.UUID(metadata["NotificationId"])
    assert (
        metadata["NotificationId"]
        != notifications["SKU-B"]["NotificationMetadata"]["NotificationId"]
    )


def test_the_sqs_endpoint_can_be_configured_through_the_control_api(moto_endpoint: str) -> None:
    with SimulatedAmazon() as sim, ControlClient(sim.url) as control:
        seller, queue = make_seller(control, sim.url), Queue(moto_endpoint)
        shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 2})
        assert control.receive(shipment_id, {"SKU-A": 1})["notifications_sent"] == 0

        status = control.configure_notifications(moto_endpoint)
        subscribe(seller, queue)  # its destination's queue is found on that endpoint
        control.receive(shipment_id, {"SKU-A": 1})
        sent = control.notifications()["sent"]

    assert status == {
        "endpoint_url": moto_endpoint,
        "application_id": SIMULATED_APPLICATION_ID,
        "sent": 0,
        "last_error": None,
    }
    assert sent == 1
    [note] = queue.drain()
    [marketplace] = note["Payload"]["FulfillmentInventoryByMarketplace"]
    assert marketplace["FulfillmentInventory"]["Fulfillable"] == 2


def test_the_endpoint_is_the_only_notification_setting(sim: SimulatedAmazon) -> None:
    # No queue that gets every seller's notifications: Amazon delivers through subscriptions.
    url = f"{sim.url}/_sim/notifications"

    without_endpoint = httpx.post(url, json={})
    with_a_queue = httpx.post(url, json={"endpoint_url": None, "queue_url": "http://q"})
    switch_off = httpx.delete(url)

    assert without_endpoint.status_code == 400
    assert "endpoint_url" in without_endpoint.json()["error"]
    assert with_a_queue.status_code == 400
    assert "queue_url" in with_a_queue.json()["error"]
    assert switch_off.status_code == 405


def test_a_plan_change_notifies_each_changed_sku(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    # Given a subscribed seller's working shipment of A x10, B x4, C x1
    seller, queue = make_seller(control, sim.url), Queue(moto_endpoint)
    subscribe(seller, queue)
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4, "SKU-C": 1}
    )
    assert len(queue.drain()) == 3  # the new shipment moved each SKU's figures
    sent_before = control.notifications()["sent"]

    # When the plan becomes A x12, C x1 (unchanged), D x2
    control.set_items(shipment_id, {"SKU-A": 12, "SKU-C": 1, "SKU-D": 2})
    sent = control.notifications()["sent"] - sent_before

    # Then A, B and D are notified with their new inbound figures; B, gone, reports zeros
    notes = {n["Payload"]["SKU"]: n["Payload"] for n in queue.drain()}
    assert sent == 3
    working = {
        sku: [
            (m["MarketplaceId"], m["FulfillmentInventory"]["InboundQuantityBreakdown"]["Working"])
            for m in payload["FulfillmentInventoryByMarketplace"]
        ]
        for sku, payload in notes.items()
    }
    assert working == {"SKU-A": [(US, 12)], "SKU-B": [(US, 0)], "SKU-D": [(US, 2)]}
