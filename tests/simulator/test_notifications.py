"""FBA_INVENTORY_AVAILABILITY_CHANGES messages delivered to a moto SQS queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import CA, US, make_seller

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def sqs(moto_endpoint: str) -> Any:
    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def queue_url(sqs: Any) -> str:
    return str(sqs.create_queue(QueueName=f"inventory-{uuid.uuid4().hex[:8]}")["QueueUrl"])


def drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    while True:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        if not messages:
            return bodies
        bodies.extend(json.loads(message["Body"]) for message in messages)


def test_receiving_units_sends_one_notification_per_sku(
    moto_endpoint: str, sqs: Any, queue_url: str
) -> None:
    with (
        SimulatedAmazon(
            notifications_queue_url=queue_url, notifications_endpoint_url=moto_endpoint
        ) as sim,
        ControlClient(sim.url) as control,
    ):
        seller = make_seller(control, sim.url, [US, CA])
        shipment_id = control.create_shipment(
            seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4}, status="SHIPPED"
        )
        answer = control.receive(shipment_id, {"SKU-A": 6, "SKU-B": 4})

    assert answer["notifications_sent"] == 2
    notifications = {n["Payload"]["SKU"]: n for n in drain(sqs, queue_url)}
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


def test_the_queue_can_be_configured_through_the_control_api(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str, sqs: Any, queue_url: str
) -> None:
    seller = make_seller(control, sim.url)
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 2})
    assert control.receive(shipment_id, {"SKU-A": 1})["notifications_sent"] == 0

    control.configure_notifications(queue_url, moto_endpoint)
    try:
        control.receive(shipment_id, {"SKU-A": 1})
    finally:
        control.disable_notifications()

    assert control.notifications()["sent"] == 1
    [note] = drain(sqs, queue_url)
    assert (
        note["Payload"]["FulfillmentInventoryByMarketplace"][0]["FulfillmentInventory"][
            "Fulfillable"
        ]
        == 2
    )


def test_a_plan_change_notifies_each_changed_sku(
    moto_endpoint: str, sqs: Any, queue_url: str
) -> None:
    with (
        SimulatedAmazon(
            notifications_queue_url=queue_url, notifications_endpoint_url=moto_endpoint
        ) as sim,
        ControlClient(sim.url) as control,
    ):
        # Given a working shipment of A x10, B x4, C x1
        seller = make_seller(control, sim.url)
        shipment_id = control.create_shipment(
            seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4, "SKU-C": 1}
        )
        assert len(drain(sqs, queue_url)) == 3  # the new shipment moved each SKU's figures
        sent_before = control.notifications()["sent"]

        # When the plan becomes A x12, C x1 (unchanged), D x2
        control.set_items(shipment_id, {"SKU-A": 12, "SKU-C": 1, "SKU-D": 2})
        sent = control.notifications()["sent"] - sent_before

    # Then A, B and D are notified with their new inbound figures; B, gone, reports zeros
    notes = {n["Payload"]["SKU"]: n["Payload"] for n in drain(sqs, queue_url)}
    assert sent == 3
    working = {
        sku: [
            (m["MarketplaceId"], m["FulfillmentInventory"]["InboundQuantityBreakdown"]["Working"])
            for m in payload["FulfillmentInventoryByMarketplace"]
        ]
        for sku, payload in notes.items()
    }
    assert working == {"SKU-A": [(US, 12)], "SKU-B": [(US, 0)], "SKU-D": [(US, 2)]}
