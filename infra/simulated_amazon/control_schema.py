"""Request bodies of the control API (`/_sim/...`), validated with pydantic."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .models import Address, BoxContentsSource, LabelPrepType

FaultOperation = Literal[
    "getShipments",
    "getShipmentItemsByShipmentId",
    "getShipmentItems",
    "getInventorySummaries",
    "token",
    "createDestination",
    "getDestinations",
    "getDestination",
    "deleteDestination",
    "createSubscription",
    "getSubscription",
    "getSubscriptionById",
    "deleteSubscriptionById",
    # Fulfillment Inbound v2024-03-20
    "listInboundPlans",
    "createInboundPlan",
    "getInboundPlan",
    "cancelInboundPlan",
    "listInboundPlanItems",
    "listPackingGroupItems",
    "setPackingInformation",
    "listPackingOptions",
    "generatePackingOptions",
    "confirmPackingOption",
    "listPlacementOptions",
    "generatePlacementOptions",
    "confirmPlacementOption",
    "getShipment",
    "listShipmentItems",
    "getInboundOperationStatus",
    # Reports API 2021-06-30
    "createReport",
    "getReport",
    "getReports",
    "getReportDocument",
]


class _Strict(BaseModel):
    # Typos in control calls should fail loudly rather than be ignored silently.
    model_config = ConfigDict(extra="forbid")


class CreateSellerRequest(_Strict):
    seller_id: str = Field(min_length=1)
    marketplace_ids: list[str] = Field(min_length=1)
    refresh_token: str | None = Field(
        default=None, description="Choose the refresh token; a fresh one is generated if absent."
    )


class PlannedItem(_Strict):
    sku: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    quantity_in_case: int | None = Field(default=None, ge=0)
    release_date: date | None = None


class CreateShipmentRequest(_Strict):
    marketplace_id: str = Field(min_length=1)
    destination_fc: str = Field(min_length=1)
    items: list[PlannedItem] = Field(min_length=1)
    name: str | None = None
    status: str = Field(default="WORKING", min_length=1)
    shipment_id: str | None = Field(default=None, min_length=1)
    ship_from: Address | None = None
    label_prep_type: LabelPrepType = "SELLER_LABEL"
    are_cases_required: bool = False
    confirmed_need_by_date: date | None = None
    box_contents_source: BoxContentsSource = "INTERACTIVE"

    @field_validator("items")
    @classmethod
    def _skus_are_unique(cls, items: list[PlannedItem]) -> list[PlannedItem]:
        _require_unique_skus([item.sku for item in items])
        return items


def _require_unique_skus(skus: list[str]) -> None:
    duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
    if duplicates:
        raise ValueError(f"each sku may appear once per shipment; repeated: {duplicates}")


class BulkCreateShipmentsRequest(_Strict):
    count: int = Field(ge=1, le=10_000)
    lines_per_shipment: int = Field(ge=1, le=500)
    marketplace_id: str = Field(min_length=1)
    destination_fc: str = "PHX7"
    status: str = Field(default="WORKING", min_length=1)
    sku_prefix: str = "SKU-"
    sku_pool_size: int | None = Field(
        default=None, ge=1, description="Distinct SKUs to cycle through; default count*lines."
    )
    quantity: int | None = Field(default=None, ge=1, description="Fixed units per line.")


class PlanLine(_Strict):
    sku: str = Field(min_length=1)
    # Strict: 2.0 or "2" is a caller's mistake here. To take a SKU off the plan, leave it out.
    quantity: int = Field(strict=True, ge=1)


class SetItemsRequest(_Strict):
    """The whole new plan: SKUs left out are taken off it."""

    items: list[PlanLine] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _skus_are_unique(cls, items: list[PlanLine]) -> list[PlanLine]:
        _require_unique_skus([item.sku for item in items])
        return items


class SetStatusRequest(_Strict):
    status: str = Field(min_length=1)


class ReceivedItem(_Strict):
    sku: str = Field(min_length=1)
    quantity: int


class ReceiveRequest(_Strict):
    items: list[ReceivedItem] = Field(min_length=1)


class FaultRequest(_Strict):
    operation: FaultOperation
    status: Literal[429, 500, 503]
    body: Literal["json", "html", "empty"] = "json"
    count: int = Field(default=1, ge=1)
    delay_ms: int = Field(default=0, ge=0, le=60_000)


class AdvanceClockRequest(_Strict):
    advance_seconds: float = Field(ge=0)


class NotificationEndpointRequest(_Strict):
    """The SQS endpoint subscriptions' destination queues are resolved on and sent to, e.g. a
    moto server's URL; null for AWS's own (see notifications.py)."""

    endpoint_url: str | None = Field(min_length=1)


class DeliveryQuirksRequest(_Strict):
    """SQS standard-queue quirks for notifications; each rate is a probability per message
    (`reorder_rate`: per send, of shuffling its messages)."""

    seed: int
    duplicate_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    reorder_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    delay_rate: float = Field(default=0.0, ge=0.0, le=1.0)


class IssueRefreshTokenRequest(_Strict):
    """`POST /_sim/sellers/{id}/tokens` takes no fields (an empty body or `{}`)."""


class ReportOutcomesRequest(_Strict):
    """The seller's next `count` reports of `report_type` end FATAL, or stay IN_PROGRESS for
    ever (STUCK), whatever their rows."""

    report_type: str = Field(min_length=1)
    outcome: Literal["FATAL", "STUCK"]
    count: int = Field(default=1, ge=1, le=1_000)


class ReportCompressionRequest(_Strict):
    """Every `gzip_every`-th report document of the seller is GZIP-compressed
    (`compressionAlgorithm: GZIP`); 0: none, 1: all."""

    gzip_every: int = Field(ge=0, le=1_000)
