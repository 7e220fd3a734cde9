"""Amazon's own view of FBA inventory for one SKU in one marketplace, as Amazon reported it."""

from datetime import datetime
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


class AmazonStockAdjusted(DomainEvent):
    """Amazon's on hand differed from ours by the same units for several reports in a row:
    our events cannot explain it (units Amazon lost, damaged or found), so on hand follows
    Amazon, with both figures kept (`domain.stock.drift` decides when)."""

    type: Literal["AmazonStockAdjusted"] = "AmazonStockAdjusted"
    warehouse_id: str
    sku: str
    ours: int
    amazon: int
    difference: int  # amazon - ours: the change of our on hand
    report_event_id: str  # the report the adjustment settles on
    reported_at: AwareDatetime  # that report's time: when on hand changes
    since: AwareDatetime  # the first report of the run that showed the difference
    reads: int


class AmazonSalesReadThrough(DomainEvent):
    """Our reads of Amazon's order reports hold every order of the warehouse's marketplace up
    to `through`: Amazon's figures reported later may move with sales we have not read yet, so
    the drift check books nothing on them (`domain.stock.drift`)."""

    type: Literal["AmazonSalesReadThrough"] = "AmazonSalesReadThrough"
    warehouse_id: str
    through: AwareDatetime


def sales_read_through(held: datetime | None, event: DomainEvent) -> datetime | None:
    """How far the sales reads reach once `event` is applied: the furthest reach told (a
    redelivered or late `AmazonSalesReadThrough` never takes it back)."""
    if not isinstance(event, AmazonSalesReadThrough):
        return held
    return event.through if held is None else max(held, event.through)
