"""FBA_INVENTORY_AVAILABILITY_CHANGES notifications sent to an SQS queue on receipts.

Sent synchronously from the control call that receives units, so a test that has just
received units can read the queue at once. One message per SKU, as Amazon sends.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import format_timestamp
from .inventory import InventoryLevels
from .store import SkuInventorySnapshot

log = logging.getLogger(__name__)

NOTIFICATION_TYPE = "FBA_INVENTORY_AVAILABILITY_CHANGES"
SIMULATED_APPLICATION_ID = "amzn1.sp.solution.simulated-application"
SIMULATED_SUBSCRIPTION_ID = "simulated-subscription-fba-inventory"

# Given an endpoint URL (None = AWS default), returns a boto3-compatible SQS client.
SqsClientFactory = Callable[[str | None], Any]


def default_sqs_client(endpoint_url: str | None) -> Any:
    import boto3  # Imported late: only needed when notifications are switched on.

    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        # Dummy credentials: the simulator only ever talks to a local SQS (moto).
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _fulfillment_inventory(levels: InventoryLevels) -> dict[str, Any]:
    return {
        "InboundQuantityBreakdown": {
            "Working": levels.inbound_working,
            "Shipped": levels.inbound_shipped,
            "Receiving": levels.inbound_receiving,
        },
        "Fulfillable": levels.fulfillable,
        "Unfulfillable": levels.unfulfillable,
        "Researching": levels.researching,
        "ReservedQuantityBreakdown": {
            "WarehouseProcessing": levels.reserved,
            "WarehouseTransfer": 0,
        },
    }


def inventory_availability_notification(
    snapshot: SkuInventorySnapshot, event_time: datetime, notification_id: str | None = None
) -> dict[str, Any]:
    """The notification document exactly as Amazon delivers it in the SQS message body."""
    when = format_timestamp(event_time)
    return {
        "NotificationVersion": "1.0",
        "NotificationType": NOTIFICATION_TYPE,
        "PayloadVersion": "1.0",
        "EventTime": when,
        "Payload": {
            "SellerId": snapshot.seller_id,
            "FNSKU": snapshot.fnsku,
            "ASIN": snapshot.asin,
            "SKU": snapshot.sku,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": marketplace_id,
                    "FulfillmentInventory": _fulfillment_inventory(lv),
                }
                for marketplace_id, lv in snapshot.by_marketplace.items()
            ],
        },
        "NotificationMetadata": {
            "ApplicationId": SIMULATED_APPLICATION_ID,
            "SubscriptionId": SIMULATED_SUBSCRIPTION_ID,
            "PublishTime": when,
            "NotificationId": notification_id or str(uuid.uuid4()),
        },
    }


@dataclass(frozen=True)
class NotificationTarget:
    queue_url: str
    endpoint_url: str | None


class InventoryNotifier:
    def __init__(self, client_factory: SqsClientFactory | None = None) -> None:
        self._client_factory = client_factory or default_sqs_client
        self._lock = threading.Lock()
        self._target: NotificationTarget | None = None
        self._client: Any = None
        self._sent = 0
        self._last_error: str | None = None

    def configure(self, queue_url: str | None, endpoint_url: str | None = None) -> None:
        with self._lock:
            self._target = NotificationTarget(queue_url, endpoint_url) if queue_url else None
            self._client = None  # Built on first use, for the new endpoint.

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "queue_url": self._target.queue_url if self._target else None,
                "endpoint_url": self._target.endpoint_url if self._target else None,
                "sent": self._sent,
                "last_error": self._last_error,
            }

    def publish(self, snapshots: list[SkuInventorySnapshot], event_time: datetime) -> int:
        """Send one message per SKU; returns how many were sent. Failures are logged and
        reported through `status()`, never raised: the receipt itself has happened."""
        with self._lock:
            target = self._target
            if target is None:
                return 0
            if self._client is None:
                self._client = self._client_factory(target.endpoint_url)
            client = self._client
        sent = 0
        for snapshot in snapshots:
            body = json.dumps(inventory_availability_notification(snapshot, event_time))
            try:
                client.send_message(QueueUrl=target.queue_url, MessageBody=body)
                sent += 1
            except Exception as error:  # Any SQS failure: report it, keep the simulator up.
                log.warning("could not send notification to %s: %s", target.queue_url, error)
                with self._lock:
                    self._last_error = f"{type(error).__name__}: {error}"
        with self._lock:
            self._sent += sent
        return sent
