"""Amazon's own view of FBA inventory for one SKU in one marketplace, as Amazon reported it."""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.messages import DomainEvent


class AmazonInventoryFigures(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    fulfillable: int = 0
    inbound_working: int = 0
    inbound_shipped: int = 0
    inbound_receiving: int = 0
    reserved: int = 0
    unfulfillable: int = 0
    researching: int = 0


class AmazonInventoryReported(DomainEvent):
    type: Literal["AmazonInventoryReported"] = "AmazonInventoryReported"
    warehouse_id: str
    sku: str
    fnsku: str
    figures: AmazonInventoryFigures
    reported_at: AwareDatetime
    source: str  # "notification:<NotificationId>" or "summaries"
