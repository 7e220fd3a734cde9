"""State the simulator keeps: sellers, inbound shipments and their item lines.

Field names are Pythonic here; `wire_format.py` renders Amazon's names. Values the simulator
renders are constrained as in Amazon's model (Fulfillment Inbound v0), so that a control call
cannot make the simulator answer what Amazon never would; the shipment status is the exception:
any string, as Amazon adds statuses without notice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

WORKING = "WORKING"
READY_TO_SHIP = "READY_TO_SHIP"
SHIPPED = "SHIPPED"
IN_TRANSIT = "IN_TRANSIT"
DELIVERED = "DELIVERED"
CHECKED_IN = "CHECKED_IN"
RECEIVING = "RECEIVING"
CLOSED = "CLOSED"
CANCELLED = "CANCELLED"
DELETED = "DELETED"
ERROR = "ERROR"

KNOWN_STATUSES = (
    WORKING,
    READY_TO_SHIP,
    SHIPPED,
    IN_TRANSIT,
    DELIVERED,
    CHECKED_IN,
    RECEIVING,
    CLOSED,
    CANCELLED,
    DELETED,
    ERROR,
)
# Cancelling one of these means Amazon never saw the boxes: the shipment becomes DELETED.
NOT_YET_SHIPPED_STATUSES = frozenset({WORKING, READY_TO_SHIP})
# Units on their way: they count as inboundShipped in inventory figures.
IN_TRANSIT_STATUSES = frozenset({SHIPPED, IN_TRANSIT, DELIVERED, CHECKED_IN})
# Nothing more happens to these through cancel.
FINAL_STATUSES = frozenset({CLOSED, CANCELLED, DELETED})

LabelPrepType = Literal["NO_LABEL", "SELLER_LABEL", "AMAZON_LABEL"]
BoxContentsSource = Literal["NONE", "FEED", "2D_BARCODE", "INTERACTIVE"]


class Address(BaseModel):
    # Maximum lengths from Amazon's model.
    name: str = Field("Simulated Seller Warehouse", max_length=50)
    address_line1: str = Field("1 Test Street", max_length=180)
    address_line2: str | None = Field(None, max_length=60)
    district_or_county: str | None = Field(None, max_length=25)
    city: str = Field("Seattle", max_length=30)
    state_or_province_code: str = "WA"
    country_code: str = "US"
    postal_code: str = Field("98109", max_length=30)


class Seller(BaseModel):
    seller_id: str
    marketplace_ids: list[str]
    refresh_token: str


class ShipmentItem(BaseModel):
    sku: str
    fnsku: str
    asin: str
    quantity_shipped: int
    quantity_received: int = 0
    quantity_in_case: int = 0
    release_date: date | None = None
    prep_instructions: list[str] = Field(default_factory=lambda: ["Labeling"])
    # getShipmentItems DATE_RANGE filters on this, independent of the shipment's own time.
    # Moves on creation, receipts and plan changes.
    last_updated_at: datetime
    # Receipts only: inventory's startDateTime sees receipts but not plan changes.
    last_received_at: datetime | None = None

    @model_validator(mode="after")
    def _received_at_for_older_saved_state(self) -> ShipmentItem:
        # State saved before this field existed: its last change with units was a receipt.
        if self.last_received_at is None and self.quantity_received != 0:
            self.last_received_at = self.last_updated_at
        return self


class Shipment(BaseModel):
    shipment_id: str
    seller_id: str
    marketplace_id: str
    name: str
    destination_fc: str
    status: str
    ship_from: Address = Field(default_factory=Address)
    label_prep_type: LabelPrepType = "SELLER_LABEL"
    are_cases_required: bool = False
    confirmed_need_by_date: date | None = None
    box_contents_source: BoxContentsSource = "INTERACTIVE"
    created_at: datetime
    # Moves on creation and status changes only, never on quantity changes (Amazon's quirk).
    last_updated_at: datetime
    items: dict[str, ShipmentItem] = Field(default_factory=dict)
