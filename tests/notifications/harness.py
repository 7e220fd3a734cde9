"""Feeding SP-API notifications to the real consumer handler as Lambda's SQS source does."""

from __future__ import annotations

import json
import uuid
from typing import Any

from functions.notifications import handler, wiring
from functions.notifications.observability import metrics
from functions.notifications.settings import NotificationsSettings
from infra.simulated_amazon.notifications import SIMULATED_APPLICATION_ID
from tests.sync.harness import CA, US, FakeLambdaContext, SyncWorld

INVENTORY_CHANGES = "FBA_INVENTORY_AVAILABILITY_CHANGES"


def inventory_change(
    seller_id: str,
    sku: str,
    fulfillable: dict[str, int],
    notification_id: str | None = None,
    *,
    subscription_id: str | None,
    application_id: str = SIMULATED_APPLICATION_ID,
) -> dict[str, Any]:
    """An FBA_INVENTORY_AVAILABILITY_CHANGES notification as Amazon writes it (PascalCase),
    delivered through `subscription_id` of `application_id`."""
    return {
        "NotificationVersion": "1.0",
        "NotificationType": INVENTORY_CHANGES,
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-23T09:00:00.000Z",
        "Payload": {
            "SellerId": seller_id,
            "FNSKU": f"X00{sku}",
            "ASIN": "B000000001",
            "SKU": sku,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": marketplace_id,
                    "FulfillmentInventory": {
                        "InboundQuantityBreakdown": {"Working": 0, "Shipped": 4, "Receiving": 2},
                        "Fulfillable": units,
                        "Unfulfillable": 1,
                        "Researching": 0,
                        "ReservedQuantityBreakdown": {
                            "WarehouseProcessing": 3,
                            "WarehouseTransfer": 1,
                        },
                    },
                }
                for marketplace_id, units in fulfillable.items()
            ],
        },
        "NotificationMetadata": {
            "ApplicationId": application_id,
            "SubscriptionId": subscription_id or "no-subscription",
            "PublishTime": "2026-11-23T09:00:01.000Z",
            "NotificationId": notification_id or str(uuid.uuid4()),
        },
    }


def camel_case_envelope(notification: dict[str, Any]) -> dict[str, Any]:
    """The same notification in the newer casing: camelCase envelope keys."""
    camel = {key[0].lower() + key[1:]: value for key, value in notification.items()}
    camel["notificationMetadata"] = {
        key[0].lower() + key[1:]: value
        for key, value in notification["NotificationMetadata"].items()
    }
    return camel


class Consumer:
    """The consumer wired to a sync world's tables and queue."""

    def __init__(self, world: SyncWorld, sync_queue_url: str | None = None) -> None:
        self.world = world
        settings = NotificationsSettings.model_validate(
            {
                "events_table": world.events_table,
                "state_table": world.state_table,
                "sync_queue_url": sync_queue_url or world.queue.url,
                "spapi_application_id": SIMULATED_APPLICATION_ID,
            }
        )
        self.deps = wiring.build(settings, world.aws.given(), clock=world.clock)

    def deliver(self, *bodies: str | dict[str, Any]) -> list[str]:
        """Hand the messages to the handler in one batch; the ids of the failed ones."""
        event = {"Records": [_record(body) for body in bodies]}
        try:
            answer = handler.handle(event, FakeLambdaContext(), self.deps)  # type: ignore[arg-type]
        except Exception:  # every record failed: Powertools raises
            return [record["messageId"] for record in event["Records"]]
        finally:
            metrics.flush_metrics()  # as lambda_handler's decorator does at the end
        return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def _record(body: str | dict[str, Any]) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "messageId": f"m-{uuid.uuid4().hex[:8]}",
        "receiptHandle": "handle",
        "body": text,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:notifications",
        "awsRegion": "us-east-1",
    }


__all__ = ["CA", "US", "Consumer", "camel_case_envelope", "inventory_change"]
