"""SP-API notifications as they arrive on SQS: the envelope in either casing (PascalCase for the
older types, camelCase for newer ones such as REPORT_PROCESSING_FINISHED) and the
FBA_INVENTORY_AVAILABILITY_CHANGES payload."""

import json
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


class Envelope(_Amazon):
    notification_type: str = Field(
        min_length=1, validation_alias=AliasChoices("NotificationType", "notificationType")
    )
    event_time: AwareDatetime | None = _either("EventTime")
    # Read again as the model of its type once the type is known.
    payload: dict[str, Any] = Field(validation_alias=AliasChoices("Payload", "payload"))
    metadata: NotificationMetadata = Field(
        validation_alias=AliasChoices("NotificationMetadata", "notificationMetadata")
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


class MalformedNotification(Exception):
    """Not a notification we can read: the message goes back to SQS and, in time, its DLQ."""


def read_type(body: str) -> tuple[str, dict[str, Any]]:
    """The notification type and the parsed document; raises MalformedNotification."""
    try:
        document = json.loads(body)
    except ValueError:
        raise MalformedNotification("the body is not JSON") from None
    if not isinstance(document, dict):
        raise MalformedNotification("the body is not a JSON object")
    kind = document.get("NotificationType", document.get("notificationType"))
    if not isinstance(kind, str) or not kind:
        raise MalformedNotification("NotificationType is missing")
    return kind, document


def read_inventory_change(
    document: dict[str, Any],
) -> tuple[Envelope, InventoryAvailabilityChanged]:
    try:
        envelope = Envelope.model_validate(document)
        return envelope, InventoryAvailabilityChanged.model_validate(envelope.payload)
    except ValidationError as error:
        raise MalformedNotification(_fields(error)) from None


def _fields(error: ValidationError) -> str:
    """Which fields were wrong, without the values (a payload is not ours to log)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in issue['loc']) or 'notification'}: {issue['msg']}"
        for issue in error.errors(include_url=False, include_input=False)
    )
