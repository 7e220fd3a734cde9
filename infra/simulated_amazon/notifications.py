"""FBA_INVENTORY_AVAILABILITY_CHANGES notifications sent to SQS on every change of a SKU's
figures (receipts, plan changes, status changes that move inbound units, new shipments; not
bulk creation, a benchmark tool), see inventory_changes.py.

Sent synchronously from the control call that made the change, so a test can read the queue
at once. One message per SKU, as Amazon sends, to every subscription the seller has to the
type (created through the Notifications API, notifications_api.py): a seller without one gets
nothing. The subscription's destination ARN `arn:aws:sqs:{region}:{account}:{name}` is
resolved to a queue URL with SQS GetQueueUrl against the configured SQS endpoint (the
constructor or `POST /_sim/notifications`), and the message carries that subscription's id and
payload version.

`NotificationMetadata.ApplicationId` is the simulator's application (SIMULATED_APPLICATION_ID
unless the simulator is given another). Messages pass through the opt-in delivery quirks
(delivery_quirks.py) when those are on.
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
from .control_schema import DeliveryQuirksRequest
from .delivery_quirks import DeliveryQuirks
from .identifiers import item_name_for
from .inventory import InventoryLevels
from .store import SkuInventorySnapshot
from .subscriptions import Subscription, SubscriptionRegistry

log = logging.getLogger(__name__)

NOTIFICATION_TYPE = "FBA_INVENTORY_AVAILABILITY_CHANGES"
SIMULATED_APPLICATION_ID = "amzn1.sp.solution.simulated-application"

# (endpoint URL or None for AWS's, region name) -> a boto3-compatible SQS client.
SqsClientFactory = Callable[[str | None, str], Any]


def default_sqs_client(endpoint_url: str | None, region_name: str) -> Any:
    import boto3  # Imported late: only needed when notifications are switched on.

    return boto3.client(
        "sqs",
        region_name=region_name,
        endpoint_url=endpoint_url,
        # Dummy credentials: the simulator only ever talks to a local SQS (moto).
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _fulfillment_inventory(levels: InventoryLevels) -> dict[str, Any]:
    # In-Stock Head Start and customer orders are not simulated: those figures stay 0.
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
            "PendingCustomerOrder": 0,
        },
        "FutureSupplyBuyable": 0,
        "PendingCustomerOrderInTransit": 0,
    }


def inventory_availability_notification(
    snapshot: SkuInventorySnapshot,
    event_time: datetime,
    notification_id: str | None = None,
    *,
    subscription_id: str,
    application_id: str = SIMULATED_APPLICATION_ID,
    payload_version: str = "1.0",
) -> dict[str, Any]:
    """The notification document exactly as Amazon delivers it in the SQS message body."""
    when = format_timestamp(event_time)
    return {
        "NotificationVersion": "1.0",
        "NotificationType": NOTIFICATION_TYPE,
        "PayloadVersion": payload_version,
        "EventTime": when,
        "Payload": {
            "SellerId": snapshot.seller_id,
            "FNSKU": snapshot.fnsku,
            "ASIN": snapshot.asin,
            "SKU": snapshot.sku,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": marketplace_id,
                    "ItemName": item_name_for(snapshot.sku),
                    "FulfillmentInventory": _fulfillment_inventory(lv),
                }
                for marketplace_id, lv in snapshot.by_marketplace.items()
            ],
        },
        "NotificationMetadata": {
            "ApplicationId": application_id,
            "SubscriptionId": subscription_id,
            "PublishTime": when,
            "NotificationId": notification_id or str(uuid.uuid4()),
        },
    }


def parse_sqs_arn(arn: str) -> tuple[str, str, str]:
    """(region, account, queue name) of `arn:aws:sqs:{region}:{account}:{name}`."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "sqs"] or not all(parts[3:]):
        raise ValueError(f"not an SQS queue ARN: {arn!r}")
    return parts[3], parts[4], parts[5]


@dataclass(frozen=True)
class Outgoing:
    """One SQS message to send."""

    client: Any
    queue_url: str
    body: str


