"""Amazon receives units and notifies: the receipt reaches the shipment's stream through the
subscription the connection's first sync made, the notifications queue, the consumer and a
targeted sync job, with no scheduled sync."""

import json

import pytest

from tests.notifications.harness import US, Consumer
from tests.sync.harness import SyncWorld

pytestmark = pytest.mark.slow


def test_a_notified_receipt_reaches_the_shipment_without_waiting_for_the_schedule(
    world: SyncWorld,
) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"SKU-A": 5}, status="SHIPPED")
    world.sync()  # subscribes
    queue = world.notifications
    assert queue is not None
    world.control.configure_notifications(world.aws.endpoint)
    world.control.receive(sid, {"SKU-A": 2})
    messages = world.aws.sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)
    bodies = [message["Body"] for message in messages["Messages"]]
    assert [json.loads(body)["Payload"]["SKU"] for body in bodies] == ["SKU-A"]
    metadata = json.loads(bodies[0])["NotificationMetadata"]
    assert metadata["SubscriptionId"] == world.subscription_id

    assert Consumer(world).deliver(*bodies) == []
    world.drain()

    receipts = world.stream(sid)[-1].event.model_dump()
    assert receipts["type"] == "InboundShipmentReceiptsChanged"
    assert [(r["sku"], r["quantity_received"], r["delta"]) for r in receipts["receipts"]] == [
        ("SKU-A", 2, 2)
    ]
    assert world.status().last_run.reason == "notification"
