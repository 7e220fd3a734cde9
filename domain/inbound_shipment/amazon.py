"""What one sync saw of an Amazon inbound shipment: Amazon's data, in our names.

Statuses are kept as strings: Amazon returns values absent from its own enum (READY_TO_SHIP)
and will add more; an unknown status is kept and treated as "not yet shipped".
"""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ShipmentPhase(StrEnum):
    NOT_SHIPPED = "not_shipped"
    IN_TRANSIT = "in_transit"
    RECEIVING = "receiving"
    CLOSED = "closed"
    CANCELLED = "cancelled"


PHASE_OF_STATUS: dict[str, ShipmentPhase] = {
    "WORKING": ShipmentPhase.NOT_SHIPPED,
    "READY_TO_SHIP": ShipmentPhase.NOT_SHIPPED,
    "SHIPPED": ShipmentPhase.IN_TRANSIT,
    "IN_TRANSIT": ShipmentPhase.IN_TRANSIT,
    "DELIVERED": ShipmentPhase.IN_TRANSIT,
    "CHECKED_IN": ShipmentPhase.IN_TRANSIT,
    "RECEIVING": ShipmentPhase.RECEIVING,
    "CLOSED": ShipmentPhase.CLOSED,
    "CANCELLED": ShipmentPhase.CANCELLED,
    "DELETED": ShipmentPhase.CANCELLED,
    "ERROR": ShipmentPhase.CANCELLED,
}


# Amazon shows the goods have left the seller (received units show it too).
GOODS_LEFT_PHASES = frozenset(
    {ShipmentPhase.IN_TRANSIT, ShipmentPhase.RECEIVING, ShipmentPhase.CLOSED}
)


def phase_of(status: str) -> ShipmentPhase:
    return PHASE_OF_STATUS.get(status, ShipmentPhase.NOT_SHIPPED)


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    district_or_county: str = ""
    city: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""


class AmazonShipmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    fnsku: str = ""
    quantity_shipped: int = Field(ge=0)
    # Cumulative: Amazon corrects it downwards, never below zero (a negative one is malformed).
    quantity_received: int = Field(ge=0)
    quantity_in_case: int = Field(default=0, ge=0)


class AmazonShipmentSnapshot(BaseModel):
    """One observation of a shipment. `lines` is None when this sync did not read the items."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str = Field(pattern=r"^FBA[0-9A-Z]+$")
    connection_id: str
    marketplace_id: str
    name: str = ""
    destination_fc: str = ""
    ship_from: Address = Address()
    status: str = Field(min_length=1)
    confirmed_need_by_date: date | None = None
    lines: tuple[AmazonShipmentLine, ...] | None = None