class InventoryNotifier:
    def __init__(
        self,
        client_factory: SqsClientFactory | None = None,
        subscriptions: SubscriptionRegistry | None = None,
        application_id: str = SIMULATED_APPLICATION_ID,
    ) -> None:
        self._client_factory = client_factory or default_sqs_client
        self._subscriptions = subscriptions or SubscriptionRegistry()
        self._application_id = application_id
        self._quirks: DeliveryQuirks[Outgoing] = DeliveryQuirks()
        self._lock = threading.Lock()
        self._endpoint_url: str | None = None
        self._clients: dict[str, Any] = {}  # region -> client for the current endpoint
        self._sent = 0
        self._last_error: str | None = None

    def configure(self, endpoint_url: str | None) -> None:
        """The SQS endpoint subscriptions' queues are resolved on and sent to (None = AWS's)."""
        with self._lock:
            self._endpoint_url = endpoint_url
            self._clients = {}  # Built on first use, for the new endpoint.

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "endpoint_url": self._endpoint_url,
                "application_id": self._application_id,
                "sent": self._sent,
                "last_error": self._last_error,
            }

    def delivers_for(self, seller_id: str) -> bool:
        """Whether a change of this seller's figures would be sent anywhere."""
        return bool(self._subscriptions.subscriptions_of(seller_id, NOTIFICATION_TYPE))

    # Delivery quirks

    def set_quirks(self, settings: DeliveryQuirksRequest | None) -> int:
        """Switch the quirks on or off; returns how many held-back messages were sent."""
        return self._send(self._quirks.configure(settings))

    def quirks_status(self) -> dict[str, object]:
        return self._quirks.status()

    def clear_quirks(self) -> None:
        self._quirks.clear()

    # Sending

    def publish(self, snapshots: list[SkuInventorySnapshot], event_time: datetime) -> int:
        """Send one message per SKU and subscription; returns how many were sent. Failures
        are logged and reported through `status()`, never raised: the change has happened."""
        messages: list[Outgoing] = []
        queues: dict[str, tuple[Any, str] | None] = {}  # destination id -> (client, queue URL)
        for snapshot in snapshots:
            for subscription in self._subscriptions.subscriptions_of(
                snapshot.seller_id, NOTIFICATION_TYPE
            ):
                if subscription.destination_id not in queues:
                    queues[subscription.destination_id] = self._resolve(subscription)
                queue = queues[subscription.destination_id]
                if queue is not None:
                    body = self._document(snapshot, event_time, subscription)
                    messages.append(Outgoing(queue[0], queue[1], body))
        return self._send(self._quirks.apply(messages))

    def _document(
        self, snapshot: SkuInventorySnapshot, event_time: datetime, subscription: Subscription
    ) -> str:
        return json.dumps(
            inventory_availability_notification(
                snapshot,
                event_time,
                subscription_id=subscription.subscription_id,
                application_id=self._application_id,
                payload_version=subscription.payload_version,
            )
        )

    def _resolve(self, subscription: Subscription) -> tuple[Any, str] | None:
        """The client and queue URL of the subscription's destination, or None (reported)."""
        try:
            arn = self._subscriptions.destination(subscription.destination_id).arn
            region, account, name = parse_sqs_arn(arn)
            client = self._client(region)
            answer = client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
            return client, str(answer["QueueUrl"])
        except Exception as error:  # NotificationsProblem, a bad ARN, any SQS failure.
            self._report(f"cannot resolve destination {subscription.destination_id}", error)
            return None

    def _client(self, region: str) -> Any:
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                client = self._clients[region] = self._client_factory(self._endpoint_url, region)
            return client

    def _send(self, messages: list[Outgoing]) -> int:
        sent = 0
        for message in messages:
            try:
                message.client.send_message(QueueUrl=message.queue_url, MessageBody=message.body)
                sent += 1
            except Exception as error:  # Any SQS failure: report it, keep the simulator up.
                self._report(f"could not send a notification to {message.queue_url}", error)
        with self._lock:
            self._sent += sent
        return sent

    def _report(self, what: str, error: Exception) -> None:
        log.warning("%s: %s", what, error)
        with self._lock:
            self._last_error = f"{what}: {type(error).__name__}: {error}"
