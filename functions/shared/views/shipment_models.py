"""The read models of inbound shipments (see `models.py`)."""

from pydantic import AwareDatetime, Field

from functions.shared.views.models import View


class Address(View):
    name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    district_or_county: str = ""
    city: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""


class ShipmentLine(View):
    sku: str
    fnsku: str
    quantity_shipped: int
    quantity_received: int = Field(description="Amazon's cumulative received count")
    quantity_in_case: int
    discrepancy: int = Field(description="Shipped - received; negative when Amazon got more")


class StatusObservation(View):
    status: str
    observed_at: AwareDatetime


class ShipmentSummary(View):
    shipment_id: str
    name: str
    status: str = Field(description="Amazon's status, e.g. WORKING, SHIPPED, RECEIVING, CLOSED")
    connection_id: str
    marketplace_id: str
    destination_fc: str
    discovered_at: AwareDatetime
    last_observed_at: AwareDatetime
    reconciled: bool
    transfer_order_ids: list[str]
    purchase_order_ids: list[str] = Field(
        description="The purchase order it is bound to (also when no transfer order is)"
    )
    sku_count: int
    version: int = Field(
        description="Version of the shipment this answer shows; in a list, the version at "
        "which the row last changed (lists can lag a read of the shipment itself)"
    )
    units_shipped: int
    units_received: int


class ShipmentDetail(ShipmentSummary):
    ship_from: Address
    lines: list[ShipmentLine]
    status_history: list[StatusObservation]
    closed_at: AwareDatetime | None
