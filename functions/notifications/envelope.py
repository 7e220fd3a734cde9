"""SP-API notifications as they arrive on SQS: the envelope in either casing (PascalCase for the
older types, camelCase for newer ones such as REPORT_PROCESSING_FINISHED) and the
FBA_INVENTORY_AVAILABILITY_CHANGES payload."""

import json
from dataclasses import dataclass
from typing import Any, Final

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

FBA_INVENTORY_AVAILABILITY_CHANGES: Final = "FBA_INVENTORY_AVAILABILITY_CHANGES"


def _either(pascal: str) -> Any:
    """A field Amazon names `Pascal` or `pascal`."""
    return Field(validation_alias=AliasChoices(pascal, pascal[0].lower() + pascal[1:]))


class _Amazon(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class NotificationMetadata(_Amazon):
    notification_id: str = Field(
        min_length=1, validation_alias=AliasChoices("NotificationId", "notificationId")
    )
    publish_time: AwareDatetime | None = _either("PublishTime")
    # Which application and subscription the message came through: the only routing we trust.
    application_id: str = Field(
        min_length=1, validation_alias=AliasChoices("ApplicationId", "applicationId")
    )
    subscription_id: str = Field(
        min_length=1, validation_alias=AliasChoices("SubscriptionId", "subscriptionId")
    )


class _TypeOnly(_Amazon):
    notification_type: str = Field(
        min_length=1, validation_alias=AliasChoices("NotificationType", "notificationType")
    )


class InboundBreakdown(_Amazon):
    working: int = _either("Working")
    shipped: int = _either("Shipped")
    receiving: int = _either("Receiving")


class FulfillmentInventory(_Amazon):
    inbound: InboundBreakdown = _either("InboundQuantityBreakdown")
    fulfillable: int = _either("Fulfillable")
    unfulfillable: int = _either("Unfulfillable")
    researching: int = _either("Researching")
    reserved_breakdown: dict[str, int] = _either("ReservedQuantityBreakdown")

    @property
    def reserved(self) -> int:
        return sum(self.reserved_breakdown.values())


class MarketplaceInventory(_Amazon):
    marketplace_id: str = _either("MarketplaceId")
    inventory: FulfillmentInventory = _either("FulfillmentInventory")


class InventoryAvailabilityChanged(_Amazon):
    seller_id: str = Field(min_length=1, validation_alias=AliasChoices("SellerId", "sellerId"))
    sku: str = Field(min_length=1, validation_alias=AliasChoices("SKU", "sku"))
    fnsku: str = Field("", validation_alias=AliasChoices("FNSKU", "fnsku", "fnSku"))
    by_marketplace: tuple[MarketplaceInventory, ...] = _either("FulfillmentInventoryByMarketplace")


class InventoryChangeNotification(_Amazon):
    """An FBA_INVENTORY_AVAILABILITY_CHANGES notification, envelope and payload."""

    event_time: AwareDatetime | None = _either("EventTime")
    metadata: NotificationMetadata = Field(
        validation_alias=AliasChoices("NotificationMetadata", "notificationMetadata")
    )
    payload: InventoryAvailabilityChanged = _either("Payload")


@dataclass(frozen=True)
class Notification:
    notification_type: str
    inventory_change: InventoryChangeNotification | None = None  # read for that type only


class MalformedNotification(Exception):
    """Not a notification we can read: the message goes back to SQS and, in time, its DLQ."""


def read_notification(body: str) -> Notification:
    """The notification in `body`, read as far as its type needs; raises MalformedNotification."""
    try:
        document = json.loads(body)
    except ValueError:
        raise MalformedNotification("the body is not JSON") from None
    if not isinstance(document, dict):
        raise MalformedNotification("the body is not a JSON object")
    try:
        kind = _TypeOnly.model_validate(document).notification_type
    except ValidationError:
        raise MalformedNotification("NotificationType is missing") from None
    if kind != FBA_INVENTORY_AVAILABILITY_CHANGES:
        return Notification(kind)
    try:
        return Notification(kind, InventoryChangeNotification.model_validate(document))
    except ValidationError as error:
        raise MalformedNotification(_fields(error)) from None


def _fields(error: ValidationError) -> str:
    """Which fields were wrong, without the values (a payload is not ours to log)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in issue['loc']) or 'notification'}: {issue['msg']}"
        for issue in error.errors(include_url=False, include_input=False)
    )
