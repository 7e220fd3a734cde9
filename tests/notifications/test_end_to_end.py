"""Amazon receives units and notifies: the receipt reaches the shipment's stream through the
notifications queue, the consumer and a targeted sync job, with no scheduled sync."""

import json

import httpx
import pytest

from infra.local.provision_sync import create_notifications_queue
from tests.notifications.harness import US, Consumer
from tests.support import fresh_name
from tests.sync.harness import SyncWorld

pytestmark = pytest.mark.slow


def test_a_notified_receipt_reaches_the_shipment_without_waiting_for_the_schedule(
    world: SyncWorld,
) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"SKU-A": 5}, status="SHIPPED")
    world.sync()
    queue = create_notifications_queue(world.aws.sqs, fresh_name("notifications"))
    world.control.configure_notifications(queue.url, endpoint_url=world.aws.endpoint)
    try:
        world.control.receive(sid, {"SKU-A": 2})
    finally:
        httpx.delete(f"{world.control_url}/_sim/notifications").raise_for_status()
    messages = world.aws.sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)
    bodies = [message["Body"] for message in messages["Messages"]]
    assert [json.loads(body)["Payload"]["SKU"] for body in bodies] == ["SKU-A"]

    assert Consumer(world).deliver(*bodies) == []
    world.drain()

    receipts = world.stream(sid)[-1].event.model_dump()
    assert receipts["type"] == "InboundShipmentReceiptsChanged"
    assert [(r["sku"], r["quantity_received"], r["delta"]) for r in receipts["receipts"]] == [
        ("SKU-A", 2, 2)
    ]
    assert world.status().last_run.reason == "notification"
